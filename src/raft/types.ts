import type { ConfigChange } from './membership.js';

export type { ConfigChange, Configuration } from './membership.js';

/**
 * The vocabulary of the pure Raft core: ids, log entries, messages, the Ready batch and the
 * configuration. Everything here is plain JSON-compatible data: messages cross the wire as-is.
 */

/** A node's id: 1..N. */
export type NodeId = number;
/** A Raft term (§5.1): starts at 0, only ever grows on a node. */
export type Term = number;
/** A log position: the first entry is at index 1; index 0 is the empty prefix (term 0). */
export type Index = number;

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

/**
 * One log entry. `noop` is the empty entry a new leader appends (thesis §6.4); `normal` carries
 * an opaque command string that the state machine above the core interprets; `config` carries
 * a whole cluster configuration as JSON (`{"voters":[..],"learners":[..]}`, thesis §4.1), in
 * force on each node as soon as it is in its log. The state machine never sees `config` or `noop`.
 */
export interface Entry {
  index: Index;
  term: Term;
  type: 'normal' | 'noop' | 'config';
  data: string;
}

/** What must survive a crash besides the log (§5, Figure 2 "persistent state"), plus commit. */
export interface HardState {
  term: Term;
  votedFor: NodeId | null;
  /** Not required for safety (Figure 2 keeps it volatile) but saves replay work. May lag. */
  commit: Index;
}

interface MessageBase {
  from: NodeId;
  to: NodeId;
  /** The sender's current term; for PreVote it is the term the sender WOULD campaign in. */
  term: Term;
}

/** §5.2 RequestVote RPC. */
export interface RequestVote extends MessageBase {
  type: 'RequestVote';
  lastLogIndex: Index;
  lastLogTerm: Term;
  /**
   * Thesis §3.10: the election of a leadership transfer. Voters set aside the leader-lease
   * check (§4.2.3) for it: the leader asked for this election itself.
   */
  transfer?: boolean;
}

export interface RequestVoteResponse extends MessageBase {
  type: 'RequestVoteResponse';
  granted: boolean;
}

/** Thesis §9.6: a pre-election that changes no state on the receiver. */
export interface PreVote extends MessageBase {
  type: 'PreVote';
  lastLogIndex: Index;
  lastLogTerm: Term;
}

export interface PreVoteResponse extends MessageBase {
  type: 'PreVoteResponse';
  granted: boolean;
}

/** §5.3 AppendEntries RPC; with no entries it is a heartbeat (§5.2). */
export interface AppendEntries extends MessageBase {
  type: 'AppendEntries';
  prevLogIndex: Index;
  prevLogTerm: Term;
  entries: Entry[];
  leaderCommit: Index;
  /**
   * Thesis §6.4: the leader's latest ReadIndex confirmation round; the follower echoes it, and
   * an answer in the leader's term confirms every read of that round or earlier.
   */
  readRound?: number;
}

export interface AppendEntriesResponse extends MessageBase {
  type: 'AppendEntriesResponse';
  success: boolean;
  /**
   * On success: the index of the last entry known to match the leader's log (prevLogIndex +
   * entries.length). On rejection: the prevLogIndex that was rejected.
   */
  index: Index;
  /**
   * On rejection, the fast back-up hint (§5.3, "the follower can include the term of the
   * conflicting entry and the first index it stores for that term"): the term of the follower's
   * entry at prevLogIndex (0 when its log is shorter) and the first index of that term in its
   * log (or its lastIndex + 1 when its log is shorter).
   */
  conflictTerm: Term;
  conflictIndex: Index;
  /** The `readRound` of the AppendEntries this answers, when it carried one (thesis §6.4). */
  readRound?: number;
}

/**
 * A snapshot (§7): the state machine as of `index` — the last entry it includes — with that
 * entry's term and the configuration in force there. `data` is the serialized state machine;
 * the core never reads it, the host produces and restores it.
 */
