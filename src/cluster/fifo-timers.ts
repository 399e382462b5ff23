import type { Scheduler } from './scheduler.js';
import type { Timer } from './timer-queue.js';

export interface FifoTimer {
  at: number;
  fn: () => void;
  cancelled: boolean;
  /** Set when this one fell back to a scheduler timer (it would have broken the FIFO order). */
  fallback?: Timer;
}

/**
 * Timers that mostly expire in the order they were set — a client's attempt timeouts all have
 * the same length. A plain queue with one scheduler timer for its head makes each O(1), where
 * the scheduler's heap costs O(log n) per timer with thousands of requests outstanding. A timer
 * that would expire before the queue's tail falls back to the scheduler.
 */
export class FifoTimers {
  private queue: FifoTimer[] = [];
  private head = 0;
  private armed: Timer | undefined;

  constructor(private readonly scheduler: Scheduler) {}

  add(delayMs: number, fn: () => void): FifoTimer {
    const at = this.scheduler.now() + Math.max(0, delayMs);
    const t: FifoTimer = { at, fn, cancelled: false };
    const tail = this.queue[this.queue.length - 1];
    if (this.queue.length > this.head && tail !== undefined && at < tail.at) {
      t.fallback = this.scheduler.setTimer(delayMs, fn);
      return t;
    }
    this.queue.push(t);
    if (this.armed === undefined) this.arm();
    return t;
  }

  cancel(t: FifoTimer): void {
    t.cancelled = true;
    if (t.fallback) this.scheduler.clearTimer(t.fallback);
  }

  /** One scheduler timer for the first live timer (those cancelled before it need none). */
  private arm(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.cancelled) this.head++;
    const first = this.queue[this.head];
    if (first === undefined) return;
    // Quiet: most heads were cancelled by the time they fire; fire() asks for a settle itself.
    this.armed = this.scheduler.setTimer(first.at - this.scheduler.now(), () => this.fire(), true);
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.scheduler.now();
    let fired = false;
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now) {
      const t = this.queue[this.head++]!;
      if (t.cancelled) continue;
      fired = true;
      t.fn();
    }
    // A timer's callback settles its waiter's promise: let the continuation run at this moment.
    if (fired) this.scheduler.requestSettle?.();
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    this.arm();
  }
}
