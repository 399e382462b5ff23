import type { Transport } from '../net/types.js';
import type { Entry, Index, Message, NodeId, RaftCore, RaftEvent, RaftStatus, Ready, Term } from '../raft/types.js';
import type { Storage } from '../storage/types.js';
import { ReadWaiters } from './read-waiters.js';

/** The replicated state machine a host applies committed entries to (src/kv in practice). */
export interface StateMachine<R = unknown> {
  apply(index: Index, data: string): R;
  /** Answers a read-only command from the applied state, without a log entry (thesis §6.4). */
  query?(command: string): R;
  reset(): void;
  /** The applied key-value contents (read by snapshots; do not mutate). */
  data(): Record<string, string>;
}

/** What became of a request: its result here, or why it has none. */
export type RequestOutcome<R> = { applied: true; result: R } | { applied: false; reason: 'superseded' | 'crashed' };

/** A client request waiting for its entry to be applied on this host. */
interface Waiter<R> {
  term: Term;
  resolve: (outcome: RequestOutcome<R>) => void;
}

export interface NodeHostHooks {
  onRaftEvents(id: NodeId, events: RaftEvent[]): void;
  onApplied(id: NodeId, entries: Entry[]): void;
  onChange(): void;
  /**
   * A Ready was fully handled (persisted, sent, applied, advanced): the safety checker's feed.
   * `status` is the core's as of ready() — what this Ready holds; the core may have moved on
   * while the Ready was being persisted.
   */
  onReadyHandled?(id: NodeId, status: RaftStatus, ready: Ready): void;
  /** The node stopped itself: its storage failed, so it must not go on acknowledging. */
  onFailure(id: NodeId, message: string): void;
  /**
   * A message arrived: return a callback to hear what this node did with it (the events the
   * step caused, the status before and after), or undefined to skip the cost.
   */
  explainDelivery?(id: NodeId, m: Message): ((events: RaftEvent[], before: RaftStatus, after: RaftStatus) => void) | undefined;
}

/**
 * One node: a Raft core with its storage, transport and state machine, running the Ready loop.
 * For each Ready, in this order: PERSIST (one storage.save — one fsync with FileStorage), then
 * SEND, then APPLY, then advance. A message never leaves before the state behind it is durable
 * (Raft §5.2 "persistent state … updated on stable storage before responding to RPCs"). The
 * one exception is the thesis's own (§10.2.1): a leader's AppendEntries go out while the leader
 * writes the same entries, since they depend on nothing unwritten and the leader counts its own
 * copy toward a commit only once advance() says it is durable.
 */
export class NodeHost<R = unknown> {
  private core: RaftCore | undefined;
  private running = false;
  private readyScheduled = false;
  /** Bumped by every crash: work started before a crash must not touch the new incarnation. */
  private generation = 0;
  private waiters = new Map<Index, Waiter<R>[]>();
  /** ReadIndex reads (thesis §6.4) waiting for their index to be confirmed, then applied. */
  private readonly reads = new ReadWaiters<R>();
  /** The last index applied to the state machine by this incarnation. */
  private appliedIndex: Index = 0;

  constructor(
    readonly id: NodeId,
    private storage: Storage,
    private transport: Transport,
    readonly stateMachine: StateMachine<R>,
    private readonly makeCore: (stored: ReturnType<Storage['load']>) => RaftCore,
    private readonly hooks: NodeHostHooks,
  ) {}

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
    this.storage = storage;
    this.transport = transport;
    const stored = storage.load();
    this.stateMachine.reset();
    this.appliedIndex = 0;
    this.core = this.makeCore(stored);
    const generation = this.generation;
    transport.onMessage((m) => {
      if (generation !== this.generation) return;
      this.receive(m);
    });
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

  /** Drops every volatile field; storage is kept (and closed, for files). */
  async crash(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.core = undefined;
    this.stateMachine.reset();
    for (const list of this.waiters.values()) for (const w of list) w.resolve({ applied: false, reason: 'crashed' });
    this.waiters.clear();
    this.reads.failAll('crashed');
    await this.transport.stop();
    await this.flushing;
    await this.storage.close();
    this.hooks.onChange();
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
        applied: Promise<{ applied: true; result: R } | { applied: false; reason: 'superseded' | 'crashed' }>;
      }
    | { ok: false; leader: NodeId | null; down?: boolean } {
    if (!this.core || !this.running) return { ok: false, leader: null, down: true };
    const r = this.core.propose(data);
    if (!r.ok) return r;
    const applied = new Promise<Parameters<Waiter<R>['resolve']>[0]>((resolve) => {
      const list = this.waiters.get(r.index);
      const w = { term: r.term, resolve };
      if (list) list.push(w);
      else this.waiters.set(r.index, [w]);
    });
    this.scheduleReady();
    return { ok: true, index: r.index, term: r.term, applied };
  }

