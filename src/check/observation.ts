import type { Entry, Index, NodeId, Role, Snapshot, Term } from '../raft/types.js';

/**
 * What a host saw of one node that is up, right after it finished handling one Ready (persist,
 * send, apply, advance). Built from the core's status plus that Ready's own lists, so it costs
 * O(what changed), never a copy of the log: the simulator and the TCP cluster both have these
 * at hand.
 */
export interface NodeObservation {
  node: NodeId;
  /** When it was seen: virtual or wall milliseconds, used only to date violations. */
  at: number;
  role: Role;
  term: Term;
  votedFor: NodeId | null;
  commit: Index;
  /** The last index handed to the state machine. */
  applied: Index;
  lastIndex: Index;
  /**
   * Entries written to the log since the previous observation of this node, in order: the
   * Ready's `entries`. The first one's index says where the log was cut and rewritten (§5.3).
   */
  written: readonly Entry[];
  /** Entries handed to the state machine since the previous observation, in order. */
  appliedEntries: readonly Entry[];
  /**
   * The snapshot this Ready stored (§7), if any: taken here, or installed from the leader (then
   * the state machine was restored from it). Stored before `written`.
   */
  snapshot?: Snapshot | null;
  /** Commits this Ready announced (the core's commit events): who counted, among which voters. */
  commits?: readonly { index: Index; quorum: readonly NodeId[]; voters: readonly NodeId[] }[];
}

/** What a node came back with after a crash: only what its storage kept. */
export interface RestartObservation {
  node: NodeId;
  at: number;
  term: Term;
  votedFor: NodeId | null;
  /** The stored log after the snapshot (entries 1..N without one). Read once, at restart. */
  entries: readonly Entry[];
  /** The snapshot storage kept (§7); the state machine starts from it. */
  snapshot?: Snapshot | null;
}

/** The safety properties of Raft that the checker watches (Figure 3, and per-node sanity). */
export type InvariantName =
  /** §5.2: at most one leader per term. */
  | 'election-safety'
  /** §5.3: a leader never overwrites or deletes entries in its log, only appends. */
  | 'leader-append-only'
  /** §5.3: same index and term → same entry and same prefix; committed prefixes agree. */
  | 'log-matching'
  /** §5.4: a committed entry is in the log of every leader of a later term. */
  | 'leader-completeness'
  /** §5.4.3: no two nodes apply different entries at one index; applies in order, no gaps. */
  | 'state-machine-safety'
  /** §5.1: a node's term never decreases, across restarts too. */
  | 'term-monotonic'
  /** §5.2: a node votes for at most one candidate per term, across restarts too. */
  | 'one-vote-per-term'
  /** Figure 2: lastApplied ≤ commitIndex ≤ last log index. */
  | 'index-order'
  /** Figure 2: commitIndex never goes back while a node is up, and no entry at or below it is rewritten. */
  | 'commit-monotonic'
  /** Thesis §4.1: a leader's log never holds more than one uncommitted configuration entry. */
  | 'one-config-change'
  /** Thesis §4.2.1: a commit is counted on a majority of voters, never on a learner. */
  | 'voter-quorum';

/** One entry as a violation shows it, with whose log it came from. */
export interface EntryEvidence {
  node: NodeId;
  index: Index;
  /** null: that node has no entry there. */
  entry: Pick<Entry, 'term' | 'type' | 'data'> | null;
}

/** A broken invariant, with the facts that prove it. */
export interface Violation {
  invariant: InvariantName;
  /** One sentence naming the nodes, indexes and terms. */
  message: string;
  at: number;
  evidence: {
    nodes: NodeId[];
    term?: Term;
    index?: Index;
    entries?: EntryEvidence[];
    /** Before and after values of a per-node field. */
    before?: number | NodeId | null;
    after?: number | NodeId | null;
  };
}
