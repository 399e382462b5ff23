import type { NodeDiskFactory, TornWrite } from './node-disk.js';
import type { NetworkFaults } from '../net/types.js';
import type { ClientReport } from './client.js';
import type { Entry, Index, NodeId, RaftEvent, Role, Term } from '../raft/types.js';

export interface ClusterOptions {
  /** 1..9, default 5. */
  nodes?: number;
  /** Default 'tcp' (127.0.0.1, ephemeral ports unless basePort). */
  transport?: 'tcp' | 'memory';
  /**
   * 'virtual' needs 'memory': time moves only in advance(). 'paced' (implies 'memory'): virtual
   * time that moves by itself at `speed` × the wall clock; seed + the same commands at the same
   * cluster times = the same run. Default 'real'.
   */
  clock?: 'real' | 'virtual' | 'paced';
  /** Seeds every random choice. */
  seed?: number;
  /** Durable files, one folder per node (real clock only). Default: memory storage that survives crash/restart. */
  dataDir?: string;
  /** Default [150, 300]. */
  electionTimeoutMs?: [number, number];
  /** Default 50. */
  heartbeatMs?: number;
  /** Real and paced clocks: 0.1 = ten times slower (paced: Infinity = as fast as it can). Default 1. */
  speed?: number;
  /** Node i listens on basePort + i - 1. */
  basePort?: number;
  /** Default true. */
  preVote?: boolean;
  /** Default true. */
  checkQuorum?: boolean;
  /**
   * How GET is served: 'readindex' (default) confirms leadership with a heartbeat round and
   * answers from the applied state, writing nothing (thesis §6.4); 'log' commits it as an entry.
   */
  reads?: 'readindex' | 'log';
  /**
   * Every message takes this long (a uniform draw per message, in order per link) on the
   * cluster's clock, so it scales with `speed`. Not a fault: heal() keeps it. Default [0, 0].
   */
  latencyMs?: [number, number];
  /**
   * A node compacts its log into a snapshot after this many applied entries beyond its last one
   * (§7). Default 10,000.
   */
  snapshotEvery?: number;
  /**
   * 'inline' (default): every node in this process. 'processes': each node is its own OS process
   * (`raft-tui node`) with real files; crash = SIGKILL, restart = respawn (real clock and TCP only).
   */
  hosting?: 'inline' | 'processes';
  /**
   * At most this many entries in one AppendEntries (default 4096). A small batch lets an older
   * entry travel without the newer ones behind it — Figure 8's layout needs exactly that.
   */
  maxBatchEntries?: number;
  /**
   * The simulator's disks: each node's FileStorage runs on the file system this gives (a
   * crash-honest in-memory one), and `Cluster.crashMidWrite` can tear its last write. Needs a
   * virtual or paced clock; without it, storage is in memory (or `dataDir`).
   */
  disks?: NodeDiskFactory;
}

export type SubmitResult =
  | { ok: true; index: Index; term: Term; value?: string | null; swapped?: boolean }
  | {
      ok: false;
      error: 'not_leader' | 'no_leader' | 'timeout' | 'invalid' | 'down';
      message: string;
      leader?: NodeId;
      /**
       * true: the command was proposed and may still take effect (a timeout, a leader lost, a
       * node down); false: it certainly did not (invalid, not_leader with `to`, no leader ever
       * reached). DESIGN.md's second wave.
       */
      indeterminate: boolean;
    };

export interface SubmitOptions {
  /** Ask this node only (no redirects). */
  to?: NodeId;
  /** Default 5000 (simulated ms on the virtual clock). */
  timeoutMs?: number;
}

export interface LogEntryView {
  index: Index;
  term: Term;
  command: string;
}

/** One node as the public API reports it (DESIGN.md). */
export interface NodeStatus {
  id: NodeId;
  up: boolean;
  role: Role;
  term: Term;
  votedFor: NodeId | null;
  leader: NodeId | null;
  commitIndex: Index;
  lastApplied: Index;
  lastIndex: Index;
  /** The entries after the latest snapshot (DESIGN.md: log[] holds only entries after snapshotIndex). */
  log: LogEntryView[];
  kv: Record<string, string>;
  /** The last index and its term that the node's latest snapshot covers (§7); 0 without one. */
  snapshotIndex: Index;
  snapshotTerm: Term;
  /** The configuration this node believes in (thesis §4.1: the latest in its log); empty when down. */
  voters: NodeId[];
  learners: NodeId[];
  /** Removed from the cluster by removeNode(): it is stopped for good (its id is never reused). */
  removed?: boolean;
}

