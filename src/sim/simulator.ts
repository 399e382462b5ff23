import type { InvariantChecker } from '../check/invariants.js';
import { commitsOf } from '../check/commit-observations.js';
import type { Violation } from '../check/observation.js';
import { NodeHost, type StateMachine } from '../cluster/node-host.js';
import { fire, TimerQueue } from '../cluster/timer-queue.js';
import { MemoryNetwork, type MemoryNetworkStats } from '../net/memory-network.js';
import type { NetworkFaults } from '../net/types.js';
import { createRaft } from '../raft/index.js';
import type {
  ConfigChange,
  Entry,
  Index,
  Message,
  MessageType,
  NodeId,
  ProposeResult,
  RaftBugs,
  RaftConfig,
  RaftCore,
  RaftBrief,
  RaftEvent,
  RaftStatus,
  Ready,
  Snapshot,
  Role,
} from '../raft/types.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Storage } from '../storage/types.js';
import { createRng, type Rng } from '../raft/rng.js';
import { CrashFs, type CrashFsStats } from './crash-fs.js';
import { deriveSeed } from './derive-seed.js';
import { RecordingStateMachine } from './recording-state-machine.js';
import { SimDisk } from './sim-disk.js';
import { SimTransport } from './sim-transport.js';
import { TraceHash } from './trace-hash.js';
import type { DurableRecord, SimBugs, SimEvent, SimNodeStatus, SimStateMachine, SimulatorOptions } from './types.js';

/** One simulated node: its host (running the Ready loop), its disk, its network end and its clock. */
interface SimNode {
  readonly id: NodeId;
  readonly host: NodeHost<unknown>;
  readonly disk: SimDisk;
  /** Files mode: the node's crash-honest file system, and the FileStorage opened on it last. */
  readonly fs: CrashFs | null;
  files: FileStorage | null;
  /** Files mode: set while its storage is being opened (recovered); a crash clears it. */
  opening: object | null;
  readonly transport: SimTransport;
  /** The current incarnation's state machine; null while down. */
  stateMachine: SimStateMachine | null;
  applied: number;
  /** Ticks handed to the core so far, counted on this node's tick grid from time 0. */
  ticks: number;
  /** When the core's next timer fires, in virtual ms; Infinity while down. */
  timerAt: number;
  /** Where this node's tick grid sits: its ticks fall at phase + k × tickMs. */
  readonly phase: number;
  /** Starts so far; seeds each incarnation's core differently but reproducibly. */
  incarnation: number;
  /** Whether it leads (kept from the core's role events: cheaper than asking its status). */
  leading: boolean;
}

/**
 * What the host applies to: nothing — the simulator applies through the node's SimStateMachine
 * (noops included) — but snapshots are taken from and restored into that one (§7).
 */
function snapshotting(sm: SimStateMachine | null): Required<SimStateMachine> {
  if (sm?.snapshot === undefined || sm.restore === undefined)
    throw new Error('this state machine cannot take snapshots: give it snapshot() and restore(), or leave snapshotEvery unset');
  return sm as Required<SimStateMachine>;
}

function bridgeTo(node: () => SimNode): StateMachine {
  return {
    apply: () => undefined,
    reset: () => undefined,
    data: () => ({}),
    snapshot: () => snapshotting(node().stateMachine).snapshot(),
    restore: (index, data) => {
      const n = node();
      snapshotting(n.stateMachine).restore(index, data);
      n.applied = index;
    },
  };
}

const MESSAGE_CODE: Record<MessageType, number> = {
  RequestVote: 1,
  RequestVoteResponse: 2,
  PreVote: 3,
  PreVoteResponse: 4,
  AppendEntries: 5,
  AppendEntriesResponse: 6,
  InstallSnapshot: 7,
  InstallSnapshotResponse: 8,
  TimeoutNow: 9,
  ReadIndex: 10,
  ReadIndexResponse: 11,
};

/** Trace record kinds folded into the trace hash. */
const enum Trace {
  Deliver = 1,
  Tick = 2,
  Propose = 3,
  Ready = 4,
  Fault = 5,
  Crash = 6,
  Restart = 7,
  Read = 8,
  Transfer = 9,
  Join = 10,
  Retire = 11,
  ConfigChange = 12,
}