  /**
   * Thesis §6.4: answers the read-only `command` without a log entry: once the leader has
   * confirmed its read index (forwarded to it if this node follows) and this node has applied
   * that far, the state machine answers it here.
   */
  read(
    command: string,
  ):
    | { ok: true; term: Term; answered: Promise<{ index: Index; outcome: RequestOutcome<R> }> }
    | { ok: false; leader: NodeId | null; down?: boolean } {
    const query = this.stateMachine.query;
    if (!this.core || !this.running || !query) return { ok: false, leader: null, down: true };
    const id = this.reads.nextId();
    const r = this.core.readIndex(id);
    if (!r.ok) return r;
    const term = this.core.status().term;
    const answered = this.reads.add(id, () => query.call(this.stateMachine, command));
    this.scheduleReady();
    return { ok: true, term, answered };
  }

  /** Thesis §3.10: asks this node (the leader) to hand leadership to `to`. */
  transferLeadership(to: NodeId): { ok: true } | { ok: false; message: string } {
    if (!this.core || !this.running) return { ok: false, message: `node ${this.id} is down` };
    const r = this.core.transferLeadership(to);
    this.scheduleReady();
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

  /** Coalesces Ready processing to once per turn, so a burst of messages becomes one batch. */
  private scheduleReady(): void {
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    queueMicrotask(() => {
      this.readyScheduled = false;
      void this.processReady();
    });
  }

  private flushing: Promise<void> = Promise.resolve();
  private busy = false;

  private async processReady(): Promise<void> {
    if (this.busy) return; // the running loop picks up what arrived meanwhile
    this.busy = true;
    const generation = this.generation;
    let done!: () => void;
    this.flushing = new Promise((r) => (done = r));
    try {
      while (this.core && generation === this.generation && this.core.hasReady()) {
        const core = this.core;
        const rd = core.ready();
        const status = this.hooks.onReadyHandled ? core.status() : undefined;
        if (rd.events.length > 0) this.hooks.onRaftEvents(this.id, rd.events);
        let later = rd.messages;
        if (rd.hardState === null && rd.entries.length > 0) {
          // Thesis §10.2.1: a leader's AppendEntries may leave while its own write is under way
          // (the core counts its own copy only after advance). Answers and votes still wait.
          const early = rd.messages.filter((m) => m.type === 'AppendEntries');
          if (early.length > 0) {
            this.transport.send(early);
            later = early.length === rd.messages.length ? [] : rd.messages.filter((m) => m.type !== 'AppendEntries');
          }
        }
        if (rd.hardState || rd.entries.length > 0) {
          const saving = this.storage.save(rd.hardState, rd.entries);
          if (saving) await saving;
          if (generation !== this.generation) return; // crashed while persisting: nothing more leaves
        }
        if (later.length > 0) this.transport.send(later);
        if (rd.committedEntries.length > 0) this.apply(rd.committedEntries);
        if (rd.readStates.length > 0 || rd.readsFailed.length > 0) this.reads.update(rd.readStates, rd.readsFailed);
        if (this.reads.waiting > 0) this.reads.serveUpTo(this.appliedIndex);
        core.advance(rd);
        if (status) this.hooks.onReadyHandled?.(this.id, status, rd);
        this.hooks.onChange();
      }
    } catch (err) {
      // Storage failed: a node that cannot persist must not go on (it would send unbacked acks).
      this.hooks.onFailure(this.id, err instanceof Error ? err.message : String(err));
      void this.crash();
    } finally {
      this.busy = false;
      done();
    }
  }

  private apply(entries: Entry[]): void {
    for (const e of entries) {
      // Thesis §6.4: a new leader's no-op changes nothing in the state machine.
      const result = e.type === 'noop' ? undefined : this.stateMachine.apply(e.index, e.data);
      this.appliedIndex = e.index;
      const list = this.waiters.get(e.index);
      if (!list) continue;
      this.waiters.delete(e.index);
      for (const w of list) {
        // Same index, other term: our entry was overwritten by a later leader (§5.3).
        w.resolve(w.term === e.term ? { applied: true, result: result as R } : { applied: false, reason: 'superseded' });
      }
    }
    this.hooks.onApplied(this.id, entries);
  }
}
