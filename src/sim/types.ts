import type { InvariantChecker } from '../check/invariants.js';
import type { Violation } from '../check/observation.js';
import type { Entry, HardState, Index, NodeId, RaftBugs, RaftConfig, RaftCore, RaftEvent, Role, Term } from '../raft/types.js';

/**
 * Switches that break Raft on purpose, so the safety checks can be shown to bite: the core's own
 * ({@link RaftBugs}) plus the simulator's. Never set outside tests and `raft-tui check --bug`.
 */
export interface SimBugs extends RaftBugs {
  /**
   * The host persists each Ready's hard state only with the NEXT Ready (the durable record lags
   * one Ready behind), so a vote or a new term can leave the node before it is stored, and a
   * crash forgets it (breaks §5.2's "updated on stable storage before responding to RPCs").
   */
  unpersistedVote?: boolean;
}

/** What a simulated node's stable storage holds: its hard state and its log. */
export interface DurableRecord {
  hardState: HardState;
  /** Entries 1..N in order (index i at position i - 1). */
  entries: Entry[];
}

/** What the simulator applies committed entries to; src/kv's state machine fits behind this. */
export interface SimStateMachine {
  /** Called once per committed entry, in index order, noops included. */
  apply(entry: Entry): unknown;
  /** The whole state as a string, for a snapshot (§7). Needed with `snapshotEvery` only. */
  snapshot?(): string;
  /** Replaces the whole state with a snapshot's, as of log index `index` (§7). */
  restore?(index: Index, data: string): void;
}

export interface SimulatorOptions {
  /** 1..9, default 5. */
  nodes?: number;
  /** Seeds every random choice of the run: timeouts, network faults. Default 1. */
  seed?: number;
  /** Election timeout range in ms; default [150, 300]. Turned into ticks of `tickMs`. */
  electionTimeoutMs?: [number, number];
  /** Default 50. */
  heartbeatMs?: number;
  /** Virtual ms per core tick; default 10. */
  tickMs?: number;
  /** Base one-way network latency in ms, uniform in [min, max]; default [1, 5]. */
  latencyMs?: [number, number];
  /**
   * Thesis §10.2.1: a leader's own log write takes this long (virtual ms) while its
   * AppendEntries are already on their way; a crash in between loses the entries from its
   * disk. Default 0: every Ready is persisted at once.
   */
  leaderWriteMs?: number;
  /**
   * §7: each node compacts its log after this many applied entries beyond its last snapshot;
   * default Infinity (never). Storing a snapshot takes 10-40 virtual ms (a file written, synced,
   * renamed, the log rewritten), so a crash can cut it short.
   */
  snapshotEvery?: number;
  /**
   * Run every node on the real FileStorage over a crash-honest in-memory file system (see
   * CrashFs): an fsync takes `fsyncMs` of virtual time (default [1, 4]), and a crash loses, tears
   * or reorders what was not fsync'd. The run is then asynchronous: use runUntilAsync /
   * runForAsync. leaderWriteMs and bugs.unpersistedVote do not apply (the fsync is the write).
   */
  files?: { fsyncMs?: [number, number] };
  /** Default true. */
  preVote?: boolean;
  /** Default true. */
  checkQuorum?: boolean;
  bugs?: SimBugs;
  /** Makes each incarnation's state machine; default: one that records the command per index. */
  stateMachine?: (node: NodeId) => SimStateMachine;
  /** Fed an observation of every node after every step; told of crashes and restarts. */
  checker?: InvariantChecker;
  /** Makes a Raft core; default `createRaft` from src/raft. */
  createCore?: (config: RaftConfig) => RaftCore;
  /** Passed to every core (pipelining window, batch sizes). */
  coreOptions?: Pick<RaftConfig, 'maxInflight' | 'maxBatchEntries' | 'maxBatchBytes'>;
}

/** Something that happened in a simulated run, dated in virtual ms. */
export type SimEvent = { at: number; node: NodeId } & (
  | { type: 'raft'; event: RaftEvent }
  | { type: 'crash' }
  | { type: 'restart'; term: Term; lastIndex: Index }
  /** Thesis §4.2.1: a new node started, empty, outside every configuration until it is added. */
  | { type: 'join' }
  /** Thesis §4.2.2: a node removed from the configuration stopped for good. */
  | { type: 'retire' }
  | { type: 'violation'; violation: Violation }
);

/** One node as the simulator sees it; a node that is down shows what its storage kept. */
export interface SimNodeStatus {
  id: NodeId;
  up: boolean;
  role: Role;
  term: Term;
  votedFor: NodeId | null;
  leader: NodeId | null;
  commit: Index;
  applied: Index;
  lastIndex: Index;
  /** The log after the node's snapshot, if any (the core's own array while up: do not mutate). */
  log: readonly Entry[];
}
