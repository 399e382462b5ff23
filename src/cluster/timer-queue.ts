/**
 * A min-heap of timers keyed by (deadline, insertion order), so timers due at the same moment
 * fire in the order they were set — part of what makes a virtual-clock run reproducible.
 */
export interface Timer {
  at: number;
  seq: number;
  /** Called with {@link arg} when the timer fires. */
  fn: (arg: unknown) => void;
  /** What `fn` is called with: lets a caller share one function among many timers (no closure each). */
  arg: unknown;
  cancelled: boolean;
  /**
   * Virtual clock: a timer of the cluster's own machinery (a tick, a delivery) that settles no
   * promise by itself, so advance() need not give promise continuations a turn after it.
   */
  quiet: boolean;
}

const NOOP = (): void => undefined;

/** Runs a timer's function. */
export function fire(t: Timer): void {
  t.fn(t.arg);
}

export class TimerQueue {
  private heap: Timer[] = [];
  /**
   * Timers added with {@link post}: due no later than anything posted after them, so already in
   * (deadline, insertion) order — a queue, not a heap — and kept as columns, not objects: a
   * cluster posts one per message it delivers. lane*[laneHead..laneTail) hold them; the slots are
   * reused once the lane empties.
   */
  private laneAt: number[] = [];
  private laneSeq: number[] = [];
  private laneFn: ((arg: unknown) => void)[] = [];
  private laneArg: unknown[] = [];
  private laneQuiet: boolean[] = [];
  private laneHead = 0;
  private laneTail = 0;
  /** What popDue returns for a posted timer: refilled each time (see {@link popDue}). */
  private readonly posted: Timer = { at: 0, seq: 0, fn: () => undefined, arg: undefined, cancelled: false, quiet: false };
  private seq = 0;

  get size(): number {
    return this.heap.length + this.laneTail - this.laneHead;
  }

  add(at: number, fn: (arg: unknown) => void, arg?: unknown, quiet = false): Timer {
    const t: Timer = { at, seq: this.seq++, fn, arg, cancelled: false, quiet };
    this.heap.push(t);
    this.up(this.heap.length - 1);
    return t;
  }

  /**
   * Adds a timer that cannot be cancelled and gives no handle, in O(1) when `at` is no earlier
   * than the last one posted (the clock's current time, as a zero delay has). It fires in the
   * same order as {@link add} would put it.
   */
  post(at: number, fn: (arg: unknown) => void, arg: unknown, quiet: boolean): void {
    const n = this.laneTail;
    if (n > this.laneHead && at < this.laneAt[n - 1]!) {
      this.add(at, fn, arg, quiet);
      return;
    }
    this.laneAt[n] = at;
    this.laneSeq[n] = this.seq++;
    this.laneFn[n] = fn;
    this.laneArg[n] = arg;
    this.laneQuiet[n] = quiet;
    this.laneTail = n + 1;
  }

  /** The earliest live timer's deadline, or undefined when none is pending. */
  peekAt(): number | undefined {
    this.dropCancelled();
    const h = this.heap[0];
    if (this.laneHead === this.laneTail) return h?.at;
    const l = this.laneAt[this.laneHead]!;
    return h !== undefined && h.at < l ? h.at : l;
  }

  /**
   * Removes and returns the earliest live timer if it is due at or before `now`. A posted
   * timer comes back in one object that the next call refills: read it before popping again.
   */
  popDue(now: number): Timer | undefined {
    this.dropCancelled();
    const h = this.heap[0];
    const i = this.laneHead;
    if (i < this.laneTail) {
      const at = this.laneAt[i]!;
      if (h === undefined || at < h.at || (at === h.at && this.laneSeq[i]! < h.seq)) {
        if (at > now) return undefined;
        const t = this.posted;
        t.at = at;
        t.seq = this.laneSeq[i]!;
        t.fn = this.laneFn[i]!;
        t.arg = this.laneArg[i];
        t.quiet = this.laneQuiet[i]!;
        this.shiftLane();
        return t;
      }
    }
    if (h === undefined || h.at > now) return undefined;
    this.pop();
    return h;
  }

  clear(): void {
    this.heap = [];
    this.laneFn = [];
    this.laneArg = [];
    this.laneHead = 0;
    this.laneTail = 0;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private shiftLane(): void {
    const i = this.laneHead++;
    // Let go of what the timer held.
    this.laneFn[i] = NOOP;
    this.laneArg[i] = undefined;
    if (this.laneHead === this.laneTail) {
      // Empty: start again at slot 0, keeping the arrays (nothing new per burst of messages).
      this.laneHead = 0;
      this.laneTail = 0;
    } else if (this.laneHead >= 1024 && this.laneHead * 2 >= this.laneTail) {
      const from = this.laneHead;
      const to = this.laneTail;
      this.laneAt = this.laneAt.slice(from, to);
      this.laneSeq = this.laneSeq.slice(from, to);
      this.laneFn = this.laneFn.slice(from, to);
      this.laneArg = this.laneArg.slice(from, to);
      this.laneQuiet = this.laneQuiet.slice(from, to);
      this.laneTail = to - from;
      this.laneHead = 0;
    }
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
