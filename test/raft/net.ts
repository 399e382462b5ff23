import { createRaft } from '../../src/raft/index.js';
import type {
  Entry,
  HardState,
  Message,
  NodeId,
  RaftConfig,
  RaftCore,
  RaftEvent,
  ReadState,
  Ready,
  Snapshot,
} from '../../src/raft/index.js';

/** What one node's storage holds, built from the Readies it handled. */
export interface Stored {
  hardState: HardState;
  /** The latest snapshot stored; `entries` follow it. */
  snapshot?: Snapshot;
  entries: Entry[];
}

/**
 * A tiny network of cores for tests: every node handles its Ready the way a host does
 * (persist, send, apply, advance), and `deliver` passes messages around until all are quiet.
 * Nodes can be down, and messages can be dropped by a predicate.
 */
export class Net {
  readonly ids: NodeId[];
  readonly cores = new Map<NodeId, RaftCore>();
  readonly stored = new Map<NodeId, Stored>();
  /** Entries each node applied, in order (committedEntries of its Readies). */
  readonly applied = new Map<NodeId, Entry[]>();
  /**
   * Each node's state machine: the data of every normal entry applied, in order (restored from
   * a snapshot's data, which is this list as JSON).
   */
  readonly state = new Map<NodeId, string[]>();
  readonly events = new Map<NodeId, RaftEvent[]>();
  /** Reads each node's Readies confirmed (thesis §6.4), and the ids of those that failed. */
  readonly readStates = new Map<NodeId, ReadState[]>();
  readonly readsFailed = new Map<NodeId, number[]>();
  /** Every message that left a node, in order (dropped ones included). */
  readonly sent: Message[] = [];
  /** Granted votes that left a node before storage held the vote behind them. */
  readonly orderViolations: Message[] = [];
  readonly down = new Set<NodeId>();
  /** Messages for which this returns true are lost. */
  drop: (m: Message) => boolean = () => false;
  private readonly configOf: (id: NodeId) => RaftConfig;

  constructor(n: number, overrides: (id: NodeId) => Partial<RaftConfig> = () => ({})) {
    this.ids = Array.from({ length: n }, (_, i) => i + 1);
    this.configOf = (id) => configFor(id, n, overrides(id));
    for (const id of this.ids) this.setUp(id);
  }

  /**
   * Starts a new, empty node `id` outside the bootstrap configuration (thesis §4.2.1): it knows
   * only the bootstrap voters until the leader's log tells it more.
   */
  addNode(id: NodeId): RaftCore {
    this.ids.push(id);
    this.setUp(id);
    return this.core(id);
  }

  private setUp(id: NodeId): void {
    {
      const config = this.configOf(id);
      this.cores.set(id, createRaft(config));
      this.stored.set(id, {
        hardState: config.hardState ?? { term: 0, votedFor: null, commit: 0 },
        entries: [...(config.entries ?? [])],
      });
      this.applied.set(id, []);
      this.state.set(id, config.snapshot ? (JSON.parse(config.snapshot.data) as string[]) : []);
      this.events.set(id, []);
      this.readStates.set(id, []);
      this.readsFailed.set(id, []);
    }
  }

  /** Compacts a node's log at its applied index, its state machine serialized as the data (§7). */
  compact(id: NodeId): boolean {
    const core = this.core(id);
    return core.compact(core.status().appliedIndex, JSON.stringify(this.state.get(id)));
  }

  core(id: NodeId): RaftCore {
    return this.cores.get(id)!;
  }

  /** Handles one Ready on every node that is up and has one; returns their messages. */
  collect(): Message[] {
    const out: Message[] = [];
    for (const id of this.ids) {
      if (this.down.has(id)) continue;
      const core = this.core(id);
      if (!core.hasReady()) continue;
      const rd = core.ready();
      this.persist(id, rd);
      for (const m of rd.messages) {
        this.sent.push(m);
        out.push(m);
      }
      // §7: a snapshot from the leader replaces the state machine before entries after it apply.
      if (rd.snapshot && rd.snapshot.index > core.status().appliedIndex) this.state.set(id, JSON.parse(rd.snapshot.data) as string[]);
      for (const e of rd.committedEntries) if (e.type === 'normal') this.state.get(id)!.push(e.data);
      this.applied.get(id)!.push(...rd.committedEntries);
      this.events.get(id)!.push(...rd.events);
      this.readStates.get(id)!.push(...rd.readStates);
      this.readsFailed.get(id)!.push(...rd.readsFailed);
      core.advance(rd);
    }
    return out;
  }

  /** Delivers messages until no node has anything more to say. Returns how many arrived. */
  deliver(maxRounds = 1000): number {
    let delivered = 0;
    for (let round = 0; round < maxRounds; round++) {
      const msgs = this.collect();
      if (msgs.length === 0) return delivered;
      for (const m of msgs) {
        if (this.down.has(m.to) || this.down.has(m.from) || this.drop(m)) continue;
        this.core(m.to).step(m);
        delivered++;
      }
    }
    throw new Error('network did not go quiet');
  }

  /** Ticks one node until it leaves the follower role (it starts a (pre-)election), then delivers. */
  campaign(id: NodeId): void {
    const core = this.core(id);
    for (let i = 0; i < 100 && core.status().role === 'follower'; i++) core.tick(core.ticksUntilNextEvent());
    this.deliver();
  }