/** More of one node for the dashboard: what NodeStatus has plus timers, links and counters. */
export interface NodeView extends NodeStatus {
  port: number;
  /** Election timer progress 0..1 (followers and candidates); null on a leader or when down. */
  electionProgress: number | null;
  /** Milliseconds of the current election timeout (scaled by speed: what a person waits). */
  electionTimeoutMs: number;
  /** Peers this node cannot send to right now (partition, cut, or peer down). */
  unreachable: NodeId[];
  /** The partition group this node is in (1-based), or null when there is no partition. */
  partitionGroup: number | null;
  /** When down: what storage kept. */
  kept: { term: Term; votedFor: NodeId | null; lastIndex: Index } | null;
  /** When down because its files were refused at start-up (a lost folder, another cluster's): why. */
  refused?: string;
  counters: { sent: number; received: number; filtered: number; badInput: number };
  /** Leader only: how it sends to each follower (DESIGN.md's second wave). */
  progress: PeerProgressView[] | null;
  /** (Pre-)candidate only: who granted and who refused its votes so far. */
  votes: { granted: NodeId[]; refused: NodeId[] } | null;
  /** Follower with a known leader: cluster ms since it last heard from it (§5.2); else null. */
  lastContactMs?: number | null;
  /** Leader only: the nodes whose match index made its commit index (§5.3); null before one. */
  commitQuorum?: NodeId[] | null;
}

/** A leader's view of one follower: what it knows the follower holds and how it sends to it. */
export interface PeerProgressView {
  peer: NodeId;
  match: Index;
  next: Index;
  inflight: number;
  state: 'probe' | 'replicate' | 'snapshot';
  /** In the snapshot state (§7): the snapshot being sent, and how many of its characters the follower holds. */
  snapshot?: { index: Index; term: Term; acked: number; size: number };
}

/** A message sent and not yet delivered or lost (DESIGN.md's second wave: `Cluster.inFlight()`). */
export interface MessageView {
  id: number;
  from: NodeId;
  to: NodeId;
  type: string;
  term: Term;
  /** e.g. "AppendEntries prev 6/t2 entries 7-9 commit 6". */
  summary: string;
  /** On the cluster's clock (ms). */
  sentAt: number;
  deliverAt: number;
  /** Set when the message was lost (in a snapshot for a moment after): when, and why. */
  lost?: { at: number; reason: string };
}

export interface ClusterSnapshot {
  /** Monotonic; increases with every published snapshot. */
  version: number;
  takenAt: number;
  nodes: NodeView[];
  leader: NodeId | undefined;
  term: Term;
  commitIndex: Index;
  speed: number;
  paused: boolean;
  faults: NetworkFaults;
  /** Client load: random SETs per second, 0 when off. */
  load: number;
  messages: { sent: number; received: number; filtered: number };
  transport: 'tcp' | 'memory';
  /** The live safety checker: how many checks passed, and the first violation, if any. */
  safety: SafetySummary;
  /**
   * Every message sent and not yet delivered, in the order they will arrive (the first is what
   * `step` delivers next), then the ones lost in the last moment (`lost` set). Empty when
   * messages take no time.
   */
  inFlight: MessageView[];
  /** The latency every message takes, in cluster ms ([0, 0]: none). */
  latencyMs?: [number, number];
  /** Which clock runs the cluster, and the seed of every random choice (what replays a run). */
  clock?: 'real' | 'virtual' | 'paced';
  seed?: number;
}

export interface SafetySummary {
  checks: number;
  violations: number;
  /** The first violation found (never hidden once found). */
  first: { invariant: string; message: string } | null;
}

/** Everything that happens, in plain data; the dashboard turns these into sentences. */
export type ClusterEvent = { at: number; node?: NodeId } & (
  | { type: 'raft'; node: NodeId; event: RaftEvent }
  | { type: 'applied'; node: NodeId; index: Index; command: string }
  | { type: 'committed'; node: NodeId; index: Index; term: Term; command: string; quorum: NodeId[] }
  | { type: 'crash'; node: NodeId }
  | { type: 'restart'; node: NodeId; term: Term; lastIndex: Index }
  | { type: 'faults'; faults: NetworkFaults; description: string }
  | { type: 'storage-recovery'; node: NodeId; file: string; offset: number; droppedBytes: number; reason: string }
  | { type: 'bad-input'; node: NodeId; reason: string }
  | { type: 'clock'; description: string }
  | {
      /**
       * A message in flight reached its receiver (`node`): what it carried and what the
       * receiver did, in words. `routine`: nothing changed (a heartbeat that matched).
       */
      type: 'deliver';
      node: NodeId;
      message: MessageView;
      outcome: string;
      routine: boolean;
    }
  | ({ type: 'client' } & ClientReport)
  /** Thesis ch. 4: a step of adding (joining, learner, caught-up, voter) or removing a node. */
  | { type: 'membership'; node: NodeId; step: 'joining' | 'learner' | 'caught-up' | 'voter' | 'removing' | 'removed' }
  | { type: 'safety-violation'; invariant: string; message: string; evidence: unknown }
);

