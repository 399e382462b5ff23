import { createRng, type Rng } from '../raft/rng.js';
import type { Message, NodeId } from '../raft/types.js';
import { FaultFilter } from './fault-filter.js';

/** Why a message did not arrive. */
export type LossReason = 'partition' | 'cut' | 'drop' | 'down';

/** Counters of a {@link MemoryNetwork} since it was made. */
export interface MemoryNetworkStats {
  /** Messages handed to `send`. */
  sent: number;
  /** Copies handed out by `popDue`. */
  delivered: number;
  /** Extra copies made by the duplicate rate. */
  duplicated: number;
  /** Messages (or copies) that never arrived, by reason. */
  filtered: Record<LossReason, number>;
  /** Copies waiting for their delivery time. */
  pending: number;
}

export interface MemoryNetworkOptions {
  /** Seeds every drop / duplicate / delay choice. */
  seed: number;
  /** The fault filter to ask; a fresh one (no faults) by default. */
  filter?: FaultFilter;
  /**
   * Base latency in ms added to every copy, drawn uniformly from [min, max]; default [0, 0].
   * The fault filter's delay range comes on top of it.
   */
  latencyMs?: [number, number];
}

/** One copy of a message in flight. */
interface Delivery {
  deliverAt: number;
  /** Send order: breaks ties between equal delivery times, so runs are deterministic. */
  seq: number;
  message: Message;
}

/**
 * The simulator's network in virtual time: `send` asks the shared {@link FaultFilter} what
 * happens to a message and queues 0, 1 or 2 copies for `now + delay`; `popDue` hands them out in
 * (delivery time, send order). Random delays reorder messages; equal times keep send order.
 * Messages are not copied: they are immutable by convention.
 */
export class MemoryNetwork {
  readonly filter: FaultFilter;
  private readonly rng: Rng;
  private readonly latency: [number, number];
  private readonly heap: Delivery[] = [];
  private seq = 0;
  private readonly counters = {
    sent: 0,
    delivered: 0,
    duplicated: 0,
    filtered: { partition: 0, cut: 0, drop: 0, down: 0 } as Record<LossReason, number>,
  };

  constructor(options: MemoryNetworkOptions) {
    this.rng = createRng(options.seed);
    this.filter = options.filter ?? new FaultFilter();
    this.latency = options.latencyMs ?? [0, 0];
  }

  /** Routes one message sent at `now`; returns how many copies were queued (0, 1 or 2). */
  send(message: Message, now: number): number {
    this.counters.sent++;
    const [lo, hi] = this.latency;
    const f = this.filter.faults;
    if (f.partition === null && f.cuts.length === 0 && f.dropRate === 0 && f.duplicateRate === 0 && f.delayMs === null) {
      // No faults: one copy, no draw from the fault rng (the filter would draw none either).
      this.push({ deliverAt: now + (lo === hi ? lo : this.rng.int(lo, hi)), seq: this.seq++, message });
      return 1;
    }
    const route = this.filter.route(message.from, message.to, this.rng);
    if (route.delays.length === 0) {
      this.counters.filtered[route.reason ?? 'drop']++;
      return 0;
    }
    if (route.delays.length > 1) this.counters.duplicated += route.delays.length - 1;
    for (const delay of route.delays) {
      const base = lo === hi ? lo : this.rng.int(lo, hi);
      this.push({ deliverAt: now + base + delay, seq: this.seq++, message });
    }
    return route.delays.length;
  }

  /** When the next copy is due, or Infinity when nothing is in flight. */
  nextDeliveryAt(): number {
    return this.heap[0]?.deliverAt ?? Infinity;
  }

  /**
   * The next copy due at or before `now`, or undefined. A copy whose link was cut while it was in
   * flight (a partition or cut made after it was sent) is lost, as on a real wire.
   */
  popDue(now: number): Message | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.deliverAt > now) return undefined;
      this.pop();
      const { from, to } = top.message;
      if (!this.filter.canReach(from, to)) {
        this.counters.filtered[this.separated(from, to) ? 'partition' : 'cut']++;
        continue;
      }
      this.counters.delivered++;
      return top.message;
    }
  }

  /** Forgets every copy in flight to `id` (its connections died with it); returns how many. */
  dropTo(id: NodeId): number {
    const kept = this.heap.filter((d) => d.message.to !== id);
    const lost = this.heap.length - kept.length;
    if (lost === 0) return 0;
    this.counters.filtered.down += lost;
    this.heap.length = 0;
    for (const d of kept) this.push(d);
    return lost;
  }

  /** Copies in flight. */
  pending(): number {
    return this.heap.length;
  }

  stats(): MemoryNetworkStats {
    const c = this.counters;
    return {
      sent: c.sent,
      delivered: c.delivered,
      duplicated: c.duplicated,
      filtered: { ...c.filtered },
      pending: this.heap.length,
    };
  }

  /** Whether the partition (rather than a one-way cut) is what keeps `from` from `to`. */
  private separated(from: NodeId, to: NodeId): boolean {
    if (this.filter.faults.partition === null) return false;
    const a = this.filter.groupNumber(from);
    // A node not named in any group is alone.
    return a === null || a !== this.filter.groupNumber(to);
  }

  // A binary min-heap keyed by (deliverAt, seq).

  private static before(a: Delivery, b: Delivery): boolean {
    return a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.seq < b.seq);
  }

  private push(d: Delivery): void {
    const h = this.heap;
    let i = h.length;
    h.push(d);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!MemoryNetwork.before(d, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = d;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && MemoryNetwork.before(h[r]!, h[l]!)) c = r;
      if (!MemoryNetwork.before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
