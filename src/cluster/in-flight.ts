import type { Transport, TransportStats } from '../net/types.js';
import type { Rng } from '../raft/rng.js';
import type { Message, NodeId } from '../raft/types.js';
import { summarizeMessage } from './message-summary.js';
import type { Scheduler } from './scheduler.js';
import type { Timer } from './timer-queue.js';
import type { MessageView } from './types.js';

/** How long (cluster ms) a lost message stays in the snapshot, marked lost, so a person sees it go. */
export const LOST_SHOWN_MS = 500;
/** Most lost messages kept for the snapshot at once (a partition loses many). */
const MAX_LOST_SHOWN = 200;
/** Released messages whose arrival is still awaited, per link, at most (the rest are forgotten). */
const MAX_AWAITED_PER_LINK = 64;

/** What the queue needs to know about the cluster around it. */
export interface InFlightDeps {
  /** Whether the partition and cuts let `from` reach `to` now; or why not. */
  blockedBy(from: NodeId, to: NodeId): string | undefined;
  isUp(id: NodeId): boolean;
  /** Whether someone wants each arrival narrated (the cluster has event listeners). */
  narrating(): boolean;
  onChange(): void;
}

/** One message on its way. */
interface Flight {
  view: MessageView;
  message: Message;
  via: InFlightTransport;
  /**
   * Set for a message that had already crossed the real transport when time stopped: it is
   * handed straight to the receiver when released (see {@link InFlightMessages.holdArrival}).
   */
  deliver?: (message: Message) => void;
}

/** A released message whose arrival at the receiver is awaited (for narration and step). */
interface Awaited {
  view: MessageView;
  message: Message;
  resolve: (outcome: string | undefined) => void;
  arrived: Promise<string | undefined>;
}

/** What releasing one message did: handed to the transport, or lost and why. */
export type Release = { view: MessageView; lost?: string; arrival?: Promise<string | undefined> };

const linkKey = (from: NodeId, to: NodeId): number => from * 1000 + to;

/**
 * Every message sent and not yet delivered, for both transports: each node's transport is
 * wrapped (see {@link InFlightTransport}) so that a sent message waits here until its
 * `deliverAt` on the cluster's clock — now + the latency, never before an earlier message on the
 * same link (a link is in order, like TCP) — and is then handed to the real transport. While the
 * clock is held (paused), nothing is released by time: `release(id)` picks what goes next.
 * With no latency and nothing held, messages go straight through (no cost).
 */
