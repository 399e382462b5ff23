import type { RestartObservation, NodeObservation } from '../check/observation.js';
import type { KvResult } from '../kv/index.js';
import type { NetworkFaults } from '../net/types.js';
import type { ConfigChange, Index, NodeId, Term } from '../raft/types.js';
import type { ClusterEvent, LogEntryView, NodeView } from '../cluster/types.js';

/**
 * The admin protocol of one node process: JSON lines over TCP, after the challenge-response in
 * admin-auth.ts. A request carries an `id`; every answer to it carries the same `id`. A
 * proposal is answered twice: once accepted (index, term) and once applied (or not).
 */
export type AdminRequest =
  | { op: 'status' }
  | { op: 'watch'; events: boolean; observe: boolean }
  | { op: 'propose'; data: string }
  | { op: 'read'; command: string }
  | { op: 'faults'; faults: NetworkFaults }
  | { op: 'crash' }
  | { op: 'restart' }
  | { op: 'campaign' }
  | { op: 'compact' }
  | { op: 'transfer'; to: NodeId }
  /** Thesis §4.1: propose a configuration change (on the leader); answered with its ProposeResult. */
  | { op: 'config'; change: ConfigChange }
  /** A node joined at `listen` (HOST:PORT): connect to it. */
  | { op: 'add-peer'; node: NodeId; listen: string }
  | { op: 'shutdown' };

/** What a node pushes to a watcher. */
export type AdminPush =
  | {
      push: 'status';
      /** The dashboard's view of the node (log: the tail only). */
      view: NodeView;
      /** The log from index `from` on, replacing what the watcher held from there (Log Matching §5.3 makes the rest equal). */
      log: { from: Index; entries: LogEntryView[] };
      /** Process id and whether the raft loop runs (a remote crash stops it, the process stays). */
      pid: number;
      /** The index of the configuration the node holds (thesis §4.1; 0: the one it started from). */
      configIndex: Index;
    }
  | { push: 'event'; event: ClusterEvent }
  | { push: 'observe'; observation: NodeObservation }
  | { push: 'start'; observation: RestartObservation };

export type ApplyOutcome = { applied: true; result: KvResult; index?: Index } | { applied: false; reason: 'superseded' | 'crashed' };

export type ProposeAnswer = { ok: true; index: Index; term: Term } | { ok: false; leader: NodeId | null; down?: boolean };

/** The node's fixed facts, sent with the welcome. */
export interface NodeIdentity {
  node: NodeId;
  peers: NodeId[];
  pid: number;
  port: number;
}
