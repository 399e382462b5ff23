import { clientOver, leaderOf } from '../hosting/hosted-nodes.js';
import type { NodeHosting } from '../hosting/types.js';
import type { KvResult } from '../kv/index.js';
import type { Rng } from '../raft/rng.js';
import type { NodeId, Term } from '../raft/types.js';
import type { ClusterClient } from './client.js';
import type { ClockControls } from './clock-controls.js';
import { idRangeText } from './cluster-members.js';
import { EventStream } from './event-stream.js';
import { FaultControls } from './fault-controls.js';
import { LiveChecker } from './live-checker.js';
import type { MembershipContext } from './membership-changes.js';
import { LoadGenerator } from './load-generator.js';
import { ChangeWaiters } from './change-waiters.js';
import type { ResolvedOptions } from './options.js';
import type { Scheduler } from './scheduler.js';
import { buildSnapshot } from './snapshot.js';
import { SnapshotPublisher } from './snapshot-publisher.js';
import { type SubmitRoute, submitCommand } from './submit-command.js';
import type {
  Cluster,
  ClusterEvent,
  ClusterSnapshot,
  MessageView,
  NodeStatus,
  NodeView,
  SafetySummary,
  SubmitOptions,
  SubmitResult,
} from './types.js';

/** submit() without options: one object for every call. */
const NO_OPTIONS: SubmitOptions = Object.freeze({});

/** How a cluster's nodes are made known to the shared parts it is built from. */
export interface ClusterBaseParts {
  /** Cluster time: events are stamped with it, the client and the load run on it. */
  scheduler: Scheduler;
  /** The client's session id (its retries keep it: §8). */
  clientId: string;
  /** Draws the built-in load's keys and values. */
  loadRng: Rng;
  /** Whether each client attempt becomes a 'client' event. */
  reportClient: boolean;
}

/**
 * What every cluster shares, however its nodes are hosted (in this process, or each its own OS
 * process): the nodes behind NodeHosting, the client, the event stream, the snapshots, network
 * faults, the built-in load and the live safety checker — and the public methods that only go
 * through them, written once. A subclass hosts the nodes and brings its clock controls.
 */
export abstract class ClusterBase<N extends NodeHosting> implements Cluster {
  readonly ids: NodeId[];
  abstract readonly clock: 'real' | 'virtual' | 'paced';
  /** Every node, however hosted (inline-node.ts, process-node.ts, admin-node.ts). */
  protected readonly nodes = new Map<NodeId, N>();
  protected readonly events: EventStream;
  protected readonly publisher = new SnapshotPublisher(() => this.snapshot());
  protected readonly faults: FaultControls;
  protected readonly client: ClusterClient<KvResult>;
  /** How submit() routes a command: made once (a virtual-time loop submits thousands of times a wall second). */
  private readonly route: SubmitRoute;
  protected readonly load: LoadGenerator;
  protected readonly checker: LiveChecker;
  /** Cluster time: events are stamped with it, the client and the load run on it. */
  protected readonly scheduler: Scheduler;
  /** Waits on cluster state ("node 3 leads"): each hosting checks them after every change it sees. */
  protected readonly changes: ChangeWaiters;
  protected stopped = false;
  private snapshotVersion = 0;

  protected constructor(
    readonly options: ResolvedOptions,
    ids: NodeId[],
    parts: ClusterBaseParts,
  ) {
    this.ids = ids;
    const { scheduler } = parts;
    this.scheduler = scheduler;
    this.changes = new ChangeWaiters(scheduler);
    this.events = new EventStream(
      () => scheduler.now(),
      () => this.markDirty(),
    );
    this.checker = new LiveChecker(
      () => scheduler.now(),
      (e) => this.events.emit(e),
    );
    this.faults = new FaultControls({
      requireNode: (id) => this.requireNode(id),
      // Each node applies them where its messages go: inline nodes read the shared filter (a
      // no-op here), node processes are sent a copy for their own transports.
      apply: (faults) => {
        for (const node of this.nodes.values()) void node.setFaults(faults);
      },
      emit: (e) => this.events.emit(e),
    });
    this.client = clientOver(this.nodes, {
      clientId: parts.clientId,
      ids,
      options,
      scheduler,
      leader: () => this.leader(),
      ...(parts.reportClient ? { report: (r) => this.events.emit({ type: 'client', ...r }) } : {}),
    });
    this.route = {
      knows: (id) => this.nodes.has(id),
      isStopped: () => this.stopped,
      nodesText: () => this.rangeText(),
      reads: options.reads,
      client: this.client,
    };
    this.load = new LoadGenerator(scheduler, parts.loadRng, (command) => void this.submit(command, { timeoutMs: 2000 }));
  }

  // ---- client API -------------------------------------------------------------------------

  submit(command: string, options: SubmitOptions = NO_OPTIONS): Promise<SubmitResult> {
    return submitCommand(command, options, this.route);
  }

  status(): NodeStatus[] {
    return this.hostedIds().map((id) => this.nodes.get(id)!.status());
  }

  leader(): NodeId | undefined {
    return leaderOf(this.nodes);
  }

  abstract addNode(): Promise<NodeId>;
  abstract removeNode(id: NodeId): Promise<void>;
  abstract transferLeadership(to: NodeId): Promise<{ ok: true; leader: NodeId } | { ok: false; message: string }>;

  // ---- faults -----------------------------------------------------------------------------

