import type { Transport } from '../net/types.js';
import type {
  ConfigChange,
  Entry,
  Index,
  Message,
  NodeId,
  ProposeResult,
  RaftCore,
  RaftBrief,
  RaftEvent,
  RaftStatus,
  Ready,
  Snapshot,
  Term,
} from '../raft/types.js';
import { NOTHING } from '../raft/outbox.js';
import type { Storage, StoredState } from '../storage/types.js';
import { EntryWaiters, type RequestOutcome } from './entry-waiters.js';
import { microtask } from './promise-turn.js';
import type { VirtualScheduler } from './scheduler.js';
import { type ReadOutcome, ReadWaiters } from './read-waiters.js';

/** The replicated state machine a host applies committed entries to (src/kv in practice). */
export interface StateMachine<R = unknown> {
  apply(index: Index, data: string): R;
  /** Answers a read-only command from the applied state, without a log entry (thesis §6.4). */
  query?(command: string): R;
  reset(): void;
  /** The applied key-value contents (read by snapshots; do not mutate). */
  data(): Record<string, string>;
  /** The whole state as a string, for a snapshot of the log up to what is applied (§7). */
  snapshot(): string;
  /** Replaces the whole state with a snapshot's, as of log index `index` (§7). */
  restore(index: Index, data: string): void;
}

export type { RequestOutcome };

export interface NodeHostHooks {
  /** A Ready's events, before it is persisted; a listener may crash the node (the loop then stops). */
  onRaftEvents(id: NodeId, events: RaftEvent[]): void;
  /** A Ready's committed entries were applied; its {@link onChange} follows. */
  onApplied(id: NodeId, entries: Entry[]): void;
  /** Something changed: called at the end of every Ready (after its events and applies), after a crash, and when a start fails. */
  onChange(): void;
  /**
   * A Ready was fully handled (persisted, sent, applied, advanced): the safety checker's feed.
   * `status` is the core's brief status as of ready() — what this Ready holds; the core may have
   * moved on while the Ready was being persisted. The same objects (status and Ready) come back
   * refilled for the next Ready: copy what you keep.
   */
  onReadyHandled?(id: NodeId, status: RaftBrief, ready: Ready): void;
  /**
   * false: `onReadyHandled` gets no status (an empty stand-in), and none is taken per Ready —
   * for a listener that counts Readies but checks nothing. Default true.
   */
  readyStatus?: boolean;
  /** The node stopped itself: its storage failed, so it must not go on acknowledging. */
  onFailure(id: NodeId, message: string): void;
  /**
   * A message arrived: return a callback to hear what this node did with it (the events the
   * step caused, the status before and after), or undefined to skip the cost.
   */
  explainDelivery?(id: NodeId, m: Message): ((events: RaftEvent[], before: RaftStatus, after: RaftStatus) => void) | undefined;
  /**
   * A client's promise was just settled (an entry it waited for was applied, lost or crashed):
   * a virtual clock lets its continuation run before it moves on.
   */
  onWaitersSettled?(): void;
}

/**
 * When the Ready loop runs after an input (a message, a tick, a proposal):
 * - 'per-turn': once per event-loop turn (a microtask), so a burst of messages read from a
 *   socket in one turn becomes one Ready — one fsync, one batch of sends (real clocks, TCP);
 * - 'immediate': at once, inside the call that gave the input (the simulator: no event-loop
 *   turn per message, and every Ready happens at the virtual moment of its input);
 * - a {@link MomentTiming} (virtual clocks): an input that a timer gave (a delivery, a tick)
 *   waits behind the timers already due at that moment, so the messages that arrive together
 *   become one Ready, as a socket's burst does with 'per-turn'; any other input (a proposal, a
 *   console command) is handled at once. Either way the Ready happens at the virtual moment
 *   of its input.
 */
export type ReadyTiming = 'per-turn' | 'immediate' | MomentTiming;

/** A virtual clock as {@link ReadyTiming} sees it. */
export interface MomentTiming {
  /** A timer is firing: an input now came from it. */
  firing(): boolean;
  /** Runs `fn` at this moment, after every timer already due (a quiet zero delay). */
  post(fn: () => void): void;
}

/** A virtual clock's {@link MomentTiming}: the messages a node gets at one moment make one Ready. */
export function momentTiming(clock: VirtualScheduler): MomentTiming {
  return { firing: () => clock.firing(), post: (fn) => clock.post(fn, undefined) };
}

/**
 * What storage.save may return: nothing (stored when it returns: MemoryStorage), a Promise (a
 * file's fsync), or any then-able; the simulator's writes that land at a later virtual time are
 * then-ables that call back synchronously, so a synchronous run can wait for them.
 */