/**
 * The deterministic simulator: N {@link NodeHost}s — the same hosts, Ready loop and storage
 * class a memory cluster runs — on a {@link MemoryNetwork} in virtual time (ms). Nothing waits:
 * the loop jumps straight to the earliest of the next delivery, the next node timer and the next
 * scheduled action, and each host runs its Ready loop synchronously inside the step that gave it
 * work ('immediate' timing): PERSIST, SEND, APPLY, advance. A node's one timer is recomputed
 * from `ticksUntilNextEvent()` after every activity. The same seed replays the same run, bit for
 * bit.
 */
export class Simulator {
  /**
   * The nodes in the run, lowest first: the first `nodes`, then each one added since (ids are
   * never reused); a node retired for good leaves this list. Updated in place.
   */
  readonly ids: NodeId[];
  /** Thesis §4.1: the configuration every node starts from when its log and snapshot hold none. */
  readonly bootstrap: readonly NodeId[];
  readonly network: MemoryNetwork;
  readonly tickMs: number;
  private readonly nodes: SimNode[];
  private time = 0;
  private readonly seed: number;
  private readonly electionTicks: [number, number];
  private readonly heartbeatTicks: number;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly bugs: SimBugs;
  /** Thesis §10.2.1: how long a leader's own log write takes while its AppendEntries fly. */
  private readonly leaderWriteMs: number;
  private readonly coreBugs: RaftBugs;
  private readonly makeStateMachine: (node: NodeId) => SimStateMachine;
  private readonly makeCore: (config: RaftConfig) => RaftCore;
  private readonly coreOptions: SimulatorOptions['coreOptions'];
  private readonly checker: InvariantChecker | undefined;
  /** Files mode: fsync latency range (virtual ms), and the rng that draws it and the crashes. */
  private readonly files: { fsyncMs: [number, number]; rng: Rng } | null;
  /** Files mode: why opening a node's files failed, if it ever did (a storage bug, or a model too harsh). */
  readonly openFailures: string[] = [];
  private readonly listeners: ((e: SimEvent) => void)[] = [];
  /** Scheduled actions in (time, order scheduled): a heap, as thousands wait at once in a check run. */
  private readonly actions = new TimerQueue();
  private readonly trace = new TraceHash();
  private readonly counters = {
    steps: 0,
    readies: 0,
    lostToDown: 0,
    proposals: 0,
    reads: 0,
    accepted: 0,
    highestApplied: 0,
    elections: 0,
    lostWrites: 0,
    storageFailures: 0,
    snapshotsTaken: 0,
    snapshotsInstalled: 0,
  };
  /** Snapshot writes so far: what varies how long the next one takes. */
  private snapshotWrites = 0;
  private readonly snapshotEvery: number;

  constructor(options: SimulatorOptions = {}) {
    const n = options.nodes ?? 5;
    if (!Number.isInteger(n) || n < 1 || n > 9) throw new RangeError(`nodes must be 1..9, got ${n}`);
    this.ids = Array.from({ length: n }, (_, i) => i + 1);
    this.bootstrap = [...this.ids];
    this.seed = options.seed ?? 1;
    this.tickMs = options.tickMs ?? 10;
    if (!(this.tickMs >= 1)) throw new RangeError(`tickMs must be ≥ 1, got ${this.tickMs}`);
    const [emin, emax] = options.electionTimeoutMs ?? [150, 300];
    const toTicks = (ms: number): number => Math.max(1, Math.round(ms / this.tickMs));
    this.electionTicks = [toTicks(emin), Math.max(toTicks(emin), toTicks(emax))];
    this.heartbeatTicks = toTicks(options.heartbeatMs ?? 50);
    this.preVote = options.preVote ?? true;
    this.checkQuorum = options.checkQuorum ?? true;
    this.bugs = options.bugs ?? {};
    // The core gets only its own switches; unpersistedVote is the disk's.
    this.coreBugs = {
      commitOldTermByCounting: this.bugs.commitOldTermByCounting,
      skipElectionRestriction: this.bugs.skipElectionRestriction,
      applyBeforeCommit: this.bugs.applyBeforeCommit,
      skipReadQuorum: this.bugs.skipReadQuorum,
      countLearners: this.bugs.countLearners,
    };
    this.leaderWriteMs = options.leaderWriteMs ?? 0;
    this.snapshotEvery = options.snapshotEvery ?? Number.POSITIVE_INFINITY;
    if (!(this.snapshotEvery >= 1)) throw new RangeError(`snapshotEvery must be ≥ 1, got ${this.snapshotEvery}`);
    if (!(this.leaderWriteMs >= 0)) throw new RangeError(`leaderWriteMs must be ≥ 0, got ${this.leaderWriteMs}`);
    this.makeStateMachine = options.stateMachine ?? (() => new RecordingStateMachine());
    this.makeCore = options.createCore ?? createRaft;
    this.coreOptions = options.coreOptions;
    this.checker = options.checker;
    this.network = new MemoryNetwork({ seed: deriveSeed(this.seed, 0), latencyMs: options.latencyMs ?? [1, 5] });
    this.files = options.files ? { fsyncMs: options.files.fsyncMs ?? [1, 4], rng: createRng(deriveSeed(this.seed, 5)) } : null;
    this.nodes = this.ids.map((id) => this.makeNode(id));
    for (const node of this.nodes) this.start(node);
  }

