import type { ProposeOutcome, ProposeWith } from '../cluster/client.js';
import type { LogEntryView, NodeStatus, NodeView } from '../cluster/types.js';
import type { KvResult } from '../kv/index.js';
import type { NetworkFaults } from '../net/types.js';
import type { TornWrite } from '../cluster/node-disk.js';
import type { NodeId, Term } from '../raft/types.js';
import type { AdminPush } from './admin-protocol.js';

/**
 * How one node is hosted, seen from the cluster that orchestrates it: started, crashed,
 * restarted, asked for status, given client requests and faults. InlineNode hosts it in this
 * process (inline-node.ts); ProcessNode runs it as its own OS process (`raft-tui node`) and
 * AdminNode reaches one anywhere, both through its admin endpoint.
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
  /** The term it leads in, when it is up and the leader (as last seen); else undefined. */
  leaderTerm(): Term | undefined;
  /**
   * Simulated disks only: crashes the node in the middle of its next log write and resolves with
   * what the disk kept of it. Hosting that cannot (a node in another process) throws, saying why.
   */
  crashMidWrite(timeoutMs: number): Promise<{ torn: TornWrite | null } | undefined>;
  /** The latest view of the node (a down node: what its files kept, as last seen). */
  view(): NodeView;
  /** The node as the public API reports it (DESIGN.md's NodeStatus), with its whole log. */
  status(): NodeStatus;
  /** The node's whole log as last seen. */
  log(): LogEntryView[];
  propose(data: string): ProposeOutcome<KvResult> | Promise<ProposeOutcome<KvResult>>;
  /** A node in this process: {@link propose} with a callback for the outcome, no promise (see NodeHost.proposeWith). */
  proposeWith?: ProposeWith<KvResult>;
  read(command: string): ProposeOutcome<KvResult> | Promise<ProposeOutcome<KvResult>>;
  setFaults(faults: NetworkFaults): Promise<void>;
  /**
   * The election timer fires now (the thesis's "timeout"); says what the node did. Throws for a
   * node that is down or a leader. (What it can tell differs: inline, its new role and term.)
   */
  timeout(): Promise<string>;
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
