import type { ProposeOutcome, ProposeWith } from '../cluster/client.js';
import { settle } from '../cluster/promise-turn.js';
import type { ClusterManifest } from '../cluster/cluster-manifest.js';
import type { SimulatedDisks } from '../cluster/mid-write-crash.js';
import type { TornWrite } from '../cluster/node-disk.js';
import { NodeRefusedError, nodeDir, nodeFolderRefusal } from '../cluster/node-folders.js';
import { NodeHost, type NodeHostHooks, type ReadyTiming } from '../cluster/node-host.js';
import type { ResolvedOptions } from '../cluster/options.js';
import { readAttempt } from '../cluster/read-attempt.js';
import { restartFailureReason } from '../cluster/restart-failure.js';
import type { Scheduler } from '../cluster/scheduler.js';
import { commandText, downNodeStatus, hostView, upNodeStatus } from '../cluster/snapshot.js';
import type { LogEntryView, NodeStatus, NodeView } from '../cluster/types.js';
import { KvStateMachine, type KvResult } from '../kv/index.js';
import type { NetworkFaults, Transport } from '../net/types.js';
import { createRaft } from '../raft/index.js';
import type { ConfigChange, NodeId, ProposeResult, RaftCore, Term } from '../raft/types.js';
import { FileStorage } from '../storage/file-storage.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { RecoveryReport, Storage } from '../storage/types.js';
import { UnavailableStorage } from '../storage/unavailable-storage.js';
import type { NodeHosting } from './types.js';

/** What an inline node needs of the cluster that hosts it in this process. */
export interface InlineNodeEnv {
  readonly options: ResolvedOptions;
  readonly scheduler: Scheduler;
  /** ClusterOptions.disks: each node's files on its own simulated disk. */
  readonly disks: SimulatedDisks | undefined;
  /** How the Ready loop runs after an input (node-host.ts). */
  readonly timing: ReadyTiming;
  /** The NodeHost's hooks: the cluster's events, dashboard and safety checker. */
  readonly hooks: NodeHostHooks;
  /** Thesis ch. 4: the voters a node starts from before its log says otherwise. */
  bootstrap(): NodeId[];
  /** The data folder's cluster manifest (files only): which folders may start (node-folders.ts). */
  manifest(): ClusterManifest | undefined;
  /** This node's endpoint on the cluster's network (TCP or in-process), on `port` (0: any). */
  transport(id: NodeId, port: number): Transport;
  /** What storage said while opening (a cut tail, a refusal); `atStart`: before anyone listened. */
  storageReport(id: NodeId, report: RecoveryReport, atStart: boolean): void;
  /** The node starts (again) from this storage: the safety checker's starting point. */
  starting(id: NodeId, storage: Storage): void;
  /** The speed the cluster runs at (a person's election timeout is scaled by it). */
  speed(): number;
  isRemoved(id: NodeId): boolean;
}

/**
 * One node hosted inside this process (`hosting: 'inline'`): its NodeHost (the Ready loop), its
 * storage (memory, files, or a simulated disk), its transport endpoint, and what crash and
 * restart do to them. A crash drops the core and the state machine and closes the files;
 * restart opens the files again, reports what recovery found, and starts a fresh incarnation.
 */
export class InlineNode implements NodeHosting {
  readonly crashMeaning = 'crash drops the node’s memory (core, state machine, waiting clients); restart reloads it from its storage';
  /** The Ready loop; undefined until {@link prepare}. */
  private nodeHost: NodeHost<KvResult> | undefined;
  /** Where it listens (TCP), 0 until started or on the in-process network. */
  port = 0;
  /** How many times it restarted: each incarnation draws fresh, reproducible timeouts. */
  private restarts = 0;

  constructor(
    readonly id: NodeId,
    private readonly env: InlineNodeEnv,
  ) {}

  private get host(): NodeHost<KvResult> {
    return this.nodeHost!;
  }

  get up(): boolean {
    return this.nodeHost?.up === true;
  }

  // ---- inline only: the cluster in this process drives and reads the node where it runs --------

  /** The cluster's clock moves the node's logical clock (a node process keeps its own). */
  tick(ticks: number): void {
    this.host.tick(ticks);
  }