export interface Snapshot {
  index: Index;
  term: Term;
  /** §7 (Figure 12): the latest configuration as of `index`, so membership survives compaction. */
  voters: NodeId[];
  learners: NodeId[];
  data: string;
}

/**
 * §7 InstallSnapshot RPC (Figure 13): one chunk of the leader's snapshot, `data` being its
 * characters from `offset` on. `size` is the whole snapshot's length, so the receiver and any
 * observer know how far along the transfer is.
 */
export interface InstallSnapshot extends MessageBase {
  type: 'InstallSnapshot';
  lastIncludedIndex: Index;
  lastIncludedTerm: Term;
  voters: NodeId[];
  learners: NodeId[];
  offset: number;
  size: number;
  data: string;
  /** Figure 13: true if this is the last chunk. */
  done: boolean;
}

/**
 * The answer to a chunk that is not the last one: how much of that snapshot the follower holds
 * (`offset` = the next character it wants). A finished snapshot is answered with an
 * AppendEntriesResponse instead, saying how far the follower's log now matches the leader's.
 */
export interface InstallSnapshotResponse extends MessageBase {
  type: 'InstallSnapshotResponse';
  lastIncludedIndex: Index;
  lastIncludedTerm: Term;
  offset: number;
}

/** Thesis §3.10: the leader tells the target of a leadership transfer to campaign at once. */
export interface TimeoutNow extends MessageBase {
  type: 'TimeoutNow';
}

/** Thesis §6.4: a follower forwards a client's read to the leader, which finds its read index. */
export interface ReadIndexRequest extends MessageBase {
  type: 'ReadIndex';
  /** The follower's own id for the read. */
  readId: number;
}

/** The leader's answer: the read index once leadership is confirmed, or `ok: false`. */
export interface ReadIndexResponse extends MessageBase {
  type: 'ReadIndexResponse';
  readId: number;
  ok: boolean;
  index: Index;
}

export type Message =
  | RequestVote
  | RequestVoteResponse
  | PreVote
  | PreVoteResponse
  | AppendEntries
  | AppendEntriesResponse
  | InstallSnapshot
  | InstallSnapshotResponse
  | TimeoutNow
  | ReadIndexRequest
  | ReadIndexResponse;

export type MessageType = Message['type'];

/**
 * Explanations the core gives for what it did, so the dashboard can say "why" in plain words.
 * They are informational: nothing in the core depends on them being consumed.
 */