type Saving = void | PromiseLike<void>;

/**
 * One node: a Raft core with its storage, transport and state machine, running the Ready loop.
 * For each Ready, in this order: PERSIST (one storage.save — one fsync with FileStorage), then
 * SEND, then APPLY, then advance. A message never leaves before the state behind it is durable
 * (Raft §5.2 "persistent state … updated on stable storage before responding to RPCs"), and
 * the state machine never runs ahead of the node's own disk. The one exception is the thesis's
 * own (§10.2.1): a leader's AppendEntries go out while the leader writes the same entries, since
 * they depend on nothing unwritten and the leader counts its own copy toward a commit only once
 * advance() says it is durable.
 *
 * This is the only Ready loop in the project: the TCP cluster, the virtual-clock cluster, the
 * simulator behind `raft-tui check` and the chaos tests all drive NodeHosts. The loop is
 * synchronous while storage.save returns synchronously (no await, no microtask per Ready), and
 * waits for the save otherwise (the next Ready is taken only after this one is handled): the
 * same order either way.
 */
export class NodeHost<R = unknown> {
  private core: RaftCore | undefined;
  private running = false;
  private readyScheduled = false;
  /** Bumped by every crash: work started before a crash must not touch the new incarnation. */
  private generation = 0;
  private readonly waiters = new EntryWaiters<R>();
  /** ReadIndex reads (thesis §6.4) waiting for their index to be confirmed, then applied. */
  private readonly reads = new ReadWaiters<R>();
  /** The last log index the state machine holds: applied here, or restored from a snapshot. */
  private appliedIndex: Index = 0;
  /** A save is under way: the loop resumes when it lands, and takes no other Ready meanwhile. */
  private busy = false;
  /** The Ready loop is running (on this call stack). */
  private looping = false;
  /** Settles when the save under way (if any) has landed or failed. */
  private flushing: Promise<void> = Promise.resolve();
  /** The last index the node's latest snapshot covers. */
  private snapshotIndex: Index = 0;
  /**
   * §7: compact the log once this many entries are applied beyond the latest snapshot
   * (Infinity: only on request, see {@link compact}).
   */
  snapshotEvery = Number.POSITIVE_INFINITY;

  constructor(
    readonly id: NodeId,
    private storage: Storage,
    private transport: Transport,
    readonly stateMachine: StateMachine<R>,
    private readonly makeCore: (stored: ReturnType<Storage['load']>) => RaftCore,
    private readonly hooks: NodeHostHooks,
    private readonly timing: ReadyTiming = 'per-turn',
  ) {
    this.wantsStatus = hooks.onReadyHandled !== undefined && hooks.readyStatus !== false;
  }

  private readonly wantsStatus: boolean;
  /** What `onReadyHandled` gets as the status: refilled for each Ready, so listeners copy what they keep. */
  private readonly readyBrief: RaftBrief = { role: 'follower', term: 0, votedFor: null, commitIndex: 0, appliedIndex: 0, lastIndex: 0 };
  /** The Ready object the core refills for each Ready (the arrays in it are new each time): listeners keep none of it. */
  private readonly readyScratch: Ready = {
    hardState: null,
    snapshot: null,
    entries: [],
    messages: [],
    committedEntries: [],
    events: [],
    readStates: [],
    readsFailed: [],
  };

  get up(): boolean {
    return this.running;
  }

  raft(): RaftCore | undefined {
    return this.core;
  }

  currentStorage(): Storage {
    return this.storage;
  }

  currentTransport(): Transport {
    return this.transport;
  }

  /**
   * Starts (or restarts) the node from what its storage holds. If the transport cannot start
   * (its port is taken), the node is left down — no core, storage closed — so a later start can
   * try again; the error is rethrown.
   */
  async start(storage: Storage, transport: Transport): Promise<number> {
    this.boot(storage, transport);
    let port: number;
    try {
      port = await transport.start();
    } catch (err) {
      this.generation++;
      this.core = undefined;
      await transport.stop().catch(() => undefined);
      await storage.close().catch(() => undefined);
      this.hooks.onChange();
      throw err;
    }
    this.running = true;
    this.scheduleReady();
    return port;
  }

  /**
   * Starts the node at once, on a transport that is already delivering (the simulator's): the
   * synchronous twin of {@link start}.
   */
  startNow(storage: Storage, transport: Transport): void {
    this.boot(storage, transport);
    this.running = true;
    this.scheduleReady();
  }

