import type { Pacer } from './types.js';

/**
 * The 'paced' clock: virtual time that moves by itself at `speed` × the wall clock. It is not a
 * clock of its own: it drives the virtual scheduler's advance() from a wall-clock timer, in
 * quanta of `quantumMs` cluster milliseconds, so a paced run is a virtual run whose advance()
 * calls happen to be spread over wall time.
 *
 * What makes it reproducible: everything that changes the cluster from outside (a typed line, a
 * script line) runs only at a quantum boundary, while time stands still (`acquire`), and a
 * command that waits for something (`until`) is woken at the first boundary where its condition
 * holds. The wall clock decides only WHEN boundaries happen, never WHICH ones: the same commands
 * at the same cluster times give the same run. Each command's cluster time goes into `log`.
 *
 * Frames: `onFrame` is called every `speed × frameMs` of cluster time, at most once per wall
 * timer turn, so a dashboard that draws on it draws the same frames at the same cluster times.
 */
export interface PacedClockOptions {
  /** Moves the virtual cluster forward (VirtualScheduler.advance via Cluster.advance). */
  advance: (ms: number) => Promise<void>;
  /** The cluster's time in ms. */
  now: () => number;
  /** Cluster ms per wall ms; Infinity runs as fast as the simulator can. */
  speed: number;
  /** Cluster ms between boundaries (default 10, the console's virtual step). */
  quantumMs?: number;
  /** Wall ms between frames (default 66: 15 frames a second). */
  frameMs?: number;
}

/** One command line the console ran, at the cluster time it ran. */
export interface CommandLogEntry {
  at: number;
  line: string;
}

interface Waiter {
  check: () => boolean;
  deadline: number;
  resolve: (held: boolean) => void;
}

export class PacedClock implements Pacer {
  /** Every command run at a boundary, in order (for replay). */
  readonly log: CommandLogEntry[] = [];
  /** Called at each frame boundary (cluster time reached the next frame). */
  onFrame: (() => void) | undefined;
  private readonly quantumMs: number;
  private readonly frameMs: number;
  private speedFactor: number;
  private holds = 0;
  private readonly waiters: Waiter[] = [];
  private readonly pending: (() => void)[] = [];
  private advancing = false;
  private pausedFlag = false;
  private stopped = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private pausedFrames: NodeJS.Timeout | undefined;
  private nextFrameAt = 0;
  private lastFrameWall = 0;

  constructor(private readonly options: PacedClockOptions) {
    this.quantumMs = options.quantumMs ?? 10;
    this.frameMs = options.frameMs ?? 66;
    this.speedFactor = checkSpeed(options.speed);
  }

  now(): number {
    return this.options.now();
  }

  get speed(): number {
    return this.speedFactor;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Starts moving time (the first frame is due one frame from now). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.nextFrameAt = this.options.now() + this.frameCluster();
    this.lastFrameWall = performance.now();
    this.wake(true);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    for (const w of this.waiters.splice(0)) w.resolve(false);
    for (const grant of this.pending.splice(0)) grant();
  }

  /** Time stands still; frames go on (without time moving) so what is typed still shows. */
  pause(): void {
    if (this.pausedFlag) return;
    this.pausedFlag = true;
    this.clearTimers();
    this.pausedFrames = setInterval(() => this.onFrame?.(), this.frameMs);
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    if (this.pausedFrames) clearInterval(this.pausedFrames);
    this.pausedFrames = undefined;
    this.lastFrameWall = performance.now();
    this.wake(true);
  }

  setSpeed(speed: number): void {
    this.speedFactor = checkSpeed(speed);
    this.nextFrameAt = Math.min(this.nextFrameAt, this.options.now() + this.frameCluster());
    this.wake(true);
  }

  /**
   * While paused: moves time by `ms` (whole quanta), waking waiters at each boundary. Runs as a
   * command does, so call it while holding (from inside a console command) or not at all.
   */
  async step(ms: number): Promise<void> {
    const end = this.options.now() + ms;
    while (!this.stopped && this.options.now() + this.quantumMs <= end + 1e-9) {
      this.advancing = true;
      try {
        await this.options.advance(this.quantumMs);
      } finally {
        this.advancing = false;
      }
      this.boundary();
    }
    this.onFrame?.();
  }

  /**
   * Waits for a boundary and holds time still there until the returned release is called.
   * Records `line` in the command log with the cluster time it runs at.
   */
  acquire(line?: string): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.holds++;
        if (line !== undefined) this.log.push({ at: this.options.now(), line });
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.release();
        });
      };
      if (this.advancing) this.pending.push(grant);
      else grant();
    });
  }

  /**
   * Called while holding: lets time run until `check()` is true at a boundary (resolves true,
   * holding again) or `limitMs` of cluster time passes (false, holding again). A condition true
   * already returns at once: no time passes.
   */
  until(check: () => boolean, limitMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiters.push({ check, deadline: this.options.now() + limitMs, resolve });
      this.release();
    });
  }

  /** Cluster ms between frames at the current speed, on the quantum grid. */
  private frameCluster(): number {
    if (!Number.isFinite(this.speedFactor)) return Infinity;
    return Math.max(this.quantumMs, Math.round((this.speedFactor * this.frameMs) / this.quantumMs) * this.quantumMs);
  }

  private release(): void {
    this.holds--;
    if (this.holds === 0) this.wake(false);
  }

  /** Schedules the run loop: after a macrotask turn, so a releasing command's next line acquires first. */
  private wake(soon: boolean): void {
    if (this.stopped || !this.started || this.pausedFlag || this.advancing) return;
    if (this.immediate || (this.timer && !soon)) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.run();
    });
  }

  private clearTimers(): void {
    if (this.pausedFrames) clearInterval(this.pausedFrames);
    this.pausedFrames = undefined;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** Advances quantum by quantum to the next frame, stopping while anything holds. */
  private async run(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (!this.stopped && !this.pausedFlag && this.holds === 0 && this.options.now() < this.nextFrameAt) {
      this.advancing = true;
      try {
        await this.options.advance(this.quantumMs);
      } finally {
        this.advancing = false;
      }
      // (advance() lets the event loop turn every couple of wall ms: input and I/O go on meanwhile.)
      this.boundary();
    }
    if (this.stopped || this.pausedFlag || this.holds > 0) return;
    // A frame boundary: draw, then wait for the wall clock to catch up.
    this.onFrame?.();
    this.nextFrameAt += this.frameCluster();
    const now = performance.now();
    // Below one quantum a frame, frames come further apart in wall time instead.
    const wallPerFrame = Math.max(this.frameMs, this.frameCluster() / this.speedFactor);
    this.lastFrameWall = Math.max(this.lastFrameWall + wallPerFrame, now - wallPerFrame);
    // Never two frames closer than a third of the frame interval: the renderer keeps every one.
    const delay = Math.max(this.frameMs / 3, this.lastFrameWall - now);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
  }

  /** At a boundary: wake waiters whose condition holds (or ran out), then grant waiting acquires. */
  private boundary(): void {
    const now = this.options.now();
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i]!;
      const held = w.check();
      if (held || now >= w.deadline) {
        this.waiters.splice(i, 1);
        this.holds++;
        w.resolve(held);
      } else i++;
    }
    for (const grant of this.pending.splice(0)) grant();
  }
}

function checkSpeed(speed: number): number {
  if (!(speed > 0)) throw new Error(`speed must be above 0 (got ${speed})`);
  return speed;
}