export type RaftEvent =
  | {
      kind: 'role';
      role: Role;
      term: Term;
      reason:
        | 'election-timeout'
        | 'prevote-won'
        | 'won-election'
        | 'higher-term'
        | 'lost-quorum'
        | 'leader-found'
        | 'lost-election'
        | 'restart'
        | 'transfer'
        /** The election timer was made to fire at once (campaignNow, the thesis's "timeout"). */
        | 'timeout-now'
        | 'removed';
      /** For election-timeout: ticks that passed without hearing from a leader. */
      ticks?: number;
      /** For won-election / prevote-won: the voters. For higher-term: who had it. */
      from?: NodeId;
      votes?: NodeId[];
      /** For lost-election: who refused, and whether it was a pre-vote (thesis §9.6). */
      refused?: NodeId[];
      preVote?: boolean;
    }
  | {
      kind: 'vote';
      /** The candidate asking. */
      candidate: NodeId;
      term: Term;
      preVote: boolean;
      granted: boolean;
      reason: 'granted' | 'already-voted' | 'log-behind' | 'stale-term' | 'leader-active';
      /** Evidence for 'log-behind': the candidate's last (term, index) vs ours. */
      candidateLast?: { index: Index; term: Term };
      ourLast?: { index: Index; term: Term };
      votedFor?: NodeId | null;
    }
  | {
      kind: 'commit';
      index: Index;
      term: Term;
      /** Nodes whose match index counted. */
      quorum: NodeId[];
      /** The voters of the configuration it was counted in (thesis §4.2.1: learners never count). */
      voters?: NodeId[];
    }
  | { kind: 'truncate'; from: Index /** Number of entries removed. */; count: number }
  | { kind: 'append'; from: Index; to: Index; leader: NodeId }
  /** This node compacted its log into a snapshot at the host's request (§7). */
  | { kind: 'snapshot-taken'; index: Index; term: Term /** Entries dropped from memory. */; compacted: number }
  /** Leader: a follower's next entry is compacted away, so it gets the snapshot instead (§7). */
  | { kind: 'snapshot-send'; to: NodeId; index: Index; term: Term; size: number }
  /**
   * Follower: a whole snapshot arrived from the leader. `installed`: it replaced our state
   * (keeping `kept` entries that follow it, §7); otherwise it was older than our commit index
   * and ignored.
   */
  | { kind: 'snapshot-received'; leader: NodeId; index: Index; term: Term; installed: boolean; kept: number }
  | {
      kind: 'transfer';
      /** The node leadership is handed to. */
      to: NodeId;
      term: Term;
      /**
       * started: proposals stop, the target is being brought up to date; timeout-now: the
       * target holds the whole log and was told to campaign; abandoned: an election timeout
       * passed (or the leader stepped down) and proposals resume (thesis §3.10).
       */
      phase: 'started' | 'timeout-now' | 'abandoned';
    }
  | {
      /**
       * §5.3: we refused an AppendEntries. 'log-mismatch': the consistency check failed at
       * prevLogIndex, and the hint tells the leader where to resume; 'stale-term': it came
       * from a leader of an older term (§5.1).
       */
      kind: 'append-rejected';
      leader: NodeId;
      reason: 'log-mismatch' | 'stale-term';
      /** The sender's term (stale-term: older than ours). */
      term: Term;
      prevIndex: Index;
      prevTerm: Term;
      /** Our term at prevIndex (0: we have no entry there), and the first index of that term. */
      conflictTerm: Term;
      conflictIndex: Index;
      /** Our last index when we refused. */
      lastIndex: Index;
    };

/** Thesis §6.4: a read the leader confirmed; it may be served once `applied >= index`. */
export interface ReadState {
  /** The id the host gave the read (RaftCore.readIndex). */
  id: number;
  index: Index;
}

/**
 * What the host must do, in this order (the etcd/raft rule, in capitals on purpose):
 * 1. PERSIST `snapshot` (if present), then `hardState` (if present) and `entries` to stable
 *    storage — BEFORE any message is sent. A snapshot replaces every stored entry it covers; the
 *    stored entries after it are kept only if the stored entry at its index has its term (§7),
 *    otherwise the whole stored log goes. An entry whose index is ≤ the stored last index
 *    replaces the stored suffix from there.
 * 2. SEND `messages`.
 * 3. APPLY: if `snapshot` is newer than what the state machine has applied (one that came from
 *    the leader), RESTORE the state machine from it first; then apply `committedEntries`, in
 *    order.
 * 4. Call `advance()` with this Ready.
 */
export interface Ready {
  hardState: HardState | null;
  /** A snapshot to persist (and, when it came from the leader, to restore). */
  snapshot: Snapshot | null;
  entries: Entry[];
  messages: Message[];
  committedEntries: Entry[];
  events: RaftEvent[];
  /** Reads confirmed since the last Ready (thesis §6.4): serve each once applied ≥ its index. */
  readStates: ReadState[];
  /** Ids of reads that will never be confirmed here (leadership lost, no leader): retry elsewhere. */
  readsFailed: number[];
}

/**
 * Switches that break the core on purpose, so the safety checkers can be shown to bite.
 * Never set outside tests and `raft-tui check --bug`.
 */
