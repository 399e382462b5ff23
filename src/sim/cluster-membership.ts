/**
 * Membership changes on a running cluster (thesis ch. 4), as the nemesis asks for them. The
 * cluster's own addNode and removeNode do the Raft part: one single-server change at a time
 * (§4.1), a new node as a learner promoted once caught up (§4.2.1), a removal after which a
 * leader steps down and the node stops (§4.2.2). Here they are asynchronous: one runs at a time
 * (a new one waits, as in the simulator's SimMembership), never below 3 voters nor above 9
 * nodes, and what they did is counted from the cluster's membership events.
 */
import type { Cluster } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import type { MembershipTarget } from './nemesis.js';
import { type MembershipStats, zeroMembershipStats } from './sim-membership.js';

export interface ClusterMembershipOptions {
  /** Nodes running at once; default 9 (the most a cluster has). */
  maxNodes?: number;
  /** A removal never leaves fewer voters than this; default 3. */
  minVoters?: number;
  /**
   * Resolves when the crashes and restarts asked for so far are done: a removal waits for it,
   * so no restart of the node it removes is still under way when the node is stopped for good.
   */
  beforeRemove?: () => Promise<void>;
  /** Told when a change is over (done or given up). */
  onChangeDone?: () => void;
  /** Told what each change does. */
  note?: (text: string) => void;
}

type Change = { kind: 'add' } | { kind: 'remove'; node: NodeId; wasLeader: boolean };

/** Adds and removes nodes of a running {@link Cluster} for the nemesis, one change at a time. */
export class ClusterMembership implements MembershipTarget {
  readonly stats: MembershipStats = zeroMembershipStats();
  private change: Change | null = null;
  private running: Promise<void> = Promise.resolve();
  /**
   * The voters of the latest committed configuration (every change comes from here); after a
   * change given up, some of them: never more than there are.
   */
  private committedVoters: NodeId[];
  /** Nodes that run or ran: the first ones, then each new one once the cluster started it. */
  private readonly started: Set<NodeId>;
  /** Removed and stopped for good (their ids are never reused). */
  private readonly removed = new Set<NodeId>();
  /** Removals given up (out of time): asked again once the faults are healed. */
  private readonly unfinished = new Set<NodeId>();
  private readonly maxNodes: number;
  private readonly minVoters: number;
  private readonly off: () => void;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: ClusterMembershipOptions = {},
  ) {
    this.maxNodes = Math.min(9, options.maxNodes ?? 9);
    this.minVoters = options.minVoters ?? 3;
    this.committedVoters = [...cluster.ids];
    this.started = new Set(cluster.ids);
    this.off = cluster.on('event', (e) => {
      if (e.type !== 'membership') return;
      if (e.step === 'joining') {
        // Started and known to the cluster: from now on it can be crashed, cut off, asked.
        this.started.add(e.node);
        this.stats.added++;
        options.note?.(`n${e.node} starts empty and joins`);
      } else if (e.step === 'learner') {
        options.note?.(`n${e.node} is a learner; it catches up`);
      } else if (e.step === 'voter') {
        this.stats.promoted++;
      } else if (e.step === 'removed') {
        this.stats.removed++;
      }
    });
  }

  /** Nodes started and not removed (the node being removed among them). */
  ids(): NodeId[] {
    return this.cluster.ids.filter((id) => this.started.has(id) && !this.removed.has(id));
  }

  /** Whether `id` is being removed now. */
  isLeaving(id: NodeId): boolean {
    return this.change?.kind === 'remove' && this.change.node === id;
  }

  isRemoved(id: NodeId): boolean {
    return this.removed.has(id);
  }

  voters(): NodeId[] {
    return [...this.committedVoters];
  }

  members(): NodeId[] {
    return this.ids().filter((id) => !this.isLeaving(id));
  }

  add(): string {
    if (this.change) return `add: wait, ${describe(this.change)} is under way`;
    const running = this.ids().length;
    if (running >= this.maxNodes) return `add: ${running} nodes run already`;
    this.begin({ kind: 'add' }, async () => {
      const id = await this.cluster.addNode();
      this.committedVoters.push(id);
      this.options.note?.(`n${id} caught up and is a voter (${this.committedVoters.length} voters)`);
    });
    return 'add a node: it starts empty and joins as a learner, then becomes a voter once caught up';
  }

  /** A real cluster stops a removed node at once: it cannot run on for `keepRunningMs` (thesis §4.2.3). */
  remove(node: NodeId, _keepRunningMs: number | null): string {
    if (this.change) return `remove: wait, ${describe(this.change)} is under way`;
    const voters = this.committedVoters;
    if (!voters.includes(node)) return `remove: n${node} is not a voter`;
    if (voters.length <= this.minVoters) return `remove: only ${voters.length} voters left`;
    const wasLeader = this.cluster.leader() === node;
    const before = this.options.beforeRemove?.();
    this.begin({ kind: 'remove', node, wasLeader }, async () => {
      await before;
      await this.removeNow(node);
      if (wasLeader) this.stats.removedLeaders++;
    });
    return `remove n${node}${wasLeader ? ' (the leader: it steps down once that commits)' : ''}, then it stops`;
  }

  /** Nothing to do: a removed node stopped as soon as it was out. */
  retireLingering(): void {}

  /**
   * Resolves when the change under way is over; then asks again (once) for each removal given
   * up, so the cluster does not end with a node out of the configuration still running.
   */
  async settled(): Promise<void> {
    await this.running;
    for (const node of [...this.unfinished]) {
      this.unfinished.delete(node);
      this.change = { kind: 'remove', node, wasLeader: false };
      try {
        await this.removeNow(node);
      } catch (error) {
        this.options.note?.(`removing n${node} again failed: ${messageOf(error)}`);
      } finally {
        this.change = null;
        this.options.onChangeDone?.();
      }
    }
  }

  /** Stops listening to the cluster. */
  dispose(): void {
    this.off();
  }

  private async removeNow(node: NodeId): Promise<void> {
    await this.cluster.removeNode(node);
    this.removed.add(node);
    this.committedVoters = this.committedVoters.filter((id) => id !== node);
    this.options.note?.(`n${node} is out of the configuration and stopped (${this.committedVoters.length} voters)`);
  }

  private begin(change: Change, work: () => Promise<void>): void {
    this.change = change;
    this.running = work()
      .catch((error: unknown) => this.failed(change, error))
      .finally(() => {
        this.change = null;
        this.options.onChangeDone?.();
      });
  }

  /**
   * A change given up (out of time under faults: not a safety problem). Its entry may still
   * commit or be lost; the voters are counted so that either way there are at least as many as
   * counted: a failed add's node is not counted, a failed removal's node no longer is (and its
   * removal is asked again once the faults are healed).
   */
  private failed(change: Change, error: unknown): void {
    this.options.note?.(`${describe(change)} given up: ${messageOf(error)}`);
    if (change.kind !== 'remove') return;
    this.unfinished.add(change.node);
    this.committedVoters = this.committedVoters.filter((id) => id !== change.node);
  }
}

function describe(c: Change): string {
  return c.kind === 'add' ? 'adding a node' : `removing n${c.node}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
