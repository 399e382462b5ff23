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

/** Runs a timer's function. */
export function fire(t: Timer): void {
  t.fn(t.arg);
}

export class TimerQueue {
  private heap: Timer[] = [];
  /**
   * Timers added with {@link addNow}: due no later than anything added after them, so they are
   * already in (deadline, insertion) order — a queue, not a heap (a message sent with no delay).
   */
  private lane: Timer[] = [];
  private laneHead = 0;
  private seq = 0;

  get size(): number {
    return this.heap.length + this.lane.length - this.laneHead;
  }

  add(at: number, fn: (arg: unknown) => void, arg?: unknown, quiet = false): Timer {
    const t: Timer = { at, seq: this.seq++, fn, arg, cancelled: false, quiet };
    this.heap.push(t);
    this.up(this.heap.length - 1);
    return t;
  }

  /**
   * Like {@link add}, for a deadline no earlier than any timer's already added (the clock's
   * current time, as a zero delay has): O(1). Fires in the same order as {@link add} would.
   */
  addNow(at: number, fn: (arg: unknown) => void, arg?: unknown, quiet = false): Timer {
    const last = this.lane[this.lane.length - 1];
    if (last !== undefined && at < last.at) return this.add(at, fn, arg, quiet);
    const t: Timer = { at, seq: this.seq++, fn, arg, cancelled: false, quiet };
    this.lane.push(t);
    return t;
  }

  /** The earliest live timer's deadline, or undefined when none is pending. */
  peekAt(): number | undefined {
    return this.first()?.at;
  }

  /** Removes and returns the earliest live timer if it is due at or before `now`. */
  popDue(now: number): Timer | undefined {
    const top = this.first();
    if (!top || top.at > now) return undefined;
    if (top === this.heap[0]) this.pop();
    else this.shiftLane();
    return top;
  }

  clear(): void {
    this.heap = [];
    this.lane = [];
    this.laneHead = 0;
  }

  /** The earliest live timer of the heap and the lane (cancelled ones are dropped on the way). */
  private first(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    while (this.laneHead < this.lane.length && this.lane[this.laneHead]!.cancelled) this.shiftLane();
    const h = this.heap[0];
    const l = this.lane[this.laneHead];
    if (l === undefined) return h;
    if (h === undefined) return l;
    return this.less(h, l) ? h : l;
  }

  private shiftLane(): void {
    this.lane[this.laneHead++] = undefined as unknown as Timer;
    if (this.laneHead === this.lane.length) {
      this.lane.length = 0;
      this.laneHead = 0;
    } else if (this.laneHead >= 1024 && this.laneHead * 2 >= this.lane.length) {
      this.lane = this.lane.slice(this.laneHead);
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
