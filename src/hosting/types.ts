import type { ProposeOutcome } from '../cluster/client.js';
import type { LogEntryView, NodeView } from '../cluster/types.js';
import type { KvResult } from '../kv/index.js';
import type { NetworkFaults } from '../net/types.js';
import type { NodeId } from '../raft/types.js';
import type { AdminPush } from './admin-protocol.js';

/**
 * How one node is hosted, seen from the cluster that orchestrates it: started, crashed,
 * restarted, asked for status, given client requests and faults. The process implementation
 * runs the node as its own OS process (`raft-tui node`) and talks to its admin endpoint.
 */
export interface NodeHosting {
  readonly id: NodeId;
  readonly up: boolean;
  /** What `crash` does here, in words (the dashboard says it). */
  readonly crashMeaning: string;
  start(): Promise<void>;
  /** Volatile state lost, files kept. */
  crash(): Promise<void>;
  /** Back from the files. */
  restart(): Promise<void>;
  /** The latest view of the node (a down node: what its files kept, as last seen). */
  view(): NodeView;
  /** The node's whole log as last seen. */
  log(): LogEntryView[];
  propose(data: string): ProposeOutcome<KvResult> | Promise<ProposeOutcome<KvResult>>;
  read(command: string): ProposeOutcome<KvResult> | Promise<ProposeOutcome<KvResult>>;
  setFaults(faults: NetworkFaults): Promise<void>;
  /** The election timer fires now; false on a leader. */
  campaign(): Promise<boolean>;
  transferLeadership(to: NodeId): Promise<{ ok: true } | { ok: false; message: string }>;
  /** §7: take a snapshot now and compact the log. */
  compact(): Promise<void>;
  /** Stops the node for good (the process exits). */
  stop(): Promise<void>;
}

/** What a hosted node tells its cluster: everything it pushes, and that it went down by itself. */
export interface NodeHostingHooks {
  onPush(id: NodeId, push: AdminPush): void;
  onDown(id: NodeId, why: string): void;
}
