/**
 * Membership changes in the deterministic simulator (thesis ch. 4): adds a new node as a
 * learner, promotes it once it caught up, removes a node (the leader too) — one change at a
 * time, each through the leader's core exactly as the cluster's addNode / removeNode make it,
 * but driven in virtual time by scheduled polls instead of promises, so runs replay.
 */
import type { ConfigChange, NodeId, RaftStatus } from '../raft/types.js';
import type { Simulator } from './simulator.js';

/** What membership changes did in a run. */
export interface MembershipStats {
  /** Nodes started and added as learners (thesis §4.2.1). */
  added: number;
  /** Learners promoted to voters once caught up. */
  promoted: number;
  /** Nodes whose removal committed (thesis §4.2.2). */
  removed: number;
  /** Removals of the node that led when the removal was asked for. */
  removedLeaders: number;
  /** Removed nodes left running for a while (thesis §4.2.3: they must not disrupt). */
  keptRunning: number;
}

export function zeroMembershipStats(): MembershipStats {
  return { added: 0, promoted: 0, removed: 0, removedLeaders: 0, keptRunning: 0 };
}

export interface SimMembershipOptions {
  /** How often a change under way looks at the cluster again (virtual ms); default 50. */
  pollMs?: number;
  /** Nodes running at once, removed ones still running included; default 9 (the most a cluster has). */
  maxNodes?: number;
  /** A removal never leaves fewer voters than this; default 3. */
  minVoters?: number;
  /** Told what each change does, step by step. */
  note?: (text: string) => void;
  /** Told of each node retired for good (the clients waiting on it). */
  onRetire?: (id: NodeId) => void;
}

type Change =
  | { kind: 'add'; node: NodeId; phase: 'learner' | 'catch-up' | 'promote'; target: number }
  | { kind: 'remove'; node: NodeId; keepRunningMs: number | null; wasLeader: boolean };

/** A configuration the leader holds committed (thesis §4.1: one change at a time, each committed). */
function committed(s: RaftStatus): boolean {
  return (s.configIndex ?? 0) <= s.commitIndex;
}

/** Adds and removes nodes of a {@link Simulator}, one single-server change at a time (thesis §4.1). */
export class SimMembership {
  readonly stats: MembershipStats = zeroMembershipStats();
  private change: Change | null = null;
  /** Removed nodes still running, until they are retired. */
  private readonly lingering = new Set<NodeId>();
  /**
   * The voters of the latest committed configuration. Every change comes from here and is
   * done only once committed, so this is exact between changes and needs no leader to read.
   */
  private readonly committedVoters: NodeId[];
  private readonly pollMs: number;
  private readonly maxNodes: number;
  private readonly minVoters: number;

  constructor(
    private readonly sim: Simulator,
    private readonly options: SimMembershipOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.maxNodes = Math.min(9, options.maxNodes ?? 9);
    this.minVoters = options.minVoters ?? 3;
    this.committedVoters = [...sim.bootstrap];
  }

  /** Whether a change is under way (a new one waits until it is done). */
  get busy(): boolean {
    return this.change !== null;
  }

  /** The voters of the latest committed configuration. */
  voters(): NodeId[] {
    return [...this.committedVoters];
  }

  /** Nodes running that are not being removed or removed already. */
  members(): NodeId[] {
    const leaving = this.change?.kind === 'remove' ? this.change.node : undefined;
    return this.sim.ids.filter((id) => !this.lingering.has(id) && id !== leaving);
  }

  /**
   * Thesis §4.2.1: starts a new node and makes it a learner, then a voter once it holds what
   * the leader had committed. Returns what it did, in words; does nothing while another change
   * is under way or `maxNodes` run already.
   */
  add(): string {
    if (this.change) return `add: wait, ${this.describe(this.change)} is under way`;
    if (this.sim.ids.length >= this.maxNodes) return `add: ${this.sim.ids.length} nodes run already`;
    const node = this.sim.addNode();
    this.stats.added++;
    this.begin({ kind: 'add', node, phase: 'learner', target: 0 });
    return `add n${node}: it starts empty and joins as a learner, then becomes a voter once caught up`;
  }

