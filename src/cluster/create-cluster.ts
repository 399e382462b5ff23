import { InlineNode, type InlineNodeEnv } from '../hosting/inline-node.js';
import { inlineNodeWiring } from '../hosting/inline-node-wiring.js';
import type { KvResult } from '../kv/index.js';
import { ClusterSecret } from '../net/cluster-secret.js';
import { createRng } from '../raft/rng.js';
import type { NodeId, Term } from '../raft/types.js';
import { newClientId } from './client.js';
import { ClusterBase } from './cluster-base.js';
import { ClusterClock } from './cluster-clock.js';
import { openClusterKeyFile } from './cluster-key-file.js';
import { ClusterMembers } from './cluster-members.js';
import { lockDataDir } from './data-dir-lock.js';
import { InFlightMessages } from './in-flight.js';
import { InlineClockControls } from './inline-clock.js';
import { transferLeadership } from './leadership-transfer.js';
import { addMember, type MembershipContext, removeMember } from './membership-changes.js';
import { SimulatedDisks } from './mid-write-crash.js';
import type { TornWrite } from './node-disk.js';
import { NodeTransports } from './node-transports.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import type { PacedClock } from './paced-clock.js';
import { RaftNarration } from './raft-narration.js';
import type { Cluster, ClusterOptions } from './types.js';

/** Creates and starts a cluster: every node listening, timers running (real clock). */
export async function createCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const resolved = resolveOptions(options);
  // Each node its own OS process (src/hosting): loaded only when asked for.
  if (resolved.hosting === 'processes') return (await import('../hosting/start-process-cluster.js')).startProcessCluster(resolved);
  const cluster = new RaftCluster(resolved);
  await cluster.start();
  return cluster;
}

/**
 * The cluster of nodes hosted in this process: it orchestrates them (each an InlineNode) with the
 * parts that are the cluster's — clock, network and its faults, messages in flight, members,
 * client, events, snapshots, live safety checks. The only thing dashboards, scripts, tests and
 * benchmarks use.
 */
export class RaftCluster extends ClusterBase<InlineNode> {
  readonly clock: 'real' | 'virtual' | 'paced';
  /** 'paced' only: drives the virtual scheduler from the wall clock (paced-clock.ts). */
  readonly pacer: PacedClock | undefined;
  private readonly time: ClusterClock;
  private readonly members: ClusterMembers;
  private readonly transports: NodeTransports;
  /** ClusterOptions.disks: each node's files on its own simulated disk. */
  private readonly disks: SimulatedDisks | undefined;
  /** Every message sent and not yet delivered (latency, pause and step live here). */
  private readonly inFlightQueue: InFlightMessages;
  protected readonly clockControls: InlineClockControls;
  private readonly narration: RaftNarration;
  /** What every node of this cluster is wired to (inline-node-wiring.ts). */
  private readonly wiring: InlineNodeEnv;
  private unlockDataDir: (() => Promise<void>) | undefined;

  constructor(options: ResolvedOptions) {
    const members = new ClusterMembers(options.nodes, options.dataDir);
    const root = createRng(options.seed);
    const netRng = createRng(root.int(0, 2 ** 31));
    const loadRng = createRng(root.int(0, 2 ** 31));
    root.int(0, 2 ** 31); // was the cluster id; still drawn, so every later draw stays the same
    // The clock's hooks reach this cluster, which exists only once the clock does.
    const late: { cluster?: RaftCluster } = {};
    const time = new ClusterClock(options.clock, options.speed, options.tickMs, {
      tick: (ticks) => late.cluster!.tickNodes(ticks),
      hold: (held) => late.cluster!.inFlightQueue.hold(held),
      emit: (e) => late.cluster!.events.emit(e),
      onFrame: () => late.cluster!.publisher.publish(),
    });
    const scheduler = time.scheduler;
    super(options, members.ids, { scheduler, clientId: newClientId(), loadRng, reportClient: true });
    late.cluster = this;
    this.members = members;
    this.time = time;
    this.clock = options.clock;
    this.pacer = time.pacer;
    this.disks = options.disks
      ? new SimulatedDisks(options.disks, { onIo: () => this.time.virtual?.requestSettle(), crashNow: (id) => this.crashAtOnce(id) })
      : undefined;
    this.inFlightQueue = new InFlightMessages(scheduler, createRng(root.int(0, 2 ** 31)), {
      blockedBy: (from, to) => this.faults.filter.blockedBy(from, to),
      isUp: (id) => this.nodes.get(id)?.up === true,
      narrating: () => this.events.listened,
      onChange: () => this.markDirty(),
    });
    this.inFlightQueue.setLatency(options.latencyMs);
    this.clockControls = new InlineClockControls(time, this.inFlightQueue, {
      nodes: this.nodes,
      tickMs: options.tickMs,
      emit: (e) => this.events.emit(e),
    });
    this.transports = new NodeTransports(options.transport, this.faults.filter, netRng, scheduler, this.inFlightQueue, {
      ids: this.ids,
      onBadInput: (node, reason) => this.events.emit({ type: 'bad-input', node, reason }),
    });
    this.narration = new RaftNarration(this.events, {
      core: (id) => this.nodes.get(id)?.raft(),
      inFlight: this.inFlightQueue,
      size: () => this.ids.length,
    });
    const { disks, transports, events, narration, checker } = this;
    this.wiring = inlineNodeWiring({
      options,
      time,
      disks,
      members,
      transports,
      events,
      narration,
      checker,
      markDirty: () => this.markDirty(),
    });
  }

