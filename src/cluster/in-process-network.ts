import type { FaultFilter } from '../net/fault-filter.js';
import type { Transport, TransportStats } from '../net/types.js';
import type { Rng } from '../raft/rng.js';
import type { Message, NodeId } from '../raft/types.js';
import type { Scheduler } from './scheduler.js';

/**
 * The `transport: 'memory'` network: messages pass between node hosts in this process through
 * the cluster's scheduler (so on the virtual clock every delivery is a timed, ordered event) and
 * through the same FaultFilter as TCP. No copies are made: messages are immutable by convention.
 */
export class InProcessNetwork {
  private endpoints = new Map<NodeId, InProcessTransport>();

  constructor(
    readonly filter: FaultFilter,
    private readonly rng: Rng,
    private readonly scheduler: Scheduler,
  ) {}

  transport(id: NodeId): InProcessTransport {
    return new InProcessTransport(id, this);
  }

  /** @internal */
  attach(t: InProcessTransport): void {
    this.endpoints.set(t.id, t);
  }

  /** @internal */
  detach(t: InProcessTransport): void {
    if (this.endpoints.get(t.id) === t) this.endpoints.delete(t.id);
  }

  /** @internal */
  route(from: InProcessTransport, m: Message): void {
    // No faults: one copy, no delay, nothing drawn — skip building a route per message.
    if (this.filter.clear) {
      this.scheduler.post(from.arrive, m);
      return;
    }
    const route = this.filter.route(m.from, m.to, this.rng);
    if (route.delays.length === 0) {
      from.counters.filtered++;
      return;
    }
    // A delivery is quiet: the host says when it settles a promise.
    for (const delay of route.delays) this.scheduler.setTimerWith(delay, from.arrive, m, true);
  }

  /** @internal */
  arrive(from: InProcessTransport, m: Message): void {
    // Checked again on arrival: a partition made while the message was in flight stops it.
    if (!this.filter.canReach(m.from, m.to)) {
      from.counters.filtered++;
      return;
    }
    this.endpoints.get(m.to)?.deliver(m);
  }

  isAttached(id: NodeId): boolean {
    return this.endpoints.has(id);
  }
}

export class InProcessTransport implements Transport {
  readonly counters: TransportStats = { sent: 0, received: 0, filtered: 0, badInput: {}, connectedPeers: [] };
  private handler: ((m: Message) => void) | undefined;
  private started = false;
  /** A message this transport sent reaches the network's far end: one function for all its deliveries. */
  readonly arrive = (m: Message): void => this.net.arrive(this, m);

  constructor(
    readonly id: NodeId,
    private readonly net: InProcessNetwork,
  ) {}

  async start(): Promise<number> {
    this.started = true;
    this.net.attach(this);
    return 0;
  }

  send(messages: readonly Message[]): void {
    if (!this.started) return;
    for (const m of messages) {
      this.counters.sent++;
      this.net.route(this, m);
    }
  }

  onMessage(handler: (message: Message) => void): void {
    this.handler = handler;
  }

  /** @internal */
  deliver(m: Message): void {
    if (!this.started) return;
    this.counters.received++;
    this.handler?.(m);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.net.detach(this);
  }

  stats(): TransportStats {
    return this.counters;
  }
}