  /**
   * Ticks leader `id` to its next heartbeat (§5.2), then delivers: the way followers learn a
   * commit index that advanced after the entries were sent (§5.3).
   */
  heartbeat(id: NodeId): void {
    const core = this.core(id);
    core.tick(core.ticksUntilNextEvent());
    this.deliver();
  }

  /** Advances every up node by the same ticks, one timer event at a time, delivering between. */
  run(ticks: number, until: () => boolean = () => false): number {
    let elapsed = 0;
    while (elapsed < ticks && !until()) {
      let step = ticks - elapsed;
      for (const id of this.ids) if (!this.down.has(id)) step = Math.min(step, this.core(id).ticksUntilNextEvent());
      for (const id of this.ids) if (!this.down.has(id)) this.core(id).tick(step);
      elapsed += step;
      this.deliver();
    }
    return elapsed;
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => !this.down.has(id) && this.core(id).status().role === 'leader');
  }

  /** Stops a node: its volatile state is gone, its storage stays. */
  crash(id: NodeId): void {
    this.down.add(id);
  }

  /** Brings a node back from what its storage holds. */
  restart(id: NodeId, overrides: Partial<RaftConfig> = {}): RaftCore {
    const s = this.stored.get(id)!;
    const core = createRaft({
      ...this.configOf(id),
      hardState: { ...s.hardState },
      entries: [...s.entries],
      ...(s.snapshot ? { snapshot: s.snapshot } : {}),
      ...overrides,
    });
    this.cores.set(id, core);
    this.applied.set(id, []);
    this.state.set(id, s.snapshot ? (JSON.parse(s.snapshot.data) as string[]) : []);
    this.down.delete(id);
    return core;
  }

  /** Messages of one type that left `from` (for `to`, if given). */
  sentOf<T extends Message['type']>(type: T, filter: { from?: NodeId; to?: NodeId } = {}): Extract<Message, { type: T }>[] {
    return this.sent.filter(
      (m): m is Extract<Message, { type: T }> =>
        m.type === type && (filter.from === undefined || m.from === filter.from) && (filter.to === undefined || m.to === filter.to),
    );
  }

  private persist(id: NodeId, rd: Ready): void {
    const s = this.stored.get(id)!;
    if (rd.snapshot) {
      // §7: the snapshot replaces what it covers; the entries after it stay only if ours at its
      // index has its term.
      const base = s.snapshot?.index ?? 0;
      const at = s.entries[rd.snapshot.index - base - 1];
      s.entries = at !== undefined && at.term === rd.snapshot.term ? s.entries.slice(rd.snapshot.index - base) : [];
      s.snapshot = rd.snapshot;
    }
    if (rd.hardState) s.hardState = { ...rd.hardState };
    const first = rd.entries[0];
    if (first !== undefined) {
      const base = s.snapshot?.index ?? 0;
      s.entries.length = Math.min(s.entries.length, first.index - base - 1);
      s.entries.push(...rd.entries);
    }
    // The host's rule: nothing leaves before the state behind it is stored.
    for (const m of rd.messages) {
      if (m.type === 'RequestVoteResponse' && m.granted) {
        if (s.hardState.term !== m.term || s.hardState.votedFor !== m.to) this.orderViolations.push(m);
      }
    }
  }
}

/** A log from a list of terms: entry i + 1 has terms[i]. */
export function logOf(terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, type: 'normal', data: `e${i + 1}` }));
}

/** Entries as (index, term) pairs, for comparing logs without their data. */
export function shape(entries: readonly Entry[]): [number, number][] {
  return entries.map((e) => [e.index, e.term]);
}

/** A config for one core of a cluster of `n` (ids 1..n), quiet defaults, overridable. */
export function configFor(id: NodeId, n: number, overrides: Partial<RaftConfig> = {}): RaftConfig {
  return {
    id,
    peers: Array.from({ length: n }, (_, i) => i + 1),
    electionTicks: [10, 20],
    heartbeatTicks: 2,
    seed: id * 7 + 1,
    preVote: false,
    checkQuorum: false,
    ...overrides,
  };
}

/** Takes a core's Ready and acknowledges it at once (as a host that persisted it would). */
export function drain(core: RaftCore): Ready {
  const rd = core.ready();
  core.advance(rd);
  return rd;
}

/** Ticks a core until its election timer fires (it leaves the follower role). */
export function timeout(core: RaftCore): void {
  for (let i = 0; i < 100 && core.status().role === 'follower'; i++) core.tick(core.ticksUntilNextEvent());
}

/** An AppendEntries from `from` (the leader of `term`) to `to`. */
export function appendMsg(
  from: NodeId,
  to: NodeId,
  term: number,
  prevLogIndex: number,
  prevLogTerm: number,
  entryTerms: number[] = [],
  leaderCommit = 0,
): Message {
  return {
    type: 'AppendEntries',
    from,
    to,
    term,
    prevLogIndex,
    prevLogTerm,
    entries: entryTerms.map((t, i) => ({ index: prevLogIndex + 1 + i, term: t, type: 'normal', data: `e${prevLogIndex + 1 + i}` })),
    leaderCommit,
  };
}