  /**
   * Its Raft core while up: narrating a commit, stepping time to the next timer, and watching a
   * membership change or a leadership transfer take effect read it here (a node process sends
   * its own events and views instead; it has no core to read).
   */
  raft(): RaftCore | undefined {
    return this.nodeHost?.raft();
  }

  /** Thesis §4.1: proposes a single-server change here (node processes cannot change membership yet). */
  proposeConfigChange(change: ConfigChange): ProposeResult {
    return this.host.proposeConfigChange(change);
  }

  /** Its endpoint on the cluster's own network (in-process or loopback TCP), for wiring peers to it. */
  get transport(): Transport {
    return this.host.currentTransport();
  }

  /** What its storage holds: the term and last index it restarts with. */
  kept(): ReturnType<Storage['summary']> {
    return this.host.currentStorage().summary();
  }

  /** Down because its folder was refused at start-up: it never started. */
  get refused(): boolean {
    return this.nodeHost?.currentStorage() instanceof UnavailableStorage;
  }

  /**
   * Opens storage and makes the host and its transport, not started yet. At start-up a member
   * whose folder was refused stays down with the reason; the others start.
   */
  async prepare(atStart: boolean): Promise<void> {
    const storage = atStart ? await this.openStorage().catch((err: unknown) => this.refusedAtStart(err)) : await this.openStorage();
    const { options } = this.env;
    const transport = this.env.transport(this.id, options.basePort ? options.basePort + this.id - 1 : 0);
    const host = new NodeHost<KvResult>(
      this.id,
      storage,
      transport,
      new KvStateMachine(),
      (stored) => this.makeCore(stored),
      this.env.hooks,
      this.env.timing,
    );
    host.snapshotEvery = options.snapshotEvery;
    this.nodeHost = host;
    if (storage instanceof UnavailableStorage) return;
    this.reportRecovery(storage, atStart);
    this.env.starting(this.id, storage);
  }

  /** Starts what {@link prepare} made (a refused node stays down). */
  async start(): Promise<void> {
    const host = this.host;
    if (this.refused) return;
    this.port = await host.start(host.currentStorage(), host.currentTransport());
  }

  /** Closes the files of a node that was prepared and never started (a later node failed). */
  async closeUnstarted(): Promise<void> {
    if (this.nodeHost && !this.nodeHost.up)
      await this.nodeHost
        .currentStorage()
        .close()
        .catch(() => undefined);
  }

  async crash(): Promise<void> {
    await this.host.crash();
    this.env.disks?.crashed(this.id);
  }

  /** A crash inside a write (crashMidWrite): the node stops now, before the write's fsync. */
  crashNow(): void {
    const host = this.host;
    host.crashNow();
    void host.currentTransport().stop();
  }

  /**
   * Simulated disks only: arms a crash in the middle of the node's next log write, and resolves
   * with what the disk kept of it (undefined if nothing was written within `timeoutMs`).
   */
  crashMidWrite(timeoutMs: number): Promise<{ torn: TornWrite | null } | undefined> {
    const disks = this.env.disks;
    if (!disks) throw new Error('a crash mid-write needs nodes on simulated disks (an example whose #! line says disk=files)');
    if (!this.up) throw new Error(`n${this.id} is down: restart ${this.id} first`);
    const { scheduler } = this.env;
    return new Promise((resolve) => {
      const timer = scheduler.setTimer(timeoutMs, () => {
        disarm();
        resolve(undefined);
      });
      const disarm = disks.arm(this.id, (torn) => {
        scheduler.clearTimer(timer);
        resolve({ torn });
      });
    });
  }

  /**
   * Back from storage on its old port. A failure leaves the node down, its files closed (restart
   * can try again): the reason is reported and thrown as `n<id> <reason>`.
   */
  async restart(): Promise<void> {
    try {
      const storage = await this.openStorage();
      this.reportRecovery(storage, false);
      this.restarts++;
      this.env.starting(this.id, storage);
      this.port = await this.host.start(storage, this.env.transport(this.id, this.port));
    } catch (err) {
      const { reason, file } = restartFailureReason(err);
      this.env.storageReport(this.id, { file, offset: 0, droppedBytes: 0, reason }, false);
      throw new Error(`n${this.id} ${reason}`, { cause: err });
    }
  }