  async start(): Promise<void> {
    const dir = this.options.dataDir;
    if (dir) this.unlockDataDir = await lockDataDir(dir);
    try {
      await this.members.load();
      if (this.options.transport === 'tcp') this.transports.secret = dir ? await openClusterKeyFile(dir) : ClusterSecret.generate();
      for (const id of this.ids) await this.prepareNode(id, true);
      for (const node of this.nodes.values()) await node.start();
      this.sharePorts();
      this.time.start();
      if (this.options.clock === 'real') this.publisher.startInterval();
    } catch (err) {
      // Close what was opened for nodes that never started (a later node's files failed).
      for (const node of this.nodes.values()) await node.closeUnstarted();
      await this.stop();
      throw err;
    }
  }

  /** A node hosted in this process, prepared (storage open, transport made), not started. */
  private async prepareNode(id: NodeId, atStart: boolean): Promise<InlineNode> {
    const node = new InlineNode(id, this.wiring);
    await node.prepare(atStart);
    this.nodes.set(id, node);
    return node;
  }

  // ---- membership and leadership ---------------------------------------------------------

  addNode(): Promise<NodeId> {
    return this.members.serialize(async () => {
      if (this.stopped) throw new Error('the cluster is stopped');
      const id = await this.members.add();
      await (await this.prepareNode(id, false)).start();
      for (const other of this.nodes.values()) other.transport.addPeers?.([id]);
      this.sharePorts();
      await addMember(this.membershipContext(), id);
      return id;
    });
  }

  removeNode(id: NodeId): Promise<void> {
    return this.members.serialize(async () => {
      const node = this.requireNode(id);
      if (this.members.removed.has(id)) throw new Error(`node ${id} was removed already`);
      await removeMember(this.membershipContext(), id);
      await this.members.remove(id);
      // Thesis §4.2.2: out of the configuration, it has nothing more to do: it stops.
      await node.stop();
      this.checker.retire(id);
      this.markDirty();
    });
  }

  private membershipContext(): MembershipContext {
    return this.membershipVia({
      status: (id) => this.nodes.get(id)?.raft()?.status(),
      propose: (id, change) => this.requireNode(id).proposeConfigChange(change),
    });
  }

  transferLeadership(to: NodeId): Promise<{ ok: true; leader: NodeId } | { ok: false; message: string }> {
    return transferLeadership(
      {
        node: (id) => this.nodes.get(id),
        leader: () => this.leader(),
        changes: this.changes,
        timeoutMs: 2 * this.options.electionTimeoutMs[1],
        unknownNode: (id) => `unknown node ${id}: this cluster has nodes ${this.rangeText()}`,
        isRemoved: (id) => this.members.removed.has(id),
      },
      to,
    );
  }

  /**
   * Proposes entry data as-is on one node and resolves with the state machine's result there
   * (undefined if the entry did not survive). For tests and tools that need to craft requests,
   * e.g. a client's retry with the same session and sequence number.
   */
  async proposeRaw(id: NodeId, data: string): Promise<KvResult | undefined> {
    return this.requireNode(id).proposeRaw(data);
  }

  // ---- faults -----------------------------------------------------------------------------

  crashMidWrite(id: NodeId, timeoutMs: number): Promise<{ torn: TornWrite | null } | undefined> {
    return this.requireNode(id).crashMidWrite(timeoutMs);
  }

  /** A crash inside a write (crashMidWrite): the node stops now, before the write's fsync. */
  private crashAtOnce(id: NodeId): void {
    this.requireNode(id).crashNow();
    this.crashed(id);
  }

  /** What follows any crash: its messages in flight are lost, the checker and listeners are told. */
  protected override crashed(id: NodeId): void {
    this.inFlightQueue.nodeDown(id);
    super.crashed(id);
  }

  /** Back on its old port (peers are told it), with what its storage kept. */
  protected override async restarted(node: InlineNode): Promise<{ term: Term; lastIndex: number }> {
    this.sharePorts();
    return node.kept();
  }

  protected override removed(): ReadonlySet<NodeId> {
    return this.members.removed;
  }

  override async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.time.stopTicking();
    this.load.stop();
    this.publisher.stop();
    this.client.close();
    this.changes.close();
    this.inFlightQueue.stop();
    for (const node of this.nodes.values()) await node.stop();
    this.time.stopScheduler();
    this.events.clear();
    await this.unlockDataDir?.();
  }

  // ---- internals --------------------------------------------------------------------------

  private sharePorts(): void {
    this.transports.sharePorts([...this.nodes.values()].map((n) => ({ id: n.id, port: n.port, transport: n.transport })));
  }

  /** Something changed: the dashboard redraws, waiters on cluster state look again. */
  protected override markDirty(): void {
    super.markDirty();
    this.changes.check();
  }

  /** Every node's logical clock moves: inline only (node processes keep their own clocks). */
  private tickNodes(ticks: number): void {
    for (const node of this.nodes.values()) node.tick(ticks);
  }
}