export class InFlightMessages {
  private latencyRange: [number, number] = [0, 0];
  /** Sorted by (deliverAt, id): the first is what arrives next. */
  private flights: Flight[] = [];
  private lost: MessageView[] = [];
  private readonly lastAt = new Map<number, number>();
  private readonly awaited = new Map<number, Awaited[]>();
  private awaitedCount = 0;
  private nextId = 1;
  private timer: Timer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private held = false;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    private readonly deps: InFlightDeps,
  ) {}

  get latency(): [number, number] {
    return [this.latencyRange[0], this.latencyRange[1]];
  }

  setLatency(ms: [number, number]): void {
    const [min, max] = ms;
    if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && max >= min && max <= 60_000))
      throw new Error(`latency must be [min, max] ms with 0 <= min <= max <= 60000 (got [${min}, ${max}])`);
    this.latencyRange = [min, max];
    this.deps.onChange();
  }

  /** Wraps one node's transport so that everything it sends passes through here. */
  wrap(inner: Transport): InFlightTransport {
    return new InFlightTransport(inner, this);
  }

  /** Held: time releases nothing (the clock is paused); only release() and drop() act. */
  hold(held: boolean): void {
    this.held = held;
    if (held) this.disarm();
    else this.arm();
  }

  /** Messages in flight, in the order they will arrive (not the lost ones). */
  list(): MessageView[] {
    return this.flights.map((f) => f.view);
  }

  /** In flight, then those lost in the last LOST_SHOWN_MS (marked `lost`): what a snapshot shows. */
  shown(): MessageView[] {
    this.pruneLost();
    return this.lost.length === 0 ? this.list() : [...this.list(), ...this.lost];
  }

  /** The message `release()` without an id would deliver: the next due. */
  next(): MessageView | undefined {
    return this.flights[0]?.view;
  }

  get size(): number {
    return this.flights.length;
  }

  /** @internal The fast path: nothing to delay and nothing waiting, so send as-is. */
  passThrough(): boolean {
    return this.flights.length === 0 && this.latencyRange[1] === 0 && !this.held;
  }

  /**
   * @internal A message arrived through the real transport while time stands still: it was on
   * the wire (a socket's buffers) when the clock was paused. It waits here, due now, until a step
   * releases it — a paused cluster changes only by steps. False: deliver it as usual (not held,
   * or it is the very message a step released).
   */
  holdArrival(via: InFlightTransport, message: Message, deliver: (message: Message) => void): boolean {
    if (!this.held || this.stopped || this.isAwaited(via.id, message)) return false;
    this.enqueue(via, message, deliver);
    return true;
  }

  /** @internal Takes a sent message in flight. */
  enqueue(via: InFlightTransport, message: Message, deliver?: (message: Message) => void): void {
    const now = this.scheduler.now();
    const [min, max] = this.latencyRange;
    const key = linkKey(message.from, message.to);
    const delay = deliver || max === 0 ? 0 : max === min ? min : this.rng.int(min, max);
    const deliverAt = deliver ? now : Math.max(now + delay, this.lastAt.get(key) ?? 0);
    if (!deliver) this.lastAt.set(key, deliverAt);
    const view: MessageView = {
      id: this.nextId++,
      from: message.from,
      to: message.to,
      type: message.type,
      term: message.term,
      summary: summarizeMessage(message),
      sentAt: now,
      deliverAt,
    };
    const flight: Flight = deliver ? { view, message, via, deliver } : { view, message, via };
    // Sorted insert from the end: new messages are almost always the last to arrive.
    let i = this.flights.length;
    while (i > 0 && this.flights[i - 1]!.view.deliverAt > deliverAt) i--;
    this.flights.splice(i, 0, flight);
    this.arm();
    this.deps.onChange();
  }

  /**
   * Delivers message `id` now (the next due without one), whatever its deliverAt: hands it to
   * the real transport, or marks it lost when the network or the receiver cannot take it.
   * `awaitArrival`: return a promise of the receiver's reaction (the step's narration).
   */
  release(id?: number, awaitArrival = false): Release | undefined {
    const i = id === undefined ? 0 : this.flights.findIndex((f) => f.view.id === id);
    const flight = this.flights[i];
    if (i < 0 || !flight) return undefined;
    this.flights.splice(i, 1);
    const result = this.send(flight, awaitArrival);
    this.arm();
    this.deps.onChange();
    return result;
  }

  /** Loses message `id` on purpose (drop-msg); false if it is not in flight. */
  drop(id: number): boolean {
    const i = this.flights.findIndex((f) => f.view.id === id);
    const flight = this.flights[i];
    if (i < 0 || !flight) return false;
    this.flights.splice(i, 1);
    this.markLost(flight.view, 'dropped by hand');
    this.arm();
    this.deps.onChange();
    return true;
  }

  /** A node crashed: what it had sent is lost with its sockets; nothing will answer its arrivals. */
  nodeDown(id: NodeId): void {
    const kept: Flight[] = [];
    for (const f of this.flights) {
      if (f.view.from === id) this.markLost(f.view, `n${id} crashed`);
      else kept.push(f);
    }
    this.flights = kept;
    for (const [key, list] of this.awaited) {
      if (Math.floor(key / 1000) !== id && key % 1000 !== id) continue;
      for (const a of list) a.resolve(undefined);
      this.awaitedCount -= list.length;
      this.awaited.delete(key);
    }
    this.arm();
    this.deps.onChange();
  }

  /**
   * A message reached node `to` through the real transport: if its arrival was awaited, returns
   * the callback that records what the receiver did (and forgets the wait).
   */
  arrived(to: NodeId, m: Message): ((outcome: string) => MessageView) | undefined {
    if (this.awaitedCount === 0) return undefined;
    const list = this.awaited.get(linkKey(m.from, to));
    if (!list) return undefined;
    const i = list.findIndex((a) => sameMessage(a.message, m));
    const a = list[i];
    if (i < 0 || !a) return undefined;
    list.splice(i, 1);
    this.awaitedCount--;
    return (outcome) => {
      a.resolve(outcome);
      return a.view;
    };
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
    for (const list of this.awaited.values()) for (const a of list) a.resolve(undefined);
    this.awaited.clear();
    this.awaitedCount = 0;
  }

  private send(flight: Flight, awaitArrival: boolean): Release {
    const { view, message, via } = flight;
    const why = !this.deps.isUp(view.from)
      ? `n${view.from} is down`
      : !this.deps.isUp(view.to)
        ? `n${view.to} is down`
        : this.deps.blockedBy(view.from, view.to);
    if (why !== undefined) {
      this.markLost(view, why);
      return { view, lost: why };
    }
    const awaited = awaitArrival || this.deps.narrating() ? this.await(view, message) : undefined;
    if (flight.deliver) {
      // Already across the network: straight to the receiver.
      flight.deliver(message);
      return { view, ...(awaited ? { arrival: awaited.arrived } : {}) };
    }
    const before = lossCount(via.inner.stats());
    via.inner.send([message]);
    if (lossCount(via.inner.stats()) > before) {
      // The transport lost it: a random drop, or a peer it is not connected to.
      this.forget(view.from, view.to, awaited);
      this.markLost(view, 'lost by the network');
      return { view, lost: 'lost by the network' };
    }
    return { view, ...(awaited ? { arrival: awaited.arrived } : {}) };
  }

  /** Whether a step released `message` to `to` and waits for it (it must not be held again). */
  private isAwaited(to: NodeId, message: Message): boolean {
    if (this.awaitedCount === 0) return false;
    return this.awaited.get(linkKey(message.from, to))?.some((a) => sameMessage(a.message, message)) ?? false;
  }

  private await(view: MessageView, message: Message): Awaited {
    let resolve!: (outcome: string | undefined) => void;
    const arrived = new Promise<string | undefined>((r) => (resolve = r));
    const a: Awaited = { view, message, resolve, arrived };
    const key = linkKey(view.from, view.to);
    const list = this.awaited.get(key) ?? [];
    list.push(a);
    this.awaitedCount++;
    if (list.length > MAX_AWAITED_PER_LINK) {
      list.shift()!.resolve(undefined);
      this.awaitedCount--;
    }
    this.awaited.set(key, list);
    return a;
  }

  private forget(from: NodeId, to: NodeId, a: Awaited | undefined): void {
    if (!a) return;
    const list = this.awaited.get(linkKey(from, to));
    const i = list?.indexOf(a) ?? -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      this.awaitedCount--;
    }
    a.resolve(undefined);
  }

  private markLost(view: MessageView, reason: string): void {
    this.pruneLost();
    this.lost.push({ ...view, lost: { at: this.scheduler.now(), reason } });
    if (this.lost.length > MAX_LOST_SHOWN) this.lost.shift();
  }

  private pruneLost(): void {
    const since = this.scheduler.now() - LOST_SHOWN_MS;
    let n = 0;
    while (n < this.lost.length && this.lost[n]!.lost!.at < since) n++;
    if (n > 0) this.lost.splice(0, n);
  }

  /** One scheduler timer, for the earliest deliverAt; none while held. */
  private arm(): void {
    if (this.held || this.stopped) return;
    const first = this.flights[0];
    if (!first) return this.disarm();
    if (this.timer && this.timerAt <= first.view.deliverAt) return;
    this.disarm();
    this.timerAt = first.view.deliverAt;
    this.timer = this.scheduler.setTimer(first.view.deliverAt - this.scheduler.now(), () => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.releaseDue();
    });
  }

  private disarm(): void {
    this.scheduler.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private releaseDue(): void {
    const now = this.scheduler.now();
    while (!this.held && !this.stopped) {
      const first = this.flights[0];
      if (!first || first.view.deliverAt > now) break;
      this.flights.shift();
      this.send(first, false);
    }
    this.arm();
    this.deps.onChange();
  }
}