  leaderTerm(): Term | undefined {
    const s = this.nodeHost?.raft()?.status();
    return s?.role === 'leader' ? s.term : undefined;
  }

  view(): NodeView {
    return hostView(this.host, {
      port: this.port,
      tickMs: this.env.options.tickMs,
      speed: this.env.speed(),
      removed: this.env.isRemoved(this.id),
    });
  }

  status(): NodeStatus {
    const host = this.host;
    const core = host.raft();
    if (!core) return downNodeStatus(this.id, host.currentStorage().summary(), this.env.isRemoved(this.id));
    return upNodeStatus(this.id, core.status(), this.log(), host.stateMachine.data());
  }

  log(): LogEntryView[] {
    const core = this.host.raft();
    return core ? core.log().map((e) => ({ index: e.index, term: e.term, command: commandText(e) })) : [];
  }

  /** Proposes entry data as-is; resolves with the state machine's result here, if it survived. */
  async proposeRaw(data: string): Promise<KvResult | undefined> {
    const r = this.host.propose(data);
    if (!r.ok) return undefined;
    const outcome = await r.applied;
    return outcome.applied ? outcome.result : undefined;
  }

  propose(data: string): ProposeOutcome<KvResult> {
    return this.host.propose(data);
  }

  readonly proposeWith: ProposeWith<KvResult> = (data, onOutcome) => this.host.proposeWith(data, onOutcome);

  read(command: string): ProposeOutcome<KvResult> {
    return readAttempt(this.host, command);
  }

  /** Inline nodes share the cluster's fault filter: nothing to tell each node. */
  async setFaults(_faults: NetworkFaults): Promise<void> {}

  async timeout(): Promise<string> {
    const { id, host } = this;
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

  async transferLeadership(to: NodeId): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.host.transferLeadership(to);
  }

  /** Compacts now; resolves once the Ready that saves the snapshot has had its turn. */
  async compact(): Promise<void> {
    this.host.compact();
    await settle();
  }

  async stop(): Promise<void> {
    await this.nodeHost?.crash();
  }

  private makeCore(stored: ReturnType<Storage['load']>) {
    const { options } = this.env;
    const {
      electionTimeoutMs: [emin, emax],
      heartbeatMs,
      tickMs,
    } = options;
    return createRaft({
      id: this.id,
      peers: this.env.bootstrap(),
      electionTicks: [Math.max(2, Math.round(emin / tickMs)), Math.max(2, Math.round(emax / tickMs))],
      heartbeatTicks: Math.max(1, Math.round(heartbeatMs / tickMs)),
      // Each incarnation of a node draws fresh timeouts, still reproducibly from the seed.
      seed: (options.seed * 31 + this.id * 1009 + this.restarts * 7919) >>> 0,
      preVote: options.preVote,
      checkQuorum: options.checkQuorum,
      ...(options.maxBatchEntries !== undefined ? { maxBatchEntries: options.maxBatchEntries } : {}),
      // Figure 2: commitIndex is volatile — a restarted node relearns it from the leader.
      hardState: { ...stored.hardState, commit: 0 },
      entries: stored.entries,
      ...(stored.snapshot ? { snapshot: stored.snapshot } : {}),
    });
  }

  private async openStorage(): Promise<Storage> {
    const { disks, options } = this.env;
    const dir = options.dataDir;
    if (disks) return FileStorage.open(disks.folder(this.id), { fs: disks.fs(this.id) });
    // In memory: the same storage survives crash and restart (not the process).
    if (!dir) return this.nodeHost?.currentStorage() ?? new MemoryStorage();
    const refusal = await nodeFolderRefusal(dir, this.id, this.env.manifest()!);
    if (refusal !== null) throw new NodeRefusedError(refusal);
    return FileStorage.open(nodeDir(dir, this.id));
  }

  /** A node refused at start-up: down, with the reason reported. */
  private refusedAtStart(err: unknown): UnavailableStorage {
    if (!(err instanceof NodeRefusedError)) throw err;
    this.env.storageReport(this.id, { file: '', offset: 0, droppedBytes: 0, reason: err.message }, true);
    return new UnavailableStorage(err.message);
  }

  private reportRecovery(storage: Storage, atStart: boolean): void {
    for (const r of storage.load().reports) this.env.storageReport(this.id, r, atStart);
  }
}