export interface RaftBugs {
  /** Figure 8: count replicas for entries of earlier terms when advancing commit. */
  commitOldTermByCounting?: boolean;
  /** §5.4.1 off: grant votes without comparing logs. */
  skipElectionRestriction?: boolean;
  /** Hand entries to the state machine as soon as they are appended, before they commit. */
  applyBeforeCommit?: boolean;
  /**
   * Thesis §6.4 off: answer a ReadIndex read as soon as it has its index, without the heartbeat
   * round that shows a majority still follows this leader — a deposed leader serves stale reads.
   */
  skipReadQuorum?: boolean;
  /** Thesis §4.2.1 off: count learners' replicas toward the commit majority, as if they voted. */
  countLearners?: boolean;
}

export interface RaftConfig {
  id: NodeId;
  /** Every voter in the cluster, this node included. */
  peers: NodeId[];
  /** Election timeout range in ticks, inclusive; each timeout is drawn from the seeded RNG (§5.2). */
  electionTicks: [number, number];
  heartbeatTicks: number;
  /** Seeds the RNG for election timeouts. Same seed + same inputs → same behaviour. */
  seed: number;
  preVote: boolean;
  checkQuorum: boolean;
  /** Max AppendEntries in flight per follower while replicating (pipelining window). */
  maxInflight?: number;
  /** Max entries / approximate bytes of entry data in one AppendEntries. */
  maxBatchEntries?: number;
  maxBatchBytes?: number;
  /** Characters of snapshot data per InstallSnapshot chunk. Default 256 KiB. */
  snapshotChunkChars?: number;
  /**
   * What storage held at start: the persisted hard state, the latest snapshot (none: the log
   * starts at index 1) and the log entries after it.
   */
  hardState?: HardState;
  snapshot?: Snapshot;
  entries?: Entry[];
  bugs?: RaftBugs;
}

export type ProposeResult =
  | { ok: true; index: Index; term: Term }
  | {
      ok: false;
      leader: NodeId | null;
      /**
       * Why a leader refused: a leadership transfer is under way (thesis §3.10), or (for a
       * configuration change) another is still uncommitted, this leader has not committed an
       * entry of its term yet, or the change makes no sense (thesis §4.1).
       */
      reason?: 'transferring' | 'config-pending' | 'invalid-change';
      /** In words, for reasons other than not being the leader. */
      message?: string;
    };

/** What the core says at once to a leadership transfer request (thesis §3.10). */
export type TransferResult = { ok: true } | { ok: false; message: string };

/** What the core says at once to a read (thesis §6.4); the answer itself comes in a Ready. */
export type ReadIndexResult = { ok: true } | { ok: false; leader: NodeId | null };

/** A cheap view of the core's state for the host's snapshot. */
/** What {@link RaftCore.brief} returns: a node's role, term, vote and log positions. */
export type RaftBrief = Pick<RaftStatus, 'role' | 'term' | 'votedFor' | 'commitIndex' | 'appliedIndex' | 'lastIndex'>;

export interface RaftStatus {
  id: NodeId;
  role: Role;
  term: Term;
  votedFor: NodeId | null;
  leader: NodeId | null;
  commitIndex: Index;
  appliedIndex: Index;
  lastIndex: Index;
  /** The last entry the latest snapshot covers (0: none); the log holds the entries after it. */
  snapshotIndex: Index;
  snapshotTerm: Term;
  /** The configuration this node believes in. */
  voters: NodeId[];
  learners: NodeId[];
  /** Ticks since the election timer was last reset, and the timeout it runs towards. */
  electionElapsed: number;
  electionTimeout: number;
  /**
   * On a leader: each follower's match and next index, and (optional fields) how the leader is
   * sending to it — probing one AppendEntries at a time or replicating with a pipeline — and
   * how many AppendEntries are in flight.
   */
  progress: Record<
    NodeId,
    {
      match: Index;
      next: Index;
      state?: 'probe' | 'replicate' | 'snapshot';
      inflight?: number;
      /** In the snapshot state: the snapshot being sent and how much of it the follower holds. */
      snapshot?: { index: Index; term: Term; size: number; acked: number };
    }
  > | null;
  /** Leader only: the node a leadership transfer is handing over to, if one is under way. */
  transferee?: NodeId | null;
  /** On a (pre-)candidate: who granted and who refused its (pre-)votes so far (§5.2). */
  votes?: { granted: NodeId[]; refused: NodeId[] } | null;
  /** On a follower that knows its leader: ticks since it last heard from it (§5.2); else null. */
  leaderContactTicks?: number | null;
  /** On a leader: the nodes whose match index made its current commit index (§5.3). */
  commitQuorum?: NodeId[] | null;
  /**
   * Thesis §4.1: the index of the entry that set the configuration in force (the snapshot's,
   * or 0 for the bootstrap one). Above commitIndex: a change is still uncommitted.
   */
  configIndex?: Index;
}

