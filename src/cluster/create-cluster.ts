import { submitCommand } from './submit-command.js';
import { join } from 'node:path';
import { ClusterSecret } from '../net/cluster-secret.js';
import { FaultFilter, noFaults } from '../net/fault-filter.js';
import { TcpTransport } from '../net/tcp-transport.js';
import type { NetworkFaults, Transport } from '../net/types.js';
import { createRng, type Rng } from '../raft/rng.js';
import type { Entry, Message, NodeId, RaftBrief, RaftEvent, RaftStatus, Ready } from '../raft/types.js';
import { FileStorage } from '../storage/file-storage.js';
import type { RecoveryReport, Storage } from '../storage/types.js';
import { InlineNode } from '../hosting/inline-node.js';
import { encodeEnvelope, type KvResult } from '../kv/index.js';
import { commitsOf } from '../check/commit-observations.js';
import { InvariantChecker, type NodeObservation } from '../check/invariants.js';
import { ChangeWaiters } from './change-waiters.js';
import { ClusterClient, newClientId } from './client.js';
import { openClusterKeyFile } from './cluster-key-file.js';
import { type ClusterManifest, MANIFEST_FILE_NAME, writeManifest } from './cluster-manifest.js';
import { lockDataDir } from './data-dir-lock.js';
import { nodeDir, prepareDataFolder } from './node-folders.js';
import { narrateDelivery } from './delivery-narration.js';
import { InFlightMessages } from './in-flight.js';
import { InProcessNetwork } from './in-process-network.js';
import { transferLeadership } from './leadership-transfer.js';
import { addMember, type MembershipContext, removeMember } from './membership-changes.js';
import { readMembers, writeMembers } from './members-file.js';
import type { NodeHost } from './node-host.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { PacedClock } from './paced-clock.js';
import { SimulatedDisks } from './mid-write-crash.js';
import type { TornWrite } from './node-disk.js';
import { readAttempt } from './read-attempt.js';
import { RealScheduler, VirtualScheduler, type Scheduler } from './scheduler.js';
import { buildSnapshot, commandText, describeFaults, downNodeStatus } from './snapshot.js';
import { stepOnce } from './step-control.js';
import type { Timer } from './timer-queue.js';
import type {
  Cluster,
  ClusterEvent,
  ClusterOptions,
  ClusterSnapshot,
  MessageView,
  NodeStatus,
  SafetySummary,
  SubmitOptions,
  SubmitResult,
} from './types.js';

/** Creates and starts a cluster: every node listening, timers running (real clock). */
export async function createCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const resolved = resolveOptions(options);
  // Each node its own OS process (src/hosting): loaded only when asked for.
  if (resolved.hosting === 'processes') return (await import('../hosting/start-process-cluster.js')).startProcessCluster(resolved);
  const cluster = new RaftCluster(resolved);
  await cluster.start();
  return cluster;
}