  /**
   * Thesis §4.2.2: removes `node` from the configuration. Once the removal is committed the node
   * is retired at once, or after `keepRunningMs` of running outside the configuration (thesis
   * §4.2.3: it must not disrupt the others meanwhile). Waits for a leader if there is none.
   * Does nothing while another change is under way, or when `node` is not a voter, or when it
   * would leave fewer than `minVoters` voters.
   */
  remove(node: NodeId, keepRunningMs: number | null): string {
    if (this.change) return `remove: wait, ${this.describe(this.change)} is under way`;
    const voters = this.committedVoters;
    if (!voters.includes(node)) return `remove: n${node} is not a voter`;
    if (voters.length <= this.minVoters) return `remove: only ${voters.length} voters left`;
    const wasLeader = this.sim.leader() === node;
    this.begin({ kind: 'remove', node, keepRunningMs, wasLeader });
    const leader = wasLeader ? ' (the leader: it steps down once that commits)' : '';
    const after = keepRunningMs === null ? 'then it stops' : `then it runs on outside the configuration for ${keepRunningMs} ms`;
    return `remove n${node}${leader}, ${after}`;
  }

  /** Retires every removed node still running (a heal: what is left must be the cluster itself). */
  retireLingering(): void {
    for (const id of [...this.lingering].sort((a, b) => a - b)) this.retire(id);
  }

  private begin(change: Change): void {
    this.change = change;
    this.poll();
  }

  private describe(c: Change): string {
    return c.kind === 'add' ? `adding n${c.node}` : `removing n${c.node}`;
  }

  /** The leader's status: among nodes up, the leader of the highest term. */
  private leaderStatus(): RaftStatus | undefined {
    const id = this.sim.leader();
    return id === undefined ? undefined : this.sim.raftStatus(id);
  }

  /**
   * One look at the cluster for the change under way: moves it on when its step is done, and
   * asks the leader for the step's configuration entry when that leader's configuration is
   * committed and the change is not in it (again after a leader change lost it).
   */
  private poll(): void {
    const c = this.change;
    if (!c) return;
    const s = this.leaderStatus();
    if (c.kind === 'add') {
      if (c.phase === 'learner') {
        if (this.step(s, { type: 'add-learner', node: c.node }, (l) => l.learners.includes(c.node) || l.voters.includes(c.node))) {
          c.phase = 'catch-up';
          c.target = s!.commitIndex;
          this.options.note?.(`n${c.node} is a learner; it catches up to index ${c.target}`);
        }
      }
      if (c.phase === 'catch-up') {
        // Thesis §4.2.1: caught up once it holds what the leader had committed when it joined.
        const own = this.sim.raftStatus(c.node);
        if (own && own.lastIndex >= c.target && own.commitIndex >= c.target) c.phase = 'promote';
      }
      if (c.phase === 'promote' && this.step(s, { type: 'promote', node: c.node }, (l) => l.voters.includes(c.node))) {
        this.stats.promoted++;
        this.committedVoters.push(c.node);
        this.options.note?.(`n${c.node} caught up and is a voter (${s!.voters.length} voters)`);
        this.change = null;
      }
    } else if (this.step(s, { type: 'remove', node: c.node }, (l) => !l.voters.includes(c.node) && !l.learners.includes(c.node))) {
      this.stats.removed++;
      this.committedVoters.splice(this.committedVoters.indexOf(c.node), 1);
      if (c.wasLeader) this.stats.removedLeaders++;
      this.change = null;
      if (c.keepRunningMs === null) {
        this.options.note?.(`n${c.node} is out of the configuration and stops`);
        this.retire(c.node);
      } else {
        this.stats.keptRunning++;
        this.lingering.add(c.node);
        this.options.note?.(`n${c.node} is out of the configuration and runs on for ${c.keepRunningMs} ms`);
        this.sim.schedule(this.sim.now + c.keepRunningMs, () => this.retire(c.node));
      }
    }
    if (this.change === c) this.sim.schedule(this.sim.now + this.pollMs, () => this.poll());
  }

  /** Whether the leader holds `done` committed; if it holds no change uncommitted, asks for `change`. */
  private step(s: RaftStatus | undefined, change: ConfigChange, done: (s: RaftStatus) => boolean): boolean {
    if (!s || !committed(s)) return false;
    if (done(s)) return true;
    const r = this.sim.proposeConfigChange(s.id, change);
    if (!r.ok && r.reason === 'invalid-change') {
      // Cannot happen while this is the only source of changes; say so rather than spin.
      this.options.note?.(`the leader refuses ${change.type} n${change.node}: ${r.message ?? 'invalid'}; the change is dropped`);
      this.change = null;
    }
    return false;
  }

  private retire(id: NodeId): void {
    this.lingering.delete(id);
    if (this.sim.isRetired(id)) return;
    this.sim.retire(id);
    this.options.onRetire?.(id);
  }
}
