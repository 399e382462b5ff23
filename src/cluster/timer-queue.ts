/**
 * A min-heap of timers keyed by (deadline, insertion order), so timers due at the same moment
 * fire in the order they were set — part of what makes a virtual-clock run reproducible.
 */
export interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
  /**
   * Virtual clock: a timer of the cluster's own machinery (a tick, a delivery) that settles no
   * promise by itself, so advance() need not give promise continuations a turn after it.
   */
  quiet?: boolean;
}

export class TimerQueue {
  private heap: Timer[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, fn: () => void): Timer {
    const t: Timer = { at, seq: this.seq++, fn, cancelled: false };
    this.heap.push(t);
    this.up(this.heap.length - 1);
    return t;
  }

  /** The earliest live timer's deadline, or undefined when none is pending. */
  peekAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Removes and returns the earliest live timer if it is due at or before `now`. */
  popDue(now: number): Timer | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top || top.at > now) return undefined;
    this.pop();
    return top;
  }

  clear(): void {
    this.heap = [];
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  // Sift with a hole, not swaps: no temporary arrays on a path taken per timer.
  private up(i: number): void {
    const h = this.heap;
    const t = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!this.less(t, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = t;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const t = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      const child = h[c]!;
      if (!this.less(child, t)) break;
      h[i] = child;
      i = c;
    }
    h[i] = t;
  }
}
