import type { Scheduler } from './scheduler.js';
import type { Timer } from './timer-queue.js';

interface Waiter {
  holds: () => boolean;
  resolve: (held: boolean) => void;
  timer: Timer;
}

/**
 * Conditions on the cluster's state that someone waits for ("node 3 leads"): checked after
 * every change the cluster sees (each handled Ready, each event), not by polling, so a wait
 * ends in the same turn as the change that ends it — and a measured duration is exact.
 */
export class ChangeWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly scheduler: Scheduler) {}

  /** Resolves true as soon as `holds()` is true, or false after `timeoutMs` of cluster time. */
  until(holds: () => boolean, timeoutMs: number): Promise<boolean> {
    if (holds()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        holds,
        resolve,
        timer: this.scheduler.setTimer(timeoutMs, () => {
          this.waiters.delete(w);
          resolve(false);
        }),
      };
      this.waiters.add(w);
    });
  }

  /** Something changed: ends every wait whose condition now holds. */
  check(): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) {
      if (!w.holds()) continue;
      this.waiters.delete(w);
      this.scheduler.clearTimer(w.timer);
      w.resolve(true);
      // The change may come inside a quiet timer (a delivery): the waiter resumes at its moment.
      this.scheduler.requestSettle?.();
    }
  }

  /** The cluster stopped: every wait ends, unmet. */
  close(): void {
    for (const w of this.waiters) {
      this.scheduler.clearTimer(w.timer);
      w.resolve(false);
    }
    this.waiters.clear();
  }
}
