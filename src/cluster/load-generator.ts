import type { Rng } from '../raft/rng.js';
import type { Scheduler } from './scheduler.js';
import type { Timer } from './timer-queue.js';

/** The built-in client load (`load <n>/s`): random SETs on eight keys, at a steady rate. */
export class LoadGenerator {
  private perSecond = 0;
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    private readonly submit: (command: string) => void,
  ) {}

  /** Requests per second now (0: off). */
  get rate(): number {
    return this.perSecond;
  }

  set(perSecond: number): void {
    if (!(Number.isFinite(perSecond) && perSecond >= 0)) throw new Error(`load must be 0 or more per second (got ${perSecond})`);
    this.perSecond = perSecond;
    this.scheduler.clearTimer(this.timer);
    this.timer = undefined;
    if (perSecond > 0) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.clearTimer(this.timer);
  }

  private schedule(): void {
    if (this.perSecond <= 0 || this.stopped) return;
    this.timer = this.scheduler.setTimer(1000 / this.perSecond, () => {
      const key = `k${this.rng.int(1, 8)}`;
      this.submit(`SET ${key} = ${this.rng.int(1, 999)}`);
      this.schedule();
    });
  }
}
