import { submitCommand } from './submit-command.js';
import { join } from 'node:path';
import { ClusterSecret } from '../net/cluster-secret.js';
import { FaultFilter, noFaults } from '../net/fault-filter.js';
import { TcpTransport } from '../net/tcp-transport.js';
import type { NetworkFaults, Transport } from '../net/types.js';
import { createRaft } from '../raft/index.js';
import { createRng, type Rng } from '../raft/rng.js';
import type { Entry, Message, NodeId, RaftBrief, RaftEvent, RaftStatus, Ready } from '../raft/types.js';
import { FileStorage } from '../storage/file-storage.js';
import { UnavailableStorage } from '../storage/unavailable-storage.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { Storage } from '../storage/types.js';
import { KvStateMachine, encodeEnvelope, type KvResult } from '../kv/index.js';
import { commitsOf } from '../check/commit-observations.js';
import { InvariantChecker } from '../check/invariants.js';
import { ChangeWaiters } from './change-waiters.js';
import { ClusterClient, newClientId } from './client.js';
import { openClusterKeyFile } from './cluster-key-file.js';
import { type ClusterManifest, MANIFEST_FILE_NAME, writeManifest } from './cluster-manifest.js';
import { lockDataDir } from './data-dir-lock.js';
import { NodeRefusedError, nodeDir, nodeFolderRefusal, prepareDataFolder } from './node-folders.js';
import { narrateDelivery } from './delivery-narration.js';
import { InFlightMessages } from './in-flight.js';
import { InProcessNetwork } from './in-process-network.js';
import { transferLeadership } from './leadership-transfer.js';
import { addMember, type MembershipContext, removeMember } from './membership-changes.js';
import { readMembers, writeMembers } from './members-file.js';
import { NodeHost } from './node-host.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { PacedClock } from './paced-clock.js';
import { SimulatedDisks } from './mid-write-crash.js';
import type { TornWrite } from './node-disk.js';
import { restartFailureReason } from './restart-failure.js';
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
  private readonly hosts = new Map<NodeId, NodeHost<KvResult>>();
  private readonly ports = new Map<NodeId, number>();
  private readonly restarts = new Map<NodeId, number>();
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
        isUp: (id) => this.hosts.get(id)?.up === true,
        leader: () => this.leader(),
        isLeading: (id, term) => {
          const host = this.hosts.get(id);
          const s = host?.up ? host.raft()?.status() : undefined;
          return s?.role === 'leader' && s.term === term;
        },
        propose: (id, data) => this.hosts.get(id)?.propose(data) ?? { ok: false, leader: null, down: true },
        read: (id, command) => readAttempt(this.hosts.get(id), command),
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
      isUp: (id) => this.hosts.get(id)?.up === true,
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
      for (const host of this.hosts.values())
        if (!host.up)
          await host
            .currentStorage()
            .close()
            .catch(() => undefined);
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

  private async createHost(id: NodeId, atStart: boolean): Promise<Transport> {
    // At start, a member whose folder was lost stays down with the reason; the others start.
    const storage = atStart ? await this.openStorage(id).catch((err: unknown) => this.refusedAtStart(id, err)) : await this.openStorage(id);
    const transport = this.makeTransport(id, this.options.basePort ? this.options.basePort + id - 1 : 0);
    const host = new NodeHost<KvResult>(
      id,
      storage,
      transport,
      new KvStateMachine(),
      (stored) => this.makeCore(id, stored),
      {
        onRaftEvents: (node, events) => this.forwardRaftEvents(node, events),
        onApplied: (node, entries) => this.emitApplied(node, entries),
        onChange: () => this.markDirty(),
        onReadyHandled: (node, status, rd) => this.observe(node, status, rd),
        onFailure: (node, message) =>
          this.emit({ type: 'storage-recovery', node, file: '', offset: 0, droppedBytes: 0, reason: `stopped: ${message}` }),
        explainDelivery: (node, m) => this.explainDelivery(node, m),
        onWaitersSettled: () => this.virtualScheduler?.requestSettle(),
      },
      // Virtual time: each Ready at the moment of its input, no event-loop turn per message.
      this.virtualScheduler ? 'immediate' : 'per-turn',
    );
    host.snapshotEvery = this.options.snapshotEvery;
    this.hosts.set(id, host);
    if (storage instanceof UnavailableStorage) return transport;
    this.reportRecovery(id, storage, atStart);
    this.observeStart(id, storage);
    return transport;
  }

  private async startNodes(): Promise<void> {
    const transports = new Map<NodeId, Transport>();
    for (const id of this.ids) transports.set(id, await this.createHost(id, true));
    for (const id of this.ids) {
      const host = this.hosts.get(id)!;
      if (host.currentStorage() instanceof UnavailableStorage) continue;
      this.ports.set(id, await host.start(host.currentStorage(), transports.get(id)!));
    }
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
      knows: (id) => this.hosts.has(id),
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
    const transport = await this.createHost(id, false);
    const host = this.hosts.get(id)!;
    this.ports.set(id, await host.start(host.currentStorage(), transport));
    for (const other of this.hosts.values()) other.currentTransport().addPeers?.([id]);
    this.shareTcpPorts();
    await addMember(this.membershipContext(), id);
    return id;
  }

  private async doRemoveNode(id: NodeId): Promise<void> {
    const host = this.requireHost(id);
    if (this.removed.has(id)) throw new Error(`node ${id} was removed already`);
    await removeMember(this.membershipContext(), id);
    this.removed.add(id);
    await this.saveMembers();
    await this.saveManifestMembers();
    // Thesis §4.2.2: out of the configuration, it has nothing more to do: it stops.
    await host.crash();
    this.checker.crash(id);
    this.markDirty();
  }

  private membershipContext(): MembershipContext {
    const [, emax] = this.options.electionTimeoutMs;
    return {
      host: (id) => this.hosts.get(id) as NodeHost<unknown> | undefined,
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
        host: (id) => this.hosts.get(id) as NodeHost<unknown> | undefined,
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
    const r = this.requireHost(id).propose(data);
    if (!r.ok) return undefined;
    const outcome = await r.applied;
    return outcome.applied ? outcome.result : undefined;
  }

  status(): NodeStatus[] {
    return this.ids.map((id) => {
      const host = this.hosts.get(id)!;
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
    for (const [id, host] of this.hosts) {
      const s = host.raft()?.status();
      if (s && s.role === 'leader' && s.term > bestTerm) {
        best = id;
        bestTerm = s.term;
      }
    }
    return best;
  }

  // ---- faults -----------------------------------------------------------------------------

  async crash(id: NodeId): Promise<void> {
    const host = this.requireHost(id);
    if (!host.up) return;
    await host.crash();
    this.disks?.crashed(id);
    this.inFlightQueue.nodeDown(id);
    this.checker.crash(id);
    this.emit({ type: 'crash', node: id });
  }

  crashMidWrite(id: NodeId, timeoutMs: number): Promise<{ torn: TornWrite | null } | undefined> {
    const host = this.requireHost(id);
    const disks = this.disks;
    if (!disks) throw new Error('a crash mid-write needs nodes on simulated disks (an example whose #! line says disk=files)');
    if (!host.up) throw new Error(`n${id} is down: restart ${id} first`);
    return new Promise((resolve) => {
      const timer = this.scheduler.setTimer(timeoutMs, () => {
        disarm();
        resolve(undefined);
      });
      const disarm = disks.arm(id, (torn) => {
        this.scheduler.clearTimer(timer);
        resolve({ torn });
      });
    });
  }

  /** A crash inside a write (crashMidWrite): the node stops now, before the write's fsync. */
  private crashAtOnce(id: NodeId): void {
    const host = this.requireHost(id);
    host.crashNow();
    void host.currentTransport().stop();
    this.inFlightQueue.nodeDown(id);
    this.checker.crash(id);
    this.emit({ type: 'crash', node: id });
  }

  async restart(id: NodeId): Promise<void> {
    const host = this.requireHost(id);
    if (this.removed.has(id)) throw new Error(`node ${id} was removed from the cluster: ids are never reused (add starts a new node)`);
    if (host.up || this.stopped) return;
    let storage: Storage;
    try {
      storage = await this.openStorage(id);
      this.reportRecovery(id, storage);
      this.restarts.set(id, (this.restarts.get(id) ?? 0) + 1);
      this.observeStart(id, storage);
      // A failed start leaves the node down, its files closed: restart can try again.
      await host.start(storage, this.makeTransport(id, this.ports.get(id) ?? 0));
    } catch (err) {
      const { reason, file } = restartFailureReason(err);
      this.emit({ type: 'storage-recovery', node: id, file, offset: 0, droppedBytes: 0, reason });
      throw new Error(`n${id} ${reason}`, { cause: err });
    }
    this.shareTcpPorts();
    const kept = storage.summary();
    this.emit({ type: 'restart', node: id, term: kept.term, lastIndex: kept.lastIndex });
  }

  partition(groups: NodeId[][]): void {
    for (const g of groups) for (const id of g) this.requireHost(id);
    this.filter.update({ partition: groups.map((g) => [...g]) });
    this.faultsChanged();
  }

  cut(from: NodeId, to: NodeId): void {
    this.requireHost(from);
    this.requireHost(to);
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
        hosts: this.hosts as Map<NodeId, NodeHost<unknown>>,
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
    const host = this.requireHost(id);
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
    const ids = id === undefined ? this.ids : [this.requireHost(id).id];
    for (const node of ids) this.hosts.get(node)!.compact();
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
      hosts: this.hosts as Map<NodeId, NodeHost<unknown>>,
      ports: this.ports,
      filter: this.filter,
      options: this.options,
      speed: this.pacer?.speed ?? (this.scheduler instanceof RealScheduler ? this.scheduler.speed : 1),
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
    for (const host of this.hosts.values()) await host.crash();
    this.scheduler.stop();
    this.eventListeners.clear();
    this.snapshotListeners.clear();
    await this.unlockDataDir?.();
  }

  // ---- internals --------------------------------------------------------------------------

  private makeCore(id: NodeId, stored: ReturnType<Storage['load']>) {
    const {
      electionTimeoutMs: [emin, emax],
      heartbeatMs,
      tickMs,
    } = this.options;
    const restarts = this.restarts.get(id) ?? 0;
    return createRaft({
      id,
      peers: this.bootstrap,
      electionTicks: [Math.max(2, Math.round(emin / tickMs)), Math.max(2, Math.round(emax / tickMs))],
      heartbeatTicks: Math.max(1, Math.round(heartbeatMs / tickMs)),
      // Each incarnation of a node draws fresh timeouts, still reproducibly from the seed.
      seed: (this.options.seed * 31 + id * 1009 + restarts * 7919) >>> 0,
      preVote: this.options.preVote,
      checkQuorum: this.options.checkQuorum,
      ...(this.options.maxBatchEntries !== undefined ? { maxBatchEntries: this.options.maxBatchEntries } : {}),
      // Figure 2: commitIndex is volatile — a restarted node relearns it from the leader.
      hardState: { ...stored.hardState, commit: 0 },
      entries: stored.entries,
      ...(stored.snapshot ? { snapshot: stored.snapshot } : {}),
    });
  }

  private async openStorage(id: NodeId): Promise<Storage> {
    const dir = this.options.dataDir;
    if (this.disks) return FileStorage.open(this.disks.folder(id), { fs: this.disks.fs(id) });
    if (!dir) {
      const existing = this.hosts.get(id)?.currentStorage();
      return existing ?? new MemoryStorage();
    }
    const refusal = await nodeFolderRefusal(dir, id, this.manifest!);
    if (refusal !== null) throw new NodeRefusedError(refusal);
    return FileStorage.open(nodeDir(dir, id));
  }

  /** A node refused at start-up: down, with the reason in an event (replayed to late listeners). */
  private refusedAtStart(id: NodeId, err: unknown): UnavailableStorage {
    if (!(err instanceof NodeRefusedError)) throw err;
    const event = { type: 'storage-recovery', node: id, file: '', offset: 0, droppedBytes: 0, reason: err.message } as const;
    this.startupReports.push({ ...event, at: this.scheduler.now() });
    this.emit(event);
    return new UnavailableStorage(err.message);
  }

  /** Storage recovery reports from start(), replayed to each listener that subscribes later. */
  private readonly startupReports: ClusterEvent[] = [];

  private reportRecovery(id: NodeId, storage: Storage, atStart = false): void {
    for (const r of storage.load().reports) {
      if (atStart) this.startupReports.push({ type: 'storage-recovery', node: id, ...r, at: this.scheduler.now() });
      this.emit({ type: 'storage-recovery', node: id, ...r });
    }
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
    for (const host of this.hosts.values()) host.currentTransport().setPeerPorts?.(this.ports);
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
        for (const host of this.hosts.values()) host.tick(ticks);
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

  private observe(node: NodeId, s: RaftBrief, rd: Ready): void {
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    this.checker.observe({
      node,
      at: this.scheduler.now(),
      role: s.role,
      term: s.term,
      votedFor: s.votedFor,
      commit: s.commitIndex,
      applied: lastApplied ? lastApplied.index : Math.max(s.appliedIndex, rd.snapshot?.index ?? 0),
      lastIndex: s.lastIndex,
      written: rd.entries,
      appliedEntries: rd.committedEntries,
      snapshot: rd.snapshot,
      commits: commitsOf(rd.events),
    });
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
    const core = this.hosts.get(node)?.raft();
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

  private requireHost(id: NodeId): NodeHost<KvResult> {
    const host = this.hosts.get(id);
    if (!host) throw new Error(`unknown node ${id}: this cluster has nodes ${this.rangeText()}`);
    return host;
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