/** The one thing the dashboard, scripts, tests and benchmarks talk to. */
export interface Cluster {
  readonly ids: NodeId[];
  /** 'virtual': nothing happens unless advance() is called; 'paced': virtual time that moves by itself. */
  readonly clock: 'real' | 'virtual' | 'paced';
  /** 'paced' only: where console commands take their turn at cluster-time boundaries. */
  readonly pacer?: Pacer;
  submit(command: string, options?: SubmitOptions): Promise<SubmitResult>;
  /** Volatile state lost; storage kept. */
  crash(id: NodeId): Promise<void>;
  /**
   * Simulated disks only (`disks`): crashes `id` in the middle of its next log write — after the
   * bytes reached the page cache, before their fsync — and tears that write. Resolves with what
   * the disk kept of it, or undefined if the node wrote nothing to its log within `timeoutMs`.
   */
  crashMidWrite?(id: NodeId, timeoutMs: number): Promise<{ torn: TornWrite | null } | undefined>;
  /** Reload from storage, rejoin. */
  restart(id: NodeId): Promise<void>;
  /** Nodes in different groups cannot talk; replaces any earlier partition; a node not named is alone. */
  partition(groups: NodeId[][]): void;
  /** All links up, all faults off. */
  heal(): void;
  setNetwork(faults: { dropRate?: number; duplicateRate?: number; delayMs?: [number, number] | null }): void;
  status(): NodeStatus[];
  /** Among nodes that are up: the leader of the highest term, if any. */
  leader(): NodeId | undefined;
  /**
   * Virtual clock only: moves cluster time `ms` forward, firing every timer due, in order. The
   * promise continuations a moment releases (a submit's result, say) run at that moment, after
   * its last timer and before time moves on.
   */
  advance(ms: number): Promise<void>;
  on(event: 'event', listener: (e: ClusterEvent) => void): () => void;
  stop(): Promise<void>;

  // Beyond DESIGN.md's minimum: what the dashboard and console need.
  /** One-way cut: messages from `from` to `to` are lost until heal(). */
  cut(from: NodeId, to: NodeId): void;
  /** A cheap immutable snapshot of every node. */
  snapshot(): ClusterSnapshot;
  /** Called with a fresh snapshot at most ~20 times a second while something changes. */
  onSnapshot(listener: (s: ClusterSnapshot) => void): () => void;
  /** Real clock: pause time; messages in flight stay in flight until step or resume. */
  pause(): void;
  resume(): void;
  /**
   * While paused (or on the virtual clock): deliver message `which` (a MessageView id) or,
   * without it, the next one due; with nothing in flight, move time to the next timer that
   * fires on a node. Says what was delivered and what the receiver did.
   */
  step(which?: number): Promise<string>;
  /** Every message sent and not yet delivered or lost, in the order they will arrive. */
  inFlight(): MessageView[];
  /** Loses message `id` (a MessageView id) now. Throws if it is not in flight. */
  dropMessage(id: number): void;
  /** Every message takes [min, max] ms of cluster time from now on; heal() keeps it. */
  setLatency(ms: [number, number]): void;
  /**
   * Node `id`'s election timer fires now (the thesis's "timeout"): it starts a pre-vote or
   * an election at once. Says what it did; throws for a leader, a node that is down, or an
   * unknown id.
   */
  timeout(id: NodeId): Promise<string>;
  /** Real clock: 0.1 = ten times slower. */
  setSpeed(speed: number): void;
  /** Random SETs per second submitted by a built-in client; 0 stops. */
  setLoad(perSecond: number): void;
  /** The live safety checker's tally (see src/check/invariants.ts). */
  safety(): SafetySummary;
  /**
   * --sim only (src/console/rewind.ts): back `backMs` of cluster time, by replaying from the seed
   * and the command log; resolves with the cluster time reached.
   */
  rewind?(backMs: number): Promise<number>;

  /**
   * Thesis §3.10: hands leadership to `to` (the leader stops taking commands, brings `to` up to
   * date and tells it to campaign at once). Resolves once `to` leads; a target that is down or
   * not a voter is refused at once; a transfer not done within an election timeout is abandoned.
   */
  transferLeadership(to: NodeId): Promise<{ ok: true; leader: NodeId } | { ok: false; message: string }>;
  /**
   * Takes a snapshot now (§7): of one node, or of every node that is up. Each compacts its log
   * up to what it has applied; a node with nothing new applied since its last snapshot keeps it.
   */
  compact(id?: NodeId): Promise<void>;

  /**
   * Thesis §4.2.1: starts a node with the next unused id, adds it as a learner (it receives the
   * log but does not vote), waits until it has caught up, then promotes it to voter — one
   * configuration change at a time. Resolves with its id; rejects with the reason it could not.
   */
  addNode(): Promise<NodeId>;
  /** Thesis §4.2.2: removes a node by a configuration change; the node stops once it is out. */
  removeNode(id: NodeId): Promise<void>;
}

/**
 * The part of the paced clock the console uses: a command runs while time stands still at a
 * boundary (`acquire`, logged with its cluster time), and waits by letting time run until a
 * condition holds at a boundary (`until`). See src/cluster/paced-clock.ts.
 */
export interface Pacer {
  acquire(line?: string): Promise<() => void>;
  until(check: () => boolean, limitMs: number): Promise<boolean>;
  /** Cluster time in ms. */
  now(): number;
}

export type { Entry };