function lossCount(s: TransportStats): number {
  return s.filtered + (s.dropped ?? 0);
}

/** Whether `b` is the same message as `a` (it may be a copy that crossed a socket). */
function sameMessage(a: Message, b: Message): boolean {
  if (a === b) return true;
  if (a.type !== b.type || a.term !== b.term || a.from !== b.from) return false;
  switch (a.type) {
    case 'AppendEntries': {
      const o = b as typeof a;
      return a.prevLogIndex === o.prevLogIndex && a.entries.length === o.entries.length && a.leaderCommit === o.leaderCommit;
    }
    case 'AppendEntriesResponse': {
      const o = b as typeof a;
      return a.success === o.success && a.index === o.index;
    }
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return a.granted === (b as typeof a).granted;
    default:
      return true;
  }
}

/**
 * A node's transport as the node host sees it: sending goes through the cluster's
 * {@link InFlightMessages}; receiving, starting and stopping are the real transport's.
 */
export class InFlightTransport implements Transport {
  constructor(
    readonly inner: Transport,
    private readonly queue: InFlightMessages,
  ) {}

  get id(): NodeId {
    return this.inner.id;
  }

  start(): Promise<number> {
    return this.inner.start();
  }

  send(messages: readonly Message[]): void {
    if (this.queue.passThrough()) {
      this.inner.send(messages);
      return;
    }
    for (const m of messages) this.queue.enqueue(this, m);
  }

  onMessage(handler: (message: Message) => void): void {
    this.inner.onMessage((m) => {
      if (!this.queue.holdArrival(this, m, handler)) handler(m);
    });
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  stats(): TransportStats {
    return this.inner.stats();
  }

  addPeers(ids: readonly NodeId[]): void {
    this.inner.addPeers?.(ids);
  }

  setPeerPorts(ports: ReadonlyMap<NodeId, number>): void {
    this.inner.setPeerPorts?.(ports);
  }
}