/** The cluster: owns the node hosts; the only thing dashboards, scripts, tests and benchmarks use. */
export class RaftCluster implements Cluster {
  readonly ids: NodeId[];
  readonly clock: 'real' | 'virtual' | 'paced';
  readonly options: ResolvedOptions;
  /** 'paced' only: drives the virtual scheduler from the wall clock (paced-clock.ts). */
  readonly pacer: PacedClock | undefined;
  private readonly scheduler: Scheduler;
  /** The scheduler when time is virtual ('virtual' or 'paced'). */
  private readonly virtualScheduler: VirtualScheduler | undefined;
  private readonly filter = new FaultFilter();
  private readonly netRng: Rng;
  private readonly loadRng: Rng;
  private readonly network: InProcessNetwork | undefined;
  /** ClusterOptions.disks: each node's files on its own simulated disk. */
  private readonly disks: SimulatedDisks | undefined;
  /** Every node, hosted in this process (src/hosting/inline-node.ts). */
  private readonly nodes = new Map<NodeId, InlineNode>();
  /** What nodes prove to each other on every TCP connection; never printed, never in a snapshot. */
  private secret: ClusterSecret | undefined;
  private readonly client: ClusterClient<KvResult>;
  /** Waits on cluster state ("node 3 leads"), checked after every change. */
  private readonly changes: ChangeWaiters;
  /** Every message sent and not yet delivered (latency, pause and step live here). */
  private readonly inFlightQueue: InFlightMessages;
  /** Thesis ch. 4: the voters every node starts from before its log says otherwise. */
  private bootstrap: NodeId[];
  /** Nodes taken out by removeNode(): stopped for good, their ids never used again. */
  private readonly removed = new Set<NodeId>();
  private nextId: NodeId;
  /** One membership change at a time (thesis §4.1), in the order they were asked for. */
  private membershipQueue: Promise<unknown> = Promise.resolve();
  private readonly eventListeners = new Set<(e: ClusterEvent) => void>();
  private readonly snapshotListeners = new Set<(s: ClusterSnapshot) => void>();
  private tickTimer: Timer | undefined;
  private lastTickAt = 0;
  private snapshotInterval: NodeJS.Timeout | undefined;
  private snapshotVersion = 0;
  private dirty = true;
  private lastPublishedAt = 0;
  private loadPerSecond = 0;
  private loadTimer: Timer | undefined;
  private stopped = false;
  private pausedFlag = false;
  private unlockDataDir: (() => Promise<void>) | undefined;
  /** The data folder's cluster manifest (files only): who the members are (node-folders.ts). */
  private manifest: ClusterManifest | undefined;
  /** Raft's safety properties, checked after every Ready of every node (src/check). */
  private readonly checker = new InvariantChecker({
    maxViolations: 100,
    onViolation: (v) => this.emit({ type: 'safety-violation', invariant: v.invariant, message: v.message, evidence: v.evidence }),
  });

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.ids = Array.from({ length: options.nodes }, (_, i) => i + 1);
    this.bootstrap = [...this.ids];
    this.nextId = options.nodes + 1;
    this.clock = options.clock;
    const root = createRng(options.seed);
    this.netRng = createRng(root.int(0, 2 ** 31));
    this.loadRng = createRng(root.int(0, 2 ** 31));
    root.int(0, 2 ** 31); // was the cluster id; still drawn, so every later draw stays the same
    const virtual = options.clock === 'real' ? undefined : new VirtualScheduler();
    this.virtualScheduler = virtual;
    this.scheduler = virtual ?? new RealScheduler(options.speed);
    if (virtual && options.clock === 'paced') {
      this.pacer = new PacedClock({ advance: (ms) => virtual.advance(ms, settle), now: () => virtual.now(), speed: options.speed });
      this.pacer.onFrame = () => this.publish();
    }
    this.disks = options.disks
      ? new SimulatedDisks(options.disks, { onIo: () => this.virtualScheduler?.requestSettle(), crashNow: (id) => this.crashAtOnce(id) })
      : undefined;
    if (options.transport === 'memory') this.network = new InProcessNetwork(this.filter, this.netRng, this.scheduler);
    this.changes = new ChangeWaiters(this.scheduler);
    const [, emax] = options.electionTimeoutMs;
    this.client = new ClusterClient<KvResult>(
      newClientId(),
      {
        ids: this.ids,
        isUp: (id) => this.nodes.get(id)?.up === true,
        leader: () => this.leader(),
        isLeading: (id, term) => {
          const host = this.host(id);
          const s = host?.up ? host.raft()?.status() : undefined;
          return s?.role === 'leader' && s.term === term;
        },
        propose: (id, data) => this.host(id)?.propose(data) ?? { ok: false, leader: null, down: true },
        read: (id, command) => readAttempt(this.host(id), command),
        attemptTimeoutMs: 2 * emax,
        staleProposalMs: 20 * emax,
        retryDelayMs: options.heartbeatMs,
        report: (r) => this.emit({ type: 'client', ...r }),
      },
      this.scheduler,
      encodeEnvelope,
      (r) => r,
    );
    this.inFlightQueue = new InFlightMessages(this.scheduler, createRng(root.int(0, 2 ** 31)), {
      blockedBy: (from, to) => this.filter.blockedBy(from, to),
      isUp: (id) => this.nodes.get(id)?.up === true,
      narrating: () => this.eventListeners.size > 0,
      onChange: () => this.markDirty(),
    });
    this.inFlightQueue.setLatency(options.latencyMs);
  }

  async start(): Promise<void> {
    if (this.options.dataDir) this.unlockDataDir = await lockDataDir(this.options.dataDir);
    try {
      await this.loadMembers();
      if (this.options.dataDir) this.manifest = await prepareDataFolder(this.options.dataDir, this.ids);
      if (this.options.transport === 'tcp') {
        this.secret = this.options.dataDir ? await openClusterKeyFile(this.options.dataDir) : ClusterSecret.generate();
      }
      await this.startNodes();
    } catch (err) {
      // Close what was opened for nodes that never started (a later node's files failed).
      for (const node of this.nodes.values()) await node.closeUnstarted();
      await this.stop();
      throw err;
    }
  }

  /** A data folder that saw nodes added or removed starts those nodes (members-file.ts). */
  private async loadMembers(): Promise<void> {
    const dir = this.options.dataDir;
    if (!dir) return;
    const record = await readMembers(dir);
    // Written by the first membership change only: until then the cluster is the one --nodes
    // made, and the manifest (node-folders.ts) holds it to that.
    if (record) {
      this.ids.splice(0, this.ids.length, ...record.nodes);
      this.bootstrap = record.bootstrap;
      this.nextId = Math.max(record.nextId, ...record.nodes.map((id) => id + 1));
    }
  }

  /**
   * Keeps the data folder's cluster manifest's members in step with the nodes to start: the new
   * node's folder gets the manifest first, then the root (node-folders.ts reads both).
   */
  private async saveManifestMembers(added?: NodeId): Promise<void> {
    const dir = this.options.dataDir;
    if (!dir || !this.manifest) return;
    this.manifest = { ...this.manifest, members: this.ids.filter((id) => !this.removed.has(id)) };
    if (added !== undefined) {
      // A new member's folder is made whole (log, hard state, manifest) before it counts as one.
      const storage = await FileStorage.open(nodeDir(dir, added));
      await storage.close();
      await writeManifest(join(nodeDir(dir, added), MANIFEST_FILE_NAME), this.manifest);
    }
    await writeManifest(join(dir, MANIFEST_FILE_NAME), this.manifest);
  }

  private async saveMembers(): Promise<void> {
    const dir = this.options.dataDir;
    if (!dir) return;
    const nodes = this.ids.filter((id) => !this.removed.has(id));
    await writeMembers(dir, { bootstrap: this.bootstrap, nodes, nextId: this.nextId });
  }

  /** A node hosted in this process, prepared (storage open, transport made), not started. */
  private async prepareNode(id: NodeId, atStart: boolean): Promise<InlineNode> {
    const node = new InlineNode(id, {
      options: this.options,
      scheduler: this.scheduler,
      disks: this.disks,
      // Virtual time: each Ready at the moment of its input, no event-loop turn per message.
      timing: this.virtualScheduler ? 'immediate' : 'per-turn',
      hooks: {
        onRaftEvents: (node, events) => this.forwardRaftEvents(node, events),
        onApplied: (node, entries) => this.emitApplied(node, entries),
        onChange: () => this.markDirty(),
        onReadyHandled: (node, status, rd) => this.observe(node, status, rd),
        onFailure: (node, message) =>
          this.emit({ type: 'storage-recovery', node, file: '', offset: 0, droppedBytes: 0, reason: `stopped: ${message}` }),
        explainDelivery: (node, m) => this.explainDelivery(node, m),
        onWaitersSettled: () => this.virtualScheduler?.requestSettle(),
      },
      bootstrap: () => this.bootstrap,
      manifest: () => this.manifest,
      transport: (node, port) => this.makeTransport(node, port),
      storageReport: (node, r, atStart) => this.storageReport(node, r, atStart),
      starting: (node, storage) => this.observeStart(node, storage),
      speed: () => this.speed(),
      isRemoved: (node) => this.removed.has(node),
    });
    await node.prepare(atStart);
    this.nodes.set(id, node);
    return node;
  }

  private async startNodes(): Promise<void> {
    for (const id of this.ids) await this.prepareNode(id, true);
    for (const node of this.nodes.values()) await node.start();
    this.shareTcpPorts();
    this.lastTickAt = this.scheduler.now();
    this.scheduleTick();
    if (this.options.clock === 'real') {
      this.snapshotInterval = setInterval(() => this.maybePublish(), 50);
      this.snapshotInterval.unref();
    }
    this.pacer?.start();
  }

  // ---- client API -------------------------------------------------------------------------

  submit(command: string, options: SubmitOptions = {}): Promise<SubmitResult> {
    return submitCommand(command, options, {
      knows: (id) => this.nodes.has(id),
      stopped: this.stopped,
      nodesText: this.rangeText(),
      reads: this.options.reads,
      client: this.client,
    });
  }

  addNode(): Promise<NodeId> {
    const run = this.membershipQueue.then(() => this.doAddNode());
    this.membershipQueue = run.catch(() => undefined);
    return run;
  }

  removeNode(id: NodeId): Promise<void> {
    const run = this.membershipQueue.then(() => this.doRemoveNode(id));
    this.membershipQueue = run.catch(() => undefined);
    return run;
  }

  private async doAddNode(): Promise<NodeId> {
    if (this.stopped) throw new Error('the cluster is stopped');
    const members = this.ids.filter((id) => !this.removed.has(id)).length;
    if (members >= 9) throw new Error('a cluster has at most 9 nodes: remove one first (remove <id>)');
    const id = this.nextId++;
    this.ids.push(id);
    await this.saveMembers(); // before anything else: the id is taken for good
    await this.saveManifestMembers(id);
    await (await this.prepareNode(id, false)).start();
    for (const other of this.nodes.values()) other.host.currentTransport().addPeers?.([id]);
    this.shareTcpPorts();
    await addMember(this.membershipContext(), id);
    return id;
  }

  private async doRemoveNode(id: NodeId): Promise<void> {
    const node = this.requireNode(id);
    if (this.removed.has(id)) throw new Error(`node ${id} was removed already`);
    await removeMember(this.membershipContext(), id);
    this.removed.add(id);
    await this.saveMembers();
    await this.saveManifestMembers();
    // Thesis §4.2.2: out of the configuration, it has nothing more to do: it stops.
    await node.host.crash();
    this.checker.crash(id);
    this.markDirty();
  }

  private membershipContext(): MembershipContext {
    const [, emax] = this.options.electionTimeoutMs;
    return {
      host: (id) => this.anyHost(id),
      leader: () => this.leader(),
      changes: this.changes,
      now: () => this.scheduler.now(),
      timeoutMs: 20 * emax,
      pollMs: this.options.heartbeatMs,
      tell: (node, step) => this.emit({ type: 'membership', node, step }),
    };
  }

  transferLeadership(to: NodeId): Promise<{ ok: true; leader: NodeId } | { ok: false; message: string }> {
    return transferLeadership(
      {
        host: (id) => this.anyHost(id),
        leader: () => this.leader(),
        changes: this.changes,
        timeoutMs: 2 * this.options.electionTimeoutMs[1],
        unknownNode: (id) => `unknown node ${id}: this cluster has nodes ${this.rangeText()}`,
        isRemoved: (id) => this.removed.has(id),
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
    const r = this.requireNode(id).propose(data);
    if (!r.ok) return undefined;
    const outcome = await r.applied;
    return outcome.applied ? outcome.result : undefined;
  }

  status(): NodeStatus[] {
    return this.ids.map((id) => {
      const host = this.nodes.get(id)!.host;
      const core = host.raft();
      if (!core) {
        return downNodeStatus(id, host.currentStorage().summary(), this.removed.has(id));
      }
      const s = core.status();
      return {
        id,
        up: true,
        role: s.role,
        term: s.term,
        votedFor: s.votedFor,
        leader: s.leader,
        commitIndex: s.commitIndex,
        lastApplied: s.appliedIndex,
        lastIndex: s.lastIndex,
        log: core.log().map((e) => ({ index: e.index, term: e.term, command: commandText(e) })),
        kv: { ...host.stateMachine.data() },
        snapshotIndex: s.snapshotIndex,
        snapshotTerm: s.snapshotTerm,
        voters: [...s.voters],
        learners: [...s.learners],
      };
    });
  }

  leader(): NodeId | undefined {
    let best: NodeId | undefined;
    let bestTerm = -1;
    for (const [id, node] of this.nodes) {
      const s = node.host.raft()?.status();
      if (s && s.role === 'leader' && s.term > bestTerm) {
        best = id;
        bestTerm = s.term;
      }
    }
    return best;
  }

  // ---- faults -----------------------------------------------------------------------------

  async crash(id: NodeId): Promise<void> {
    const node = this.requireNode(id);
    if (!node.up) return;
    await node.crash();
    this.crashed(id);
  }

  crashMidWrite(id: NodeId, timeoutMs: number): Promise<{ torn: TornWrite | null } | undefined> {
    return this.requireNode(id).crashMidWrite(timeoutMs);
  }

  /** A crash inside a write (crashMidWrite): the node stops now, before the write's fsync. */
  private crashAtOnce(id: NodeId): void {
    this.requireNode(id).crashNow();
    this.crashed(id);
  }

  /** What follows any crash: its messages in flight are lost, the checker and listeners are told. */
  private crashed(id: NodeId): void {
    this.inFlightQueue.nodeDown(id);
    this.checker.crash(id);
    this.emit({ type: 'crash', node: id });
  }

  async restart(id: NodeId): Promise<void> {
    const node = this.requireNode(id);
    if (this.removed.has(id)) throw new Error(`node ${id} was removed from the cluster: ids are never reused (add starts a new node)`);
    if (node.up || this.stopped) return;
    await node.restart();
    this.shareTcpPorts();
    const kept = node.host.currentStorage().summary();
    this.emit({ type: 'restart', node: id, term: kept.term, lastIndex: kept.lastIndex });
  }

  partition(groups: NodeId[][]): void {
    for (const g of groups) for (const id of g) this.requireNode(id);
    this.filter.update({ partition: groups.map((g) => [...g]) });
    this.faultsChanged();
  }

  cut(from: NodeId, to: NodeId): void {
    this.requireNode(from);
    this.requireNode(to);
    this.filter.update({ cuts: [...this.filter.faults.cuts, { from, to }] });
    this.faultsChanged();
  }

  heal(): void {
    this.filter.set(noFaults());
    this.faultsChanged();
  }

  setNetwork(faults: { dropRate?: number; duplicateRate?: number; delayMs?: [number, number] | null }): void {
    const change: Partial<NetworkFaults> = {};
    if (faults.dropRate !== undefined) change.dropRate = clamp01(faults.dropRate);
    if (faults.duplicateRate !== undefined) change.duplicateRate = clamp01(faults.duplicateRate);
    if (faults.delayMs !== undefined) change.delayMs = faults.delayMs;
    this.filter.update(change);
    this.faultsChanged();
  }

  // ---- time -------------------------------------------------------------------------------

  async advance(ms: number): Promise<void> {
    if (!(this.scheduler instanceof VirtualScheduler) || this.pacer) throw new Error("advance() needs clock: 'virtual'");
    await this.scheduler.advance(ms, settle);
  }

  pause(): void {
    if (this.pacer && !this.pacer.paused) {
      this.pacer.pause();
      this.emit({ type: 'clock', description: 'paused: time stands still' });
    }
    if (!(this.scheduler instanceof RealScheduler) || this.pausedFlag) return;
    this.pausedFlag = true;
    this.scheduler.pause();
    // What was due by now happens; then messages in flight stay where they are.
    this.scheduler.runDueNow();
    this.inFlightQueue.hold(true);
    this.emit({ type: 'clock', description: 'paused: time stands still, messages stay in flight' });
  }

  resume(): void {
    if (this.pacer?.paused) {
      this.pacer.resume();
      this.emit({ type: 'clock', description: 'resumed' });
    }
    if (!(this.scheduler instanceof RealScheduler) || !this.pausedFlag) return;
    this.pausedFlag = false;
    this.inFlightQueue.hold(false);
    this.scheduler.resume();
    this.emit({ type: 'clock', description: 'resumed' });
  }

  async step(which?: number): Promise<string> {
    // Time must stand still: paused, or a virtual clock that moves only when told to.
    const still = this.pacer ? this.pacer.paused : this.scheduler instanceof VirtualScheduler || this.pausedFlag;
    if (!still) return 'not paused: type pause first, then step';
    return stepOnce(
      {
        queue: this.inFlightQueue,
        scheduler: this.scheduler,
        hosts: this.hostMap(),
        tickMs: this.options.tickMs,
        lastTickAt: this.lastTickAt,
        settle,
      },
      which,
    );
  }

  inFlight(): MessageView[] {
    return this.inFlightQueue.list();
  }

  dropMessage(id: number): void {
    const view = this.inFlightQueue.list().find((v) => v.id === id);
    if (!view || !this.inFlightQueue.drop(id)) throw new Error(`no message #${id} is in flight (see the in-flight list)`);
  }

  setLatency(ms: [number, number]): void {
    this.inFlightQueue.setLatency(ms);
    const [min, max] = this.inFlightQueue.latency;
    this.emit({
      type: 'clock',
      description: max === 0 ? 'latency off: messages arrive at once' : `latency ${min === max ? min : `${min}-${max}`} ms per message`,
    });
  }

  async timeout(id: NodeId): Promise<string> {
    const host = this.requireNode(id).host;
    if (!host.up) throw new Error(`n${id} is down: restart ${id} first`);
    if (!host.campaignNow())
      throw new Error(`n${id} is the leader: a leader has no election timer (crash leader or isolate leader instead)`);
    await settle();
    const s = host.raft()?.status();
    if (!s) return `n${id}'s election timer fired`;
    const asking = s.role === 'precandidate' ? `asking for pre-votes for term ${s.term + 1}` : `asking for votes in term ${s.term}`;
    return s.role === 'leader'
      ? `n${id}'s election timer fired: it won at once (term ${s.term})`
      : `n${id}'s election timer fired: ${s.role}, ${asking}`;
  }

  setSpeed(speed: number): void {
    if (!(Number.isFinite(speed) && speed > 0)) throw new Error(`speed must be above 0 (got ${speed})`);
    if (this.scheduler instanceof RealScheduler) this.scheduler.setSpeed(speed);
    this.pacer?.setSpeed(speed);
    this.emit({ type: 'clock', description: `speed ${speed}×` });
  }

  setLoad(perSecond: number): void {
    if (!(Number.isFinite(perSecond) && perSecond >= 0)) throw new Error(`load must be 0 or more per second (got ${perSecond})`);
    this.loadPerSecond = perSecond;
    this.scheduler.clearTimer(this.loadTimer);
    this.loadTimer = undefined;
    if (perSecond > 0) this.scheduleLoad();
    this.markDirty();
  }

  async compact(id?: NodeId): Promise<void> {
    const ids = id === undefined ? this.ids : [this.requireNode(id).id];
    for (const node of ids) this.nodes.get(node)!.host.compact();
    await settle();
  }

  safety(): SafetySummary {
    const first = this.checker.violations[0];
    return {
      checks: this.checker.checks,
      violations: this.checker.violationCount,
      first: first ? { invariant: first.invariant, message: first.message } : null,
    };
  }

  // ---- observation ------------------------------------------------------------------------

  on(_event: 'event', listener: (e: ClusterEvent) => void): () => void {
    this.eventListeners.add(listener);
    // What storage reported while the cluster started came before anyone could listen.
    for (const e of this.startupReports) listener(e);
    return () => this.eventListeners.delete(listener);
  }

  onSnapshot(listener: (s: ClusterSnapshot) => void): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  snapshot(): ClusterSnapshot {
    return buildSnapshot({
      version: ++this.snapshotVersion,
      now: this.scheduler.now(),
      ids: this.ids,
      nodes: this.nodes,
      filter: this.filter,
      options: this.options,
      speed: this.speed(),
      paused: this.pausedFlag || this.pacer?.paused === true,
      load: this.loadPerSecond,
      leader: this.leader(),
      safety: this.safety(),
      inFlight: this.inFlightQueue.shown(),
      latencyMs: this.inFlightQueue.latency,
      removed: this.removed,
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.scheduler.clearTimer(this.tickTimer);
    this.scheduler.clearTimer(this.loadTimer);
    if (this.snapshotInterval) clearInterval(this.snapshotInterval);
    this.pacer?.stop();
    this.client.close();
    this.changes.close();
    this.inFlightQueue.stop();
    for (const node of this.nodes.values()) await node.stop();
    this.scheduler.stop();
    this.eventListeners.clear();
    this.snapshotListeners.clear();
    await this.unlockDataDir?.();
  }

  // ---- internals --------------------------------------------------------------------------

  /** Storage reports (recovery, refusal); those from start() are replayed to each later listener. */
  private readonly startupReports: ClusterEvent[] = [];

  private storageReport(node: NodeId, r: RecoveryReport, atStart: boolean): void {
    if (atStart) this.startupReports.push({ type: 'storage-recovery', node, ...r, at: this.scheduler.now() });
    this.emit({ type: 'storage-recovery', node, ...r });
  }

  private speed(): number {
    return this.pacer?.speed ?? (this.scheduler instanceof RealScheduler ? this.scheduler.speed : 1);
  }

  /** Every node's transport goes through the in-flight queue (latency, pause and step). */
  private makeTransport(id: NodeId, port: number): Transport {
    return this.inFlightQueue.wrap(this.makeRealTransport(id, port));
  }

  private makeRealTransport(id: NodeId, port: number): Transport {
    if (this.network) return this.network.transport(id);
    return new TcpTransport({
      id,
      secret: this.secret!,
      peers: this.ids,
      port,
      filter: this.filter,
      rng: createRng(this.netRng.int(0, 2 ** 31)),
      onBadInput: (reason, detail) => this.emit({ type: 'bad-input', node: id, reason: `${reason}: ${detail}` }),
    });
  }

  private shareTcpPorts(): void {
    const ports = new Map<NodeId, number>();
    for (const [id, node] of this.nodes) if (node.port !== 0) ports.set(id, node.port);
    for (const node of this.nodes.values()) node.host.currentTransport().setPeerPorts?.(ports);
  }

  private scheduleTick(): void {
    const { tickMs } = this.options;
    this.tickTimer = this.scheduler.setTimer(
      tickMs,
      () => {
        // Real timers run late; turn the time that really passed into whole ticks.
        const now = this.scheduler.now();
        const ticks = Math.max(1, Math.floor((now - this.lastTickAt) / tickMs));
        this.lastTickAt += ticks * tickMs;
        if (this.lastTickAt < now - tickMs) this.lastTickAt = now;
        for (const node of this.nodes.values()) node.host.tick(ticks);
        if (!this.stopped) this.scheduleTick();
      },
      true,
    ); // a tick: the hosts say when they settle a promise
  }

  private scheduleLoad(): void {
    if (this.loadPerSecond <= 0 || this.stopped) return;
    this.loadTimer = this.scheduler.setTimer(1000 / this.loadPerSecond, () => {
      const key = `k${this.loadRng.int(1, 8)}`;
      void this.submit(`SET ${key} = ${this.loadRng.int(1, 999)}`, { timeoutMs: 2000 });
      this.scheduleLoad();
    });
  }

  /** Tells the safety checker what a node starts from: what its storage kept (maybe a whole log). */
  private observeStart(node: NodeId, storage: Storage): void {
    const { hardState, entries, snapshot } = storage.load();
    this.checker.restart({ node, at: this.scheduler.now(), term: hardState.term, votedFor: hardState.votedFor, entries, snapshot });
  }

  /** One observation refilled for every Ready (thousands a second): the checker keeps none of it. */
  private readonly observation: NodeObservation = {
    node: 0,
    at: 0,
    role: 'follower',
    term: 0,
    votedFor: null,
    commit: 0,
    applied: 0,
    lastIndex: 0,
    written: [],
    appliedEntries: [],
    snapshot: null,
    commits: undefined,
  };

  private observe(node: NodeId, s: RaftBrief, rd: Ready): void {
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    const o = this.observation;
    o.node = node;
    o.at = this.scheduler.now();
    o.role = s.role;
    o.term = s.term;
    o.votedFor = s.votedFor;
    o.commit = s.commitIndex;
    o.applied = lastApplied ? lastApplied.index : Math.max(s.appliedIndex, rd.snapshot?.index ?? 0);
    o.lastIndex = s.lastIndex;
    o.written = rd.entries;
    o.appliedEntries = rd.committedEntries;
    o.snapshot = rd.snapshot;
    o.commits = commitsOf(rd.events);
    this.checker.observe(o);
  }

  /** Narrates the arrival of a message that was in flight, when someone listens or a step waits. */
  private explainDelivery(node: NodeId, m: Message) {
    const record = this.inFlightQueue.arrived(node, m);
    if (!record) return undefined;
    return (events: RaftEvent[], before: RaftStatus, after: RaftStatus) => {
      const { outcome, routine } = narrateDelivery(m, events, before, after, this.ids.length);
      const message = record(outcome);
      this.emit({ type: 'deliver', node, message, outcome, routine });
    };
  }

  private forwardRaftEvents(node: NodeId, events: RaftEvent[]): void {
    this.markDirty();
    if (this.eventListeners.size === 0) return;
    for (const event of events) {
      this.emit({ type: 'raft', node, event });
      if (event.kind === 'commit') this.emitCommitted(node, event.index, event.quorum);
    }
  }

  /** An 'applied' event per client entry a node applied (only when someone listens). */
  private emitApplied(node: NodeId, entries: Entry[]): void {
    this.markDirty();
    if (this.eventListeners.size === 0) return;
    for (const e of entries) if (e.type === 'normal') this.emit({ type: 'applied', node, index: e.index, command: commandText(e) });
  }

  /**
   * One 'committed' event per client entry, when a leader first commits it. Tracked for the
   * whole cluster: a new leader that commits its no-op commits older entries again only in its
   * own view — they were announced when they first committed, and are the same entries (§5.4).
   */
  private highestAnnounced = 0;
  private emitCommitted(node: NodeId, index: number, quorum: NodeId[]): void {
    const core = this.host(node)?.raft();
    if (!core || index <= this.highestAnnounced) return;
    const log = core.log();
    const base = core.status().snapshotIndex;
    const from = Math.max(this.highestAnnounced, index - 50) + 1;
    this.highestAnnounced = index;
    for (let i = from; i <= index; i++) {
      const e: Entry | undefined = log[i - base - 1];
      if (e && e.type === 'normal') this.emit({ type: 'committed', node, index: i, term: e.term, command: commandText(e), quorum });
    }
  }

  private faultsChanged(): void {
    this.emit({ type: 'faults', faults: this.filter.faults, description: describeFaults(this.filter.faults) });
    this.markDirty();
  }

  private emit(e: DistributiveOmit<ClusterEvent, 'at'>): void {
    this.markDirty();
    if (this.eventListeners.size === 0) return;
    const full = { ...e, at: this.scheduler.now() } as ClusterEvent;
    for (const l of this.eventListeners) {
      try {
        l(full);
      } catch {
        // A listener's bug must not take the cluster down.
      }
    }
  }

  private markDirty(): void {
    this.dirty = true;
    this.changes.check();
  }

  /** At most 20 snapshots a second while something changes; timer bars still move every 250 ms. */
  private maybePublish(): void {
    if (this.snapshotListeners.size === 0) return;
    const now = performance.now();
    if (!this.dirty && now - this.lastPublishedAt < 250) return;
    this.lastPublishedAt = now;
    this.publish();
  }

  /** A snapshot to every listener now (the paced clock calls it at each frame of cluster time). */
  private publish(): void {
    if (this.snapshotListeners.size === 0) return;
    this.dirty = false;
    const snap = this.snapshot();
    for (const l of this.snapshotListeners) {
      try {
        l(snap);
      } catch {
        // as above
      }
    }
  }

  private requireNode(id: NodeId): InlineNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}: this cluster has nodes ${this.rangeText()}`);
    return node;
  }

  private host(id: NodeId): NodeHost<KvResult> | undefined {
    return this.nodes.get(id)?.host;
  }

  /** The same host, as the helpers that only read it see it. */
  private anyHost(id: NodeId): NodeHost<unknown> | undefined {
    return this.nodes.get(id)?.host as NodeHost<unknown> | undefined;
  }

  private hostMap(): Map<NodeId, NodeHost<unknown>> {
    return new Map([...this.nodes].map(([id, node]) => [id, node.host as NodeHost<unknown>]));
  }

  private rangeText(): string {
    const ids = this.ids;
    const contiguous = ids.every((id, i) => id === i + 1);
    if (ids.length === 1) return `${ids[0]}`;
    return contiguous ? `1-${ids.length}` : ids.join(', ');
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function clamp01(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`a rate must be a number from 0 to 1 (got ${x})`);
  return Math.min(1, Math.max(0, x));
}

/** Lets promise continuations and queued microtasks run (one macrotask turn). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
