import type { Scheduler } from './scheduler.js';
import type { Timer } from './timer-queue.js';

export interface FifoTimer {
  at: number;
  fn: () => void;
  /** Neighbours in the queue (null at its ends, and once it fired or was cancelled). */
  prev: FifoTimer | null;
  next: FifoTimer | null;
  /** Whether it is still in the queue. */
  queued: boolean;
  /** Set when this one fell back to a scheduler timer (it would have broken the FIFO order). */
  fallback?: Timer;
}

/**
 * Timers that mostly expire in the order they were set — a client's attempt timeouts all have
 * the same length. A queue with one scheduler timer for its head makes each O(1), where the
 * scheduler's heap costs O(log n) per timer with thousands of requests outstanding. A timer
 * that would expire before the queue's tail falls back to the scheduler.
 *
 * The queue is a doubly linked list, so a cancelled timer leaves it at once: most are cancelled
 * within a millisecond, and one kept until its deadline would keep its callback (and the request
 * behind it) alive long enough for the garbage collector to copy and promote it.
 */
export class FifoTimers {
  private first: FifoTimer | null = null;
  private last: FifoTimer | null = null;
  private armed: Timer | undefined;
  /** Timers that fell back to the scheduler, for {@link fireAll} (few: only out-of-order ones). */
  private readonly fallbacks = new Set<FifoTimer>();

  constructor(private readonly scheduler: Scheduler) {}

  add(delayMs: number, fn: () => void): FifoTimer {
    const at = this.scheduler.now() + Math.max(0, delayMs);
    const t: FifoTimer = { at, fn, prev: null, next: null, queued: false };
    const tail = this.last;
    if (tail !== null && at < tail.at) {
      t.fallback = this.scheduler.setTimer(delayMs, () => {
        this.fallbacks.delete(t);
        fn();
      });
      this.fallbacks.add(t);
      return t;
    }
    t.prev = tail;
    t.queued = true;
    if (tail === null) this.first = t;
    else tail.next = t;
    this.last = t;
    if (this.armed === undefined) this.arm();
    return t;
  }

  cancel(t: FifoTimer): void {
    if (t.fallback) {
      this.scheduler.clearTimer(t.fallback);
      this.fallbacks.delete(t);
    }
    if (!t.queued) return;
    this.unlink(t);
    // The scheduler timer stays armed for the old head: re-arming costs more than a wasted wake-up.
  }

  /** Fires every timer still pending, now, in order (its owner is shutting down). */
  fireAll(): void {
    for (let t = this.first; t !== null; t = this.first) {
      this.unlink(t);
      t.fn();
    }
    for (const t of [...this.fallbacks]) {
      this.cancel(t);
      t.fn();
    }
  }

  private unlink(t: FifoTimer): void {
    t.queued = false;
    if (t.prev === null) this.first = t.next;
    else t.prev.next = t.next;
    if (t.next === null) this.last = t.prev;
    else t.next.prev = t.prev;
    t.prev = null;
    t.next = null;
  }

  /** One scheduler timer for the first timer in the queue. */
  private arm(): void {
    const first = this.first;
    if (first === null) return;
    // Quiet: most heads are cancelled by the time they fire; fire() asks for a settle itself.
    this.armed = this.scheduler.setTimer(first.at - this.scheduler.now(), () => this.fire(), true);
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.scheduler.now();
    let fired = false;
    for (let t = this.first; t !== null && t.at <= now; t = this.first) {
      this.unlink(t);
      fired = true;
      t.fn();
    }
    // A timer's callback settles its waiter's promise: let the continuation run at this moment.
    if (fired) this.scheduler.requestSettle?.();
    if (this.armed === undefined) this.arm();
  }
}