  /** Virtual time in ms since the start. */
  get now(): number {
    return this.time;
  }

  /** A hex hash of everything the run did so far: equal hashes, equal runs. */
  traceHash(): string {
    return this.trace.hex();
  }

  /** Subscribes to the run's events; returns the unsubscribe function. */
  onEvent(listener: (e: SimEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Proposes a command to one node now (§5.3); a node that is down or not leading says no. */
  propose(id: NodeId, data: string): ProposeResult {
    const node = this.node(id);
    this.counters.proposals++;
    if (!node.host.up) return { ok: false, leader: null };
    const r = this.activity(node, () => node.host.offer(data));
    const result: ProposeResult = r === undefined || !r.ok ? { ok: false, leader: r?.leader ?? null } : r;
    this.trace.add(Trace.Propose);
    this.trace.add(id);
    this.trace.add(result.ok ? result.index : -1);
    if (result.ok) this.counters.accepted++;
    return result;
  }

  /**
   * Thesis §6.4: a read without a log entry on one node. `serve` runs once that node has the
   * read index confirmed (by the leader, forwarded if it follows) and applied; a refusal says
   * who leads. A read that fails later (leadership lost) is simply never served.
   */
  read(id: NodeId, serve: () => void): { ok: true } | { ok: false; leader: NodeId | null } {
    const node = this.node(id);
    this.counters.reads++;
    if (!node.host.up) return { ok: false, leader: null };
    const r = this.activity(node, () => node.host.readWith(serve));
    this.trace.add(Trace.Read);
    this.trace.add(id);
    this.trace.add(r?.ok ? 1 : 0);
    if (r === undefined || !r.ok) return { ok: false, leader: r?.leader ?? null };
    return { ok: true };
  }

  /** Thesis §3.10: asks node `from` (if it leads) to hand leadership to `to`. */
  transfer(from: NodeId, to: NodeId): void {
    const node = this.node(from);
    if (!node.host.up) return;
    this.activity(node, () => node.host.transferLeadership(to));
    this.trace.add(Trace.Transfer);
    this.trace.add(from * 256 + to);
  }

  /** Among nodes that are up: the leader of the highest term, if any. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const n of this.nodes) {
      const core = n.host.raft();
      if (!core) continue;
      const s = core.status();
      if (s.role === 'leader' && (best === undefined || s.term > best.term)) best = { id: n.id, term: s.term };
    }
    return best?.id;
  }

  /**
   * Crashes a node: its core and every volatile field are gone, messages in flight to it are
   * lost, a write under way never lands; what its disk stored stays. A node already down is
   * left alone.
   */
  crash(id: NodeId): void {
    const node = this.node(id);
    if (node.opening) {
      // Down already, recovering its files: the machine stops again, mid-recovery.
      node.opening = null;
      node.fs?.crash();
      return;
    }
    if (!node.host.up) return;
    node.host.crashNow();
    node.fs?.crash();
    node.stateMachine = null;
    node.timerAt = Infinity;
    node.applied = 0;
    if (node.disk.crash()) this.counters.lostWrites++;
    this.counters.lostToDown += this.network.dropTo(id);
    this.trace.add(Trace.Crash);
    this.trace.add(id);
    this.checker?.crash(id);
    this.emit({ at: this.time, node: id, type: 'crash' });
  }

  /**
   * Restarts a crashed node from its disk only: hard state (commit 0) and entries, with a fresh
   * state machine. A node that is up is left alone.
   */
  restart(id: NodeId): void {
    const node = this.node(id);
    if (node.host.up || node.opening || !this.ids.includes(id)) return;
    this.trace.add(Trace.Restart);
    this.trace.add(id);
    if (node.fs) {
      this.start(node); // what its files kept is known once they are opened
      return;
    }
    const { hardState, entries, snapshot } = node.disk.load();
    const { term, votedFor } = hardState;
    if (this.checker) {
      const found = this.checker.restart({ node: id, at: this.time, term, votedFor, entries, snapshot });
      this.report(id, found);
    }
    this.emit({ at: this.time, node: id, type: 'restart', term, lastIndex: (snapshot?.index ?? 0) + entries.length });
    this.start(node);
  }

  /** Nodes in different groups cannot talk; replaces any earlier partition; a node not named is alone. */
  partition(groups: NodeId[][]): void {
    for (const g of groups) for (const id of g) this.node(id);
    this.network.filter.update({ partition: groups.map((g) => [...g]) });
    this.traceFault();
  }

  /** One-way cut: messages from `from` to `to` are lost until heal(). */
  cut(from: NodeId, to: NodeId): void {
    this.node(from);
    this.node(to);
    this.network.filter.update({ cuts: [...this.network.filter.faults.cuts, { from, to }] });
    this.traceFault();
  }

  /**
   * Replaces the partition and every one-way cut at once (a node not named in a group is alone);
   * drop / duplicate / delay stay as they are.
   */
  setLinks(partition: readonly (readonly NodeId[])[] | null, cuts: readonly { from: NodeId; to: NodeId }[]): void {
    for (const g of partition ?? []) for (const id of g) this.node(id);
    for (const c of cuts) {
      this.node(c.from);
      this.node(c.to);
    }
    this.network.filter.update({
      partition: partition ? partition.map((g) => [...g]) : null,
      cuts: cuts.map((c) => ({ from: c.from, to: c.to })),
    });
    this.traceFault();
  }

  /** All links up, all faults off. */
  heal(): void {
    this.network.filter.set({ partition: null, cuts: [], dropRate: 0, duplicateRate: 0, delayMs: null });
    this.traceFault();
  }

  /** Sets random loss, duplication and extra delay (on top of the base latency). */
  setNetwork(faults: { dropRate?: number; duplicateRate?: number; delayMs?: [number, number] | null }): void {
    const change: Partial<NetworkFaults> = {};
    if (faults.dropRate !== undefined) change.dropRate = faults.dropRate;
    if (faults.duplicateRate !== undefined) change.duplicateRate = faults.duplicateRate;
    if (faults.delayMs !== undefined) change.delayMs = faults.delayMs;
    this.network.filter.update(change);
    this.traceFault();
  }

  /** Runs `fn` at virtual time `atMs` (or now, if that has passed), after earlier actions. */
  schedule(atMs: number, fn: (sim: Simulator) => void): void {
    this.actions.add(atMs, () => fn(this));
  }

  /** Runs for `ms` of virtual time. */
  runFor(ms: number): void {
    this.run(this.time + ms);
  }

  /**
   * Runs until `predicate` holds (checked before the first step and after each one) or `maxMs`
   * of virtual time pass. Returns whether it holds; `now` is when it first did.
   */
  runUntil(predicate: (sim: Simulator) => boolean, maxMs: number): boolean {
    return this.run(this.time + maxMs, predicate);
  }

  /** Whether a node is waiting for a write to reach its disk (a save in flight, or recovery). */
  isWriting(id: NodeId): boolean {
    const node = this.node(id);
    return node.host.saving || node.opening !== null;
  }

  isUp(id: NodeId): boolean {
    return this.node(id).host.up;
  }

  /** A node's role, or null while it is down. */
  roleOf(id: NodeId): Role | null {
    return this.node(id).host.raft()?.status().role ?? null;
  }

  /** A node's commit index (0 while down: it is volatile). */
  commitIndex(id: NodeId): Index {
    return this.node(id).host.raft()?.status().commitIndex ?? 0;
  }

  /**
   * The entry at `index` in a node's log (its stored log while down); undefined when it has
   * none there, or its snapshot covers that index (§7).
   */
  entryAt(id: NodeId, index: Index): Entry | undefined {
    const base = this.snapshotIndex(id);
    if (index <= base) return undefined;
    const node = this.node(id);
    const core = node.host.raft();
    return (core ? core.log() : this.kept(node).load().entries)[index - base - 1];
  }

  /** The last index a node's latest snapshot covers (its stored one while down); 0 without one. */
  snapshotIndex(id: NodeId): Index {
    const node = this.node(id);
    const core = node.host.raft();
    return core ? core.status().snapshotIndex : this.kept(node).summary().snapshotIndex;
  }

  /** Every node in the run (retired ones aside) as the simulator sees it. */
  status(): SimNodeStatus[] {
    return this.ids.map((id) => this.nodeStatus(this.node(id)));
  }

  /** The state machine of a node's current incarnation, or null while it is down. */
  stateMachine(id: NodeId): SimStateMachine | null {
    return this.node(id).stateMachine;
  }

  /** What a node's stable storage holds right now (a copy). */
  durable(id: NodeId): Readonly<DurableRecord> {
    const { hardState, entries } = this.kept(this.node(id)).load();
    return { hardState, entries };
  }

  /**
   * Counters of the run: events processed (steps), Readies handled, copies lost to a node that
   * was down, proposals made and accepted, the highest index any node has applied, and
   * elections won (a node becoming leader).
   */
  stats(): {
    network: MemoryNetworkStats;
    steps: number;
    readies: number;
    lostToDown: number;
    proposals: number;
    /** ReadIndex reads asked of nodes (thesis §6.4). */
    reads: number;
    accepted: number;
    highestApplied: number;
    elections: number;
    /** Leader writes cut short by a crash (leaderWriteMs > 0): entries sent but never stored. */
    lostWrites: number;
    /** Nodes that stopped themselves because their storage refused or failed a save. */
    storageFailures: number;
    /** §7: snapshots nodes took themselves, and snapshots installed from a leader. */
    snapshotsTaken: number;
    snapshotsInstalled: number;
    /** Snapshot writes a crash cut short. */
    cutSnapshots: number;
  } {
    let cutSnapshots = 0;
    for (const n of this.nodes) cutSnapshots += n.disk.cutSnapshots;
    return { network: this.network.stats(), ...this.counters, cutSnapshots };
  }

  private node(id: NodeId): SimNode {
    const node = this.nodes[id - 1];
    if (node === undefined || node.id !== id) throw new RangeError(`unknown node ${id}: this cluster has nodes 1-${this.nodes.length}`);
    return node;
  }

  /**
   * Thesis §4.2.1: starts a new node with an empty log and the next unused id. It is in no
   * configuration yet: it campaigns for nothing and waits for a leader to add it as a learner
   * (see SimMembership). At most 9 nodes run at once.
   */
  addNode(): NodeId {
    if (this.ids.length >= 9) throw new RangeError('at most 9 nodes run at once: retire one first');
    const id = this.nodes.length + 1;
    const node = this.makeNode(id);
    this.nodes.push(node);
    this.ids.push(id);
    this.trace.add(Trace.Join);
    this.trace.add(id);
    this.emit({ at: this.time, node: id, type: 'join' });
    this.start(node);
    return id;
  }

  /**
   * Thesis §4.2.2: stops a node removed from the configuration for good: it crashes (if up),
   * never restarts, and leaves `ids`. Its id is not used again.
   */
  retire(id: NodeId): void {
    const node = this.node(id);
    const at = this.ids.indexOf(id);
    if (at < 0) return;
    this.crash(id);
    this.ids.splice(at, 1);
    this.trace.add(Trace.Retire);
    this.trace.add(id);
    this.emit({ at: this.time, node: id, type: 'retire' });
    node.timerAt = Infinity;
  }

  /** Whether a node was retired for good (see {@link retire}). */
  isRetired(id: NodeId): boolean {
    this.node(id);
    return !this.ids.includes(id);
  }

  /** Thesis §4.1: asks node `id` (if it leads) to append a one-server configuration change. */
  proposeConfigChange(id: NodeId, change: ConfigChange): ProposeResult {
    const node = this.node(id);
    if (!node.host.up) return { ok: false, leader: null };
    const r = this.activity(node, () => node.host.proposeConfigChange(change)) ?? { ok: false, leader: null };
    this.trace.add(Trace.ConfigChange);
    this.trace.add(id);
    this.trace.add(r.ok ? r.index : -1);
    return r;
  }

  /** A node's full status from its core, or undefined while it is down. */
  raftStatus(id: NodeId): RaftStatus | undefined {
    return this.node(id).host.raft()?.status();
  }

  private makeNode(id: NodeId): SimNode {
    const transport = new SimTransport(id, this.network, () => this.time);
    let node!: SimNode;
    const disk = new SimDisk({
      // Thesis §10.2.1: only a leader's write of new entries takes time (its AppendEntries fly meanwhile).
      writeMs: () => (node.leading ? this.leaderWriteMs : 0),
      later: (ms, fn) =>
        this.schedule(this.time + ms, () => {
          fn();
          // Whatever waited behind the write ran; the node's timer may have moved.
          if (node.host.up) this.activity(node, () => undefined);
        }),
      lagHardState: this.bugs.unpersistedVote === true,
      // §7: a snapshot takes a few ms to store, so crashes land in the middle of some.
      snapshotWriteMs: () => 10 + 10 * (this.snapshotWrites++ % 4),
    });
    const fs = this.files
      ? new CrashFs({
          rng: createRng(deriveSeed(this.seed, 6, id)),
          later: (done) => {
            const [lo, hi] = this.files!.fsyncMs;
            this.schedule(this.time + this.files!.rng.int(lo, hi), done);
          },
        })
      : null;
    const host = new NodeHost<unknown>(
      id,
      disk,
      transport,
      bridgeTo(() => node),
      (stored) => this.coreFor(node, stored),
      {
        onRaftEvents: (_, events) => this.raftEvents(node, events),
        onApplied: (_, entries) => this.applied(node, entries),
        onChange: () => undefined,
        onReadyHandled: (_, status, rd) => this.readyHandled(node, status, rd),
        readyStatus: this.checker !== undefined,
        onFailure: () => {
          // A save was refused (a bug switch can make the core ask for the impossible): the
          // host stops the node, as a real one would; the simulator books it as a crash.
          this.counters.storageFailures++;
          this.crash(id);
        },
      },
      'immediate',
    );
    host.snapshotEvery = this.snapshotEvery;
    node = {
      id,
      host,
      disk,
      fs,
      files: null,
      opening: null,
      transport,
      stateMachine: null,
      applied: 0,
      ticks: 0,
      timerAt: Infinity,
      phase: deriveSeed(this.seed, 2, id) % this.tickMs,
      incarnation: 0,
      leading: false,
    };
    return node;
  }

  /** The storage a node last ran on (files mode: as it knew it before its crash). */
  private kept(node: SimNode): Storage {
    return node.files ?? node.disk;
  }

  private coreFor(node: SimNode, stored: ReturnType<SimDisk['load']>): RaftCore {
    const { term, votedFor } = stored.hardState;
    return this.makeCore({
      id: node.id,
      // Thesis §4.1: the configuration in force comes from the log or snapshot; a node added
      // later starts empty, outside this one, and learns the real one from its leader.
      peers: [...this.bootstrap],
      electionTicks: this.electionTicks,
      heartbeatTicks: this.heartbeatTicks,
      seed: deriveSeed(this.seed, 1, node.id, node.incarnation),
      preVote: this.preVote,
      checkQuorum: this.checkQuorum,
      ...this.coreOptions,
      // Commit is not trusted from storage: the node relearns it (Figure 2 keeps it volatile).
      hardState: { term, votedFor, commit: 0 },
      entries: stored.entries,
      ...(stored.snapshot && { snapshot: stored.snapshot }),
      bugs: this.coreBugs,
    });
  }

  private start(node: SimNode): void {
    node.incarnation++;
    if (node.fs) {
      this.openFiles(node, node.fs);
      return;
    }
    this.boot(node, node.disk);
  }

  private boot(node: SimNode, storage: Storage): void {
    node.stateMachine = this.makeStateMachine(node.id);
    node.applied = 0; // the host restores a stored snapshot into it as it starts (bridgeTo)
    node.leading = false;
    node.ticks = this.tickNumber(node, this.time);
    node.host.startNow(storage, node.transport);
    this.activity(node, () => undefined);
  }

  /**
   * Files mode: recovers the node's FileStorage from its crash-honest file system (this takes
   * virtual time: recovery fsyncs too), then starts its host on it, telling the checker what the
   * files kept. A crash meanwhile abandons the attempt.
   */
  private openFiles(node: SimNode, fs: CrashFs): void {
    const token = {};
    node.opening = token;
    // The hard-state file's commit refresh runs on the wall clock; off here, so runs replay.
    FileStorage.open(`/n${node.id}`, { fs, hardStateRefreshMs: Infinity }).then(
      (storage) => {
        if (node.opening !== token) return;
        node.opening = null;
        node.files = storage;
        const { hardState, entries, snapshot } = storage.load();
        if (node.incarnation > 1) {
          if (this.checker) {
            const found = this.checker.restart({
              node: node.id,
              at: this.time,
              term: hardState.term,
              votedFor: hardState.votedFor,
              entries,
              snapshot,
            });
            this.report(node.id, found);
          }
          const lastIndex = (snapshot?.index ?? 0) + entries.length;
          this.emit({ at: this.time, node: node.id, type: 'restart', term: hardState.term, lastIndex });
        }
        this.boot(node, storage);
      },
      (err: unknown) => {
        if (node.opening !== token) return;
        node.opening = null;
        this.openFailures.push(`n${node.id} at ${this.time} ms: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  /** Files mode: whether some host or recovery is waiting on work that needs no virtual time. */
  private filesBusy(): boolean {
    for (const n of this.nodes) if (n.opening || n.host.saving) return true;
    return false;
  }

  /** What crashes did to unsynced writes on every node's file system (files mode; zeros otherwise). */
  fileCrashStats(): CrashFsStats {
    const total: CrashFsStats = { crashes: 0, lostWrites: 0, tornWrites: 0, reordered: 0, lostNames: 0, keptWrites: 0 };
    for (const n of this.nodes) {
      if (!n.fs) continue;
      for (const k of Object.keys(total) as (keyof CrashFsStats)[]) total[k] += n.fs.stats[k];
    }
    return total;
  }

  /**
   * Files mode's {@link runUntil}: between steps, lets the file system's promise chains (a
   * save's write, a recovery's reads) run as far as they go without virtual time — one
   * event-loop turn, only while some node is waiting on its files.
   */
  async runUntilAsync(predicate: (sim: Simulator) => boolean, maxMs: number): Promise<boolean> {
    const end = this.time + maxMs;
    for (;;) {
      if (this.files && this.filesBusy()) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        // A save that landed let its host go on: its timer may have moved.
        for (const n of this.nodes) {
          const core = n.host.raft();
          if (core) n.timerAt = n.phase + (n.ticks + core.ticksUntilNextEvent()) * this.tickMs;
        }
      }
      const done = this.step(end, predicate);
      if (done !== undefined) return done;
    }
  }

  /** Files mode's {@link runFor}. */
  async runForAsync(ms: number): Promise<void> {
    await this.runUntilAsync(() => false, ms);
  }

  /** The loop: jump to the earliest action, delivery or timer until `end` or the predicate holds. */
  private run(end: number, predicate?: (sim: Simulator) => boolean): boolean {
    if (this.files) throw new Error('a simulator on files runs asynchronously: use runUntilAsync / runForAsync');
    for (;;) {
      const done = this.step(end, predicate);
      if (done !== undefined) return done;
    }
  }

  /** One step of the loop; returns whether the predicate held, or undefined to go on. */
  private step(end: number, predicate?: (sim: Simulator) => boolean): boolean | undefined {
    {
      if (predicate?.(this)) return true;
      const firstAction = this.actions.peekAt();
      const actionAt = firstAction === undefined ? Infinity : Math.max(firstAction, this.time);
      const deliveryAt = this.network.nextDeliveryAt();
      let timerNode: SimNode | undefined;
      let timerAt = Infinity;
      for (const n of this.nodes) {
        if (n.timerAt < timerAt) {
          timerAt = n.timerAt;
          timerNode = n;
        }
      }
      const next = Math.min(actionAt, deliveryAt, timerAt);
      if (next > end) {
        if (end > this.time) this.time = end;
        return false;
      }
      if (next > this.time) this.time = next;
      this.counters.steps++;
      if (actionAt <= next) {
        fire(this.actions.popDue(Infinity)!);
      } else if (deliveryAt <= next) {
        const m = this.network.popDue(this.time);
        if (m !== undefined) this.deliver(m);
      } else if (timerNode !== undefined) {
        this.activity(timerNode, () => undefined);
      }
      return undefined;
    }
  }

  private deliver(m: Message): void {
    const node = this.nodes[m.to - 1];
    if (node === undefined || !node.host.up) {
      this.counters.lostToDown++;
      return;
    }
    const t = this.trace;
    t.add(this.time);
    // Kind, sender, receiver and message type in one integer (ids below 256: never reused, they grow).
    t.add((Trace.Deliver << 24) | (m.from << 16) | (m.to << 8) | MESSAGE_CODE[m.type]);
    t.add(m.term);
    this.activity(node, () => node.transport.deliver(m));
  }

  /**
   * One activity of a node at the current time: hand its host the ticks that passed, do `fn`
   * (each runs the host's Ready loop at once), and recompute when its timer next fires.
   * Returns `fn`'s result, or undefined if the node went down before it could run.
   */
  private activity<R>(node: SimNode, fn: () => R): R | undefined {
    const host = node.host;
    const core = host.raft();
    if (!core) return undefined;
    let due = this.tickNumber(node, this.time) - node.ticks;
    while (due > 0 && host.raft() === core) {
      // Never more ticks in one call than until the next timer: each firing happens on time.
      const k = Math.min(due, core.ticksUntilNextEvent());
      node.ticks += k;
      due -= k;
      this.trace.add(Trace.Tick);
      this.trace.add(k);
      host.tick(k);
    }
    // An event listener may have crashed the node meanwhile: its timer is then already off.
    if (host.raft() !== core) return undefined;
    const result = fn();
    if (host.raft() === core) node.timerAt = node.phase + (node.ticks + core.ticksUntilNextEvent()) * this.tickMs;
    return result;
  }

  private raftEvents(node: SimNode, events: RaftEvent[]): void {
    for (const event of events) {
      if (event.kind !== 'role') continue;
      node.leading = event.role === 'leader';
      if (node.leading) this.counters.elections++;
    }
    if (this.listeners.length > 0) {
      for (const event of events) this.emit({ at: this.time, node: node.id, type: 'raft', event });
    }
  }

  private applied(node: SimNode, entries: Entry[]): void {
    const sm = node.stateMachine;
    if (!sm) return;
    for (const e of entries) sm.apply(e);
    node.applied = entries[entries.length - 1]!.index;
    if (node.applied > this.counters.highestApplied) this.counters.highestApplied = node.applied;
  }

  /** A Ready was persisted, sent, applied and advanced: fold it into the trace and show the checker. */
  private readyHandled(node: SimNode, status: RaftBrief, rd: Ready): void {
    this.counters.readies++;
    const t = this.trace;
    t.add((Trace.Ready << 8) | node.id);
    if (rd.hardState) {
      t.add(rd.hardState.term);
      t.add(rd.hardState.votedFor ?? 0);
    }
    t.add((rd.entries.length * 4096 + rd.messages.length) * 4096 + rd.committedEntries.length);
    if (rd.snapshot) {
      t.add(rd.snapshot.index);
      for (const e of rd.events) {
        if (e.kind === 'snapshot-taken') this.counters.snapshotsTaken++;
        else if (e.kind === 'snapshot-received' && e.installed) this.counters.snapshotsInstalled++;
      }
    }
    if (this.checker) this.observe(node, status, rd.entries, rd.committedEntries, rd.snapshot, rd.events);
  }

  private observe(
    node: SimNode,
    s: RaftBrief,
    written: Entry[],
    appliedEntries: Entry[],
    snapshot: Snapshot | null,
    events: readonly RaftEvent[],
  ): void {
    const found = this.checker!.observe({
      node: node.id,
      at: this.time,
      role: s.role,
      term: s.term,
      votedFor: s.votedFor,
      commit: s.commitIndex,
      applied: node.applied,
      lastIndex: s.lastIndex,
      written,
      appliedEntries,
      snapshot,
      commits: commitsOf(events),
    });
    this.report(node.id, found);
  }

  private report(node: NodeId, found: readonly Violation[]): void {
    if (this.listeners.length === 0) return;
    for (const violation of found) this.emit({ at: this.time, node, type: 'violation', violation });
  }

  private tickNumber(node: SimNode, at: number): number {
    return Math.floor((at - node.phase) / this.tickMs);
  }

  private nodeStatus(n: SimNode): SimNodeStatus {
    const core = n.host.raft();
    if (!core) {
      const { hardState: hs, entries, snapshot } = this.kept(n).load();
      return {
        id: n.id,
        up: false,
        role: 'follower',
        term: hs.term,
        votedFor: hs.votedFor,
        leader: null,
        commit: 0,
        applied: 0,
        lastIndex: (snapshot?.index ?? 0) + entries.length,
        log: entries,
      };
    }
    const s = core.status();
    return {
      id: n.id,
      up: true,
      role: s.role,
      term: s.term,
      votedFor: s.votedFor,
      leader: s.leader,
      commit: s.commitIndex,
      applied: n.applied,
      lastIndex: s.lastIndex,
      log: core.log(),
    };
  }

  private traceFault(): void {
    const f = this.network.filter.faults;
    this.trace.add(Trace.Fault);
    this.trace.add(this.time);
    this.trace.addString(JSON.stringify(f));
  }

  private emit(e: SimEvent): void {
    for (const l of this.listeners) l(e);
  }
}