  async crash(id: NodeId): Promise<void> {
    const node = this.requireNode(id);
    if (!node.up) return;
    this.crashing(id);
    await node.crash();
    this.crashed(id);
  }

  async restart(id: NodeId): Promise<void> {
    const node = this.requireNode(id);
    if (this.removed()?.has(id)) throw new Error(`node ${id} was removed from the cluster: ids are never reused (add starts a new node)`);
    if (node.up || this.stopped) return;
    await node.restart();
    const { term, lastIndex } = await this.restarted(node);
    this.events.emit({ type: 'restart', node: id, term, lastIndex });
  }

  partition(groups: NodeId[][]): void {
    this.faults.partition(groups);
  }

  cut(from: NodeId, to: NodeId): void {
    this.faults.cut(from, to);
  }

  heal(): void {
    this.faults.heal();
  }

  setNetwork(faults: { dropRate?: number; duplicateRate?: number; delayMs?: [number, number] | null }): void {
    this.faults.setNetwork(faults);
  }

  timeout(id: NodeId): Promise<string> {
    return this.requireNode(id).timeout();
  }

  setLoad(perSecond: number): void {
    this.load.set(perSecond);
    this.markDirty();
  }

  /** §7: each node up (or the one named) takes a snapshot of its state machine now and compacts its log. */
  async compact(id?: NodeId): Promise<void> {
    const nodes = id === undefined ? this.hostedIds().map((i) => this.nodes.get(i)!) : [this.requireNode(id)];
    await Promise.all(nodes.map((n) => n.compact()));
  }

  safety(): SafetySummary {
    return this.checker.summary();
  }

  // ---- time and messages in flight: as far as the hosting lets them be held ---------------

  advance(ms: number): Promise<void> {
    return this.clockControls.advance(ms);
  }

  pause(): void {
    this.clockControls.pause();
  }

  resume(): void {
    this.clockControls.resume();
  }

  step(which?: number): Promise<string> {
    return this.clockControls.step(which);
  }

  inFlight(): MessageView[] {
    return this.clockControls.inFlight();
  }

  dropMessage(id: number): void {
    this.clockControls.dropMessage(id);
  }

  setLatency(ms: [number, number]): void {
    this.clockControls.setLatency(ms);
  }

  setSpeed(speed: number): void {
    this.clockControls.setSpeed(speed);
  }

  // ---- observation ------------------------------------------------------------------------

  on(_event: 'event', listener: (e: ClusterEvent) => void): () => void {
    return this.events.on(listener);
  }

  onSnapshot(listener: (s: ClusterSnapshot) => void): () => void {
    return this.publisher.on(listener);
  }

  snapshot(): ClusterSnapshot {
    const { speed, paused } = this.clockControls;
    return buildSnapshot({
      version: ++this.snapshotVersion,
      now: this.scheduler.now(),
      ids: this.hostedIds(),
      nodes: this.shownNodes(),
      filter: this.faults.filter,
      options: this.options,
      speed,
      paused,
      load: this.load.rate,
      leader: this.leader(),
      safety: this.safety(),
      ...this.clockControls.shown(),
      removed: this.removed(),
    });
  }

  abstract stop(): Promise<void>;

  // ---- what the hosting adds ----------------------------------------------------------------

  /** The clock and the messages in flight: the hosting's own (inline-clock.ts, process-clock.ts). */
  protected abstract readonly clockControls: ClockControls;

  /** Each node as the snapshot shows it. */
  protected shownNodes(): ReadonlyMap<NodeId, { readonly up: boolean; view(): NodeView }> {
    return this.nodes;
  }

  /** Before a crash a person asked for (a node process: its exit is then no news). */
  protected crashing(_id: NodeId): void {}

  /** What follows any crash: the checker and listeners are told. */
  protected crashed(id: NodeId): void {
    this.checker.crash(id);
    this.events.emit({ type: 'crash', node: id });
  }

  /** What follows a restart; resolves with the term and last index the node came back with. */
  protected abstract restarted(node: N): Promise<{ term: Term; lastIndex: number }>;

  /** Thesis §4.2.2: the nodes taken out of the cluster for good (never restarted; shown REMOVED). */
  protected removed(): ReadonlySet<NodeId> | undefined {
    return undefined;
  }

  /** What adding and removing nodes needs (membership-changes.ts), through the hosting's own way to a node. */
  protected membershipVia(nodes: Pick<MembershipContext, 'status' | 'propose'>): MembershipContext {
    const [, emax] = this.options.electionTimeoutMs;
    return {
      ...nodes,
      leader: () => this.leader(),
      changes: this.changes,
      now: () => this.scheduler.now(),
      timeoutMs: 20 * emax,
      pollMs: this.options.heartbeatMs,
      tell: (node, step) => this.events.emit({ type: 'membership', node, step }),
    };
  }

  /** Something changed: the dashboard redraws. */
  protected markDirty(): void {
    this.publisher.markDirty();
  }

  protected requireNode(id: NodeId): N {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}: this cluster has nodes ${this.rangeText()}`);
    return node;
  }

  /** "1-5", or the ids one by one once some were added or removed. */
  protected rangeText(): string {
    return idRangeText(this.ids);
  }

  /**
   * The ids whose node is hosted: all of them but one that addNode() has taken and is still
   * preparing (its id is saved first, before its files and its start).
   */
  private hostedIds(): NodeId[] {
    const { ids, nodes } = this;
    return ids.every((id) => nodes.has(id)) ? ids : ids.filter((id) => nodes.has(id));
  }
}