  private boot(storage: Storage, transport: Transport): void {
    this.storage = storage;
    this.transport = transport;
    const stored = storage.load();
    this.stateMachine.reset();
    this.restoreStored(stored);
    this.core = this.makeCore(stored);
    this.busy = false;
    const generation = this.generation;
    transport.onMessage((m) => {
      if (generation !== this.generation) return;
      this.receive(m);
    });
  }

  /** Drops every volatile field; storage is kept (and closed, for files). */
  async crash(): Promise<void> {
    if (!this.running) return;
    this.crashNow();
    await this.transport.stop();
    await this.flushing;
    await this.storage.close();
    this.hooks.onChange();
  }

  /**
   * The synchronous part of {@link crash}: the core, state machine and waiting clients
   * are gone, and nothing started before now touches the next incarnation. The transport and
   * storage are left to the caller (the simulator decides what a crashed disk keeps).
   */
  crashNow(): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.core = undefined;
    this.busy = false;
    this.stateMachine.reset();
    this.waiters.failAll('crashed');
    this.reads.failAll('crashed');
    this.hooks.onWaitersSettled?.();
  }

  /** Whether a save is under way (the Ready loop waits for it). */
  get saving(): boolean {
    return this.busy;
  }

  tick(ticks: number): void {
    if (!this.core) return;
    this.core.tick(ticks);
    if (this.core.hasReady()) this.scheduleReady();
  }

  /**
   * Proposes `data`; resolves when it is applied here at the index it got (with the state
   * machine's result), or says why not.
   */
  propose(data: string):
    | {
        ok: true;
        index: Index;
        term: Term;
        applied: Promise<RequestOutcome<R>>;
      }
    | { ok: false; leader: NodeId | null; down?: boolean } {
    let settle: ((outcome: RequestOutcome<R>) => void) | undefined;
    let early: RequestOutcome<R> | undefined;
    // The entry may be applied before proposeWith returns (one node, on a virtual clock).
    const r = this.proposeWith(data, (outcome) => {
      if (settle) settle(outcome);
      else early = outcome;
    });
    if (!r.ok) return r;
    if (early) return { ok: true, index: r.index, term: r.term, applied: Promise.resolve(early) };
    const applied = new Promise<RequestOutcome<R>>((resolve) => {
      settle = resolve;
    });
    return { ok: true, index: r.index, term: r.term, applied };
  }

  /**
   * {@link propose} with a callback instead of a promise: `onOutcome` is called once, when the
   * entry is applied here at the index it got (with the state machine's result) or cannot be —
   * maybe before this returns, and from inside the Ready loop: it must not block.
   */
  proposeWith(
    data: string,
    onOutcome: (outcome: RequestOutcome<R>) => void,
  ): { ok: true; index: Index; term: Term } | { ok: false; leader: NodeId | null; down?: boolean } {
    if (!this.core || !this.running) return { ok: false, leader: null, down: true };
    const r = this.core.propose(data);
    if (!r.ok) return r;
    this.waiters.add(r.index, r.term, onOutcome);
    this.scheduleReady();
    return r;
  }

  /**
   * Thesis §6.4: answers the read-only `command` without a log entry: once the leader has
   * confirmed its read index (forwarded to it if this node follows) and this node has applied
   * that far, the state machine answers it here.
   */
  read(
    command: string,
  ): { ok: true; term: Term; answered: Promise<ReadOutcome<R>> } | { ok: false; leader: NodeId | null; down?: boolean } {
    const query = this.stateMachine.query;
    if (!query) return { ok: false, leader: null, down: true };
    return this.readWith(() => query.call(this.stateMachine, command));
  }

  /**
   * Thesis §6.4, for a state machine kept outside the host (the simulator's): `serve` runs —
   * synchronously, inside the Ready loop — once the read index is confirmed and applied here.
   */
  readWith(
    serve: () => R,
  ): { ok: true; term: Term; answered: Promise<ReadOutcome<R>> } | { ok: false; leader: NodeId | null; down?: boolean } {
    if (!this.core || !this.running) return { ok: false, leader: null, down: true };
    const id = this.reads.nextId();
    const r = this.core.readIndex(id);
    if (!r.ok) return r;
    const term = this.core.brief().term;
    const answered = this.reads.add(id, serve);
    this.scheduleReady();
    return { ok: true, term, answered };
  }

  /** Thesis §4.1: asks this node (the leader) to append a configuration change. */
  proposeConfigChange(change: ConfigChange): ProposeResult {
    if (!this.core || !this.running) return { ok: false, leader: null };
    const r = this.core.proposeConfigChange(change);
    this.scheduleReady();
    return r;
  }

  /** Thesis §3.10: asks this node (the leader) to hand leadership to `to`. */
  transferLeadership(to: NodeId): { ok: true } | { ok: false; message: string } {
    if (!this.core || !this.running) return { ok: false, message: `node ${this.id} is down` };
    const r = this.core.transferLeadership(to);
    this.scheduleReady();
    return r;
  }

  /**
   * Proposes `data` without a promise for its outcome: for callers that watch the state machine
   * themselves (the simulator's clients), where a promise per request is wasted work.
   */
  offer(data: string): ProposeResult | { ok: false; leader: NodeId | null; down: true } {
    if (!this.core || !this.running) return { ok: false, leader: null, down: true };
    const r = this.core.propose(data);
    if (r.ok) this.scheduleReady();
    return r;
  }

  private receive(m: Message): void {
    const core = this.core;
    if (!core) return;
    const explain = this.hooks.explainDelivery?.(this.id, m);
    if (explain) {
      const before = core.status();
      const events = core.stepExplained(m);
      explain(events, before, core.status());
    } else {
      core.step(m);
    }
    this.scheduleReady();
  }

  /** The election timer fires now (thesis "timeout"); false on a leader or when down. */
  campaignNow(): boolean {
    if (!this.core?.campaignNow()) return false;
    this.scheduleReady();
    return true;
  }

  /** Runs the Ready loop now, or later this turn or moment, coalescing a burst (see {@link ReadyTiming}). */
  private scheduleReady(): void {
    const timing = this.timing;
    if (timing === 'immediate' || (timing !== 'per-turn' && !timing.firing())) {
      this.runReadies();
      return;
    }
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    if (timing === 'per-turn') microtask(this.runScheduledReadies);
    else timing.post(this.runScheduledReadies);
  }

  /** The deferred loop's call: one function for every turn or moment, no closure each time. */
  private readonly runScheduledReadies = (): void => {
    this.readyScheduled = false;
    this.runReadies();
  };

  /**
   * The Ready loop: handles Readies while the core has one. Synchronous while saves are; a save
   * that returns a then-able suspends the loop until it lands, and the loop goes on from there
   * (in the then-able's callback). Inputs that arrive meanwhile are stepped into the core and
   * wait for the next Ready.
   */
  private runReadies(): void {
    if (this.busy) return; // the loop picks up what arrived meanwhile when the save lands
    // Re-entered from a hook (a listener that proposes, say): the running loop takes it next.
    if (this.looping) return;
    this.looping = true;
    const generation = this.generation;
    try {
      while (this.core && generation === this.generation && this.core.hasReady()) {
        const core = this.core;
        // One Ready object per host, refilled like the brief below (nothing keeps it).
        const rd = core.ready(this.readyScratch);
        // One object per host, refilled: a host handles one Ready at a time (see busy).
        const status = this.wantsStatus ? core.brief(this.readyBrief) : undefined;
        if (rd.events.length > 0) {
          this.hooks.onRaftEvents(this.id, rd.events);
          if (generation !== this.generation) return; // a listener crashed the node
        }
        let later: readonly Message[] = rd.messages;
        if (rd.hardState === null && rd.entries.length > 0 && rd.messages.some(isAppend)) {
          // Thesis §10.2.1: a leader's AppendEntries may leave while its own write is under way
          // (the core counts its own copy only after advance). Answers and votes still wait.
          // Most often every message is an append: send them as they are, no copies.
          const allAppends = rd.messages.every(isAppend);
          const early = allAppends ? rd.messages : rd.messages.filter(isAppend);
          this.transport.send(early);
          later = allAppends ? NOTHING : rd.messages.filter((m) => !isAppend(m));
        }
        // PERSIST before SEND and APPLY (§5.2, Figure 2).
        const saving: Saving =
          rd.hardState || rd.entries.length > 0 || rd.snapshot ? this.storage.save(rd.hardState, rd.entries, rd.snapshot) : undefined;
        if (saving) {
          this.waitForSave(saving, generation, core, rd, later, status);
          return;
        }
        this.finishReady(core, rd, later, status);
      }
    } catch (err) {
      this.fail(generation, err);
    } finally {
      this.looping = false;
    }
  }

  /**
   * Suspends the loop until `saving` lands, then finishes the Ready and goes on. Takes the
   * Ready's parts rather than a closure: one made in the loop would cost every Ready (saved
   * at once or not) a context for the variables it holds.
   */
  private waitForSave(
    saving: PromiseLike<void>,
    generation: number,
    core: RaftCore,
    rd: Ready,
    later: readonly Message[],
    status: RaftBrief | undefined,
  ): void {
    this.busy = true;
    let landed!: () => void;
    this.flushing = new Promise((r) => (landed = r));
    saving.then(
      () => {
        landed();
        if (generation !== this.generation) return; // crashed while persisting: nothing more leaves
        this.busy = false;
        try {
          this.finishReady(core, rd, later, status);
        } catch (err) {
          this.fail(generation, err);
          return;
        }
        this.runReadies();
      },
      (err: unknown) => {
        landed();
        if (generation !== this.generation) return;
        this.busy = false;
        this.fail(generation, err);
      },
    );
  }

  /** SEND, then APPLY, then advance: the rest of a Ready once it is persisted. */
  private finishReady(core: RaftCore, rd: Ready, later: readonly Message[], status: RaftBrief | undefined): void {
    if (later.length > 0) this.transport.send(later);
    if (rd.snapshot) this.snapshotStored(rd.snapshot);
    if (rd.committedEntries.length > 0) this.apply(rd.committedEntries);
    const readsAnswered = rd.readStates.length > 0 || rd.readsFailed.length > 0 || this.reads.waiting > 0;
    if (rd.readStates.length > 0 || rd.readsFailed.length > 0) this.reads.update(rd.readStates, rd.readsFailed);
    if (this.reads.waiting > 0) this.reads.serveUpTo(this.appliedIndex);
    if (readsAnswered) this.hooks.onWaitersSettled?.();
    core.advance(rd);
    this.maybeCompact(core);
    this.hooks.onReadyHandled?.(this.id, status ?? NO_STATUS, rd);
    this.hooks.onChange();
  }

  /** Storage failed: a node that cannot persist must not go on (it would send unbacked acks). */
  private fail(generation: number, err: unknown): void {
    if (generation !== this.generation) return;
    this.hooks.onFailure(this.id, err instanceof Error ? err.message : String(err));
    void this.crash();
  }

  /**
   * §7: compacts the log now, up to what is applied here, with the state machine as the
   * snapshot. False when there is nothing new to compact (or the node is down).
   */
  compact(): boolean {
    const core = this.core;
    if (!core || !this.running || this.appliedIndex <= this.snapshotIndex) return false;
    if (!core.compact(this.appliedIndex, this.stateMachine.snapshot())) return false;
    this.snapshotIndex = this.appliedIndex;
    this.scheduleReady();
    return true;
  }

  /** Compacts when `snapshotEvery` entries were applied since the latest snapshot. */
  private maybeCompact(core: RaftCore): void {
    if (this.appliedIndex - this.snapshotIndex < this.snapshotEvery) return;
    if (core.compact(this.appliedIndex, this.stateMachine.snapshot())) this.snapshotIndex = this.appliedIndex;
  }

  /** Starts the state machine from the snapshot storage kept (§7), if any. */
  private restoreStored(stored: StoredState): void {
    this.appliedIndex = 0;
    this.snapshotIndex = 0;
    if (stored.snapshot) this.restore(stored.snapshot);
  }

  /**
   * A Ready's snapshot is stored: one from the leader replaces the state machine (§7: "reset
   * state machine using snapshot contents"); one taken here is what it already holds.
   */
  private snapshotStored(snapshot: Snapshot): void {
    if (snapshot.index > this.snapshotIndex) this.snapshotIndex = snapshot.index;
    if (snapshot.index > this.appliedIndex) this.restore(snapshot);
  }

  private restore(snapshot: Snapshot): void {
    this.stateMachine.restore(snapshot.index, snapshot.data);
    this.appliedIndex = snapshot.index;
    this.snapshotIndex = snapshot.index;
    // Clients waiting for entries the snapshot covers will not see them applied here.
    this.waiters.supersededUpTo(snapshot.index);
  }

  private apply(entries: Entry[]): void {
    let settled = false;
    const waiters = this.waiters;
    for (const e of entries) {
      // Thesis §6.4: a new leader's no-op changes nothing; configuration entries (thesis §4.1)
      // are the core's business, not the state machine's.
      const result = e.type !== 'normal' ? undefined : this.stateMachine.apply(e.index, e.data);
      this.appliedIndex = e.index;
      // Same index, other term: a waiter's entry was overwritten by a later leader (§5.3).
      if (waiters.waitsUpTo(e.index) && waiters.applied(e.index, e.term, result as R)) settled = true;
    }
    this.hooks.onApplied(this.id, entries);
    if (settled) this.hooks.onWaitersSettled?.();
  }
}

function isAppend(m: Message): boolean {
  return m.type === 'AppendEntries';
}

/** What `onReadyHandled` gets when `readyStatus` is false. */
const NO_STATUS: RaftBrief = Object.freeze({}) as RaftBrief;