/**
 * The pure Raft core (the etcd/raft shape). No I/O, timers, clock or Math.random: the host
 * calls `tick` as time passes, `step` for each message, and drains `ready()`.
 */
export interface RaftCore {
  /** Advances logical time by `ticks` (default 1). Firing is at most once per kind per call. */
  tick(ticks?: number): void;
  /** Ticks until the next timer would fire (election or heartbeat): lets a host sleep. ≥ 1. */
  ticksUntilNextEvent(): number;
  /** Handles one message. Messages for another node, or malformed, are ignored. */
  step(message: Message): void;
  /**
   * Like `step`, and returns the events this one message caused (they are also in the next
   * Ready): what a host needs to say what a delivery did and why.
   */
  stepExplained(message: Message): RaftEvent[];
  /**
   * The election timer fires now (the thesis's and RaftScope's "timeout"): a follower or
   * candidate starts a (pre-)election at once (§5.2). False on a leader, which has none.
   */
  campaignNow(): boolean;
  /** Appends a command on the leader (§5.3), or says who the leader is. */
  propose(data: string): ProposeResult;
  /**
   * Thesis §3.10: on the leader, hands leadership to `to` — proposals stop, `to` is brought up
   * to date and told to campaign at once; abandoned after an election timeout.
   */
  transferLeadership(to: NodeId): TransferResult;
  /**
   * Thesis §4.1: on the leader, appends a configuration entry that changes one server (add a
   * learner, promote a learner to voter, remove a node). Refused while another change is
   * uncommitted, and until this leader has committed an entry of its own term.
   */
  proposeConfigChange(change: ConfigChange): ProposeResult;
  /**
   * Thesis §6.4: asks for a linearizable read without a log entry. On the leader, or forwarded
   * by a follower to it; a later Ready carries `id` in readStates (with the read index) or in
   * readsFailed.
   */
  readIndex(id: number): ReadIndexResult;
  hasReady(): boolean;
  /**
   * What the host must do now; see {@link Ready}. Call `advance` with it when done. With
   * `into`, fills and returns that object instead of a new one (a host that handles one Ready
   * at a time and keeps none saves an object per Ready); the arrays in it are always new.
   */
  ready(into?: Ready): Ready;
  advance(ready: Ready): void;
  status(): RaftStatus;
  /**
   * The few fields of {@link status} the safety checker reads after every Ready, without the
   * rest (progress, votes, copies of the configuration): cheap enough to take per Ready.
   * With `into`, fills and returns that object instead of a new one.
   */
  brief(into?: RaftBrief): RaftBrief;
  /**
   * The log after the latest snapshot: entries snapshotIndex+1..lastIndex (index i at position
   * i - snapshotIndex - 1). Do not mutate.
   */
  log(): readonly Entry[];
  /**
   * Compacts the log (§7): the host hands over its state machine serialized as of `index`,
   * which it has applied and the core has persisted. The core keeps it as its snapshot, drops
   * the entries it covers from memory, and puts it in the next Ready for storage. Returns false,
   * changing nothing, when `index` is not past the current snapshot or not yet applied.
   */
  compact(index: Index, data: string): boolean;
  /** The latest snapshot (null before the first). Do not mutate. */
  snapshot(): Snapshot | null;
}
