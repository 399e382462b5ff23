import { microtask } from './promise-turn.js';
import { fire, TimerQueue, type Timer } from './timer-queue.js';

/**
 * The cluster's clock: time in cluster milliseconds and timers on it. The Raft core never sees
 * it — the host turns elapsed time into ticks. Two kinds: real time scaled by a speed factor
 * (with pause), and virtual time that moves only in advance().
 */
export interface Scheduler {
  /** Cluster time in ms. */
  now(): number;
  /**
   * Runs `fn` once `delayMs` of cluster time has passed. `quiet`: `fn` settles no promise by
   * itself (see {@link VirtualScheduler.advance}); the real clock ignores it.
   */
  setTimer(delayMs: number, fn: () => void, quiet?: boolean): Timer;
  /**
   * {@link setTimer} with an argument for `fn`: one function can serve many timers (a message
   * each) without a closure per timer.
   */
  setTimerWith<A>(delayMs: number, fn: (arg: A) => void, arg: A, quiet?: boolean): Timer;
  /**
   * Runs `fn(arg)` at the current cluster time, after every timer already due by then: a zero
   * delay with no handle (it cannot be cancelled), quiet. What the in-process network delivers
   * each message with.
   */
  post<A>(fn: (arg: A) => void, arg: A): void;
  clearTimer(timer: Timer | undefined): void;
  /**
   * Virtual clock: a promise was settled inside the (quiet) timer now running, so its
   * continuation runs before time moves on. The real clock has no need of it.
   */
  requestSettle?(): void;
  stop(): void;
}

/**
 * Real time scaled by `speed` (0.1 = ten times slower). One Node timer is armed for the earliest
 * pending cluster timer; pausing freezes cluster time and disarms it.
 */
export class RealScheduler implements Scheduler {
  private queue = new TimerQueue();
  private base = 0;
  private wallBase = performance.now();
  private handle: NodeJS.Timeout | undefined;
  private armedAt: number | undefined;
  private stopped = false;
  private pausedFlag = false;

  constructor(private speedFactor = 1) {}

  get speed(): number {
    return this.speedFactor;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  now(): number {
    if (this.pausedFlag) return this.base;
    return this.base + (performance.now() - this.wallBase) * this.speedFactor;
  }

  setSpeed(speed: number): void {
    this.rebase();
    this.speedFactor = speed;
    this.rearm(true);
  }

  pause(): void {
    if (this.pausedFlag) return;
    this.rebase();
    this.pausedFlag = true;
    this.disarm();
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.wallBase = performance.now();
    this.pausedFlag = false;
    this.rearm(true);
  }

  /** While paused: jump cluster time to the next timer and run everything due then. */
  stepToNextTimer(): boolean {
    const at = this.queue.peekAt();
    if (at === undefined) return false;
    this.base = Math.max(this.base, at);
    this.runDue();
    return true;
  }

  /** While paused: move cluster time to `time` and run every timer due by then, in order. */
  jumpTo(time: number): void {
    if (!this.pausedFlag) return;
    this.base = Math.max(this.base, time);
    this.runDue();
  }

  /** Runs the timers already due (paused or not): what a zero delay set while paused waits for. */
  runDueNow(): void {
    this.runDue();
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const t = this.queue.add(this.now() + Math.max(0, delayMs), fn);
    this.rearm(false);
    return t;
  }

  setTimerWith<A>(delayMs: number, fn: (arg: A) => void, arg: A): Timer {
    const t = this.queue.add(this.now() + Math.max(0, delayMs), fn as (arg: unknown) => void, arg);
    this.rearm(false);
    return t;
  }

  post<A>(fn: (arg: A) => void, arg: A): void {
    this.setTimerWith(0, fn, arg);
  }

  clearTimer(timer: Timer | undefined): void {
    if (timer) timer.cancelled = true;
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
    this.queue.clear();
  }

  private rebase(): void {
    this.base = this.now();
    this.wallBase = performance.now();
  }

  private disarm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.armedAt = undefined;
  }

  private rearm(force: boolean): void {
    if (this.stopped || this.pausedFlag) return;
    const at = this.queue.peekAt();
    if (at === undefined) return this.disarm();
    if (!force && this.armedAt !== undefined && this.armedAt <= at) return;
    this.disarm();
    const wallDelay = Math.max(0, (at - this.now()) / this.speedFactor);
    this.armedAt = at;
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.armedAt = undefined;
      this.runDue();
    }, wallDelay);
  }

  private runDue(): void {
    const now = this.now();
    for (let t = this.queue.popDue(now); t; t = this.queue.popDue(now)) {
      if (this.stopped) return;
      fire(t);
    }
    this.rearm(true);
  }
}

/** Virtual time: nothing happens until advance(ms) runs every timer due by then, in order. */
export class VirtualScheduler implements Scheduler {
  private queue = new TimerQueue();
  private settleRequested = false;
  /** A timer is firing (inside {@link advanceTurns}'s loop), not code between timers. */
  private inTimer = false;
  private time = 0;
  private stopped = false;

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fn: () => void, quiet = false): Timer {
    return this.setTimerWith(delayMs, fn, undefined, quiet);
  }

  setTimerWith<A>(delayMs: number, fn: (arg: A) => void, arg: A, quiet = false): Timer {
    return this.queue.add(this.time + Math.max(0, delayMs), fn as (arg: unknown) => void, arg, quiet);
  }

  post<A>(fn: (arg: A) => void, arg: A): void {
    // Nothing is due before now: the queue's O(1) lane, in the same order as a zero-delay timer.
    this.queue.post(this.time, fn as (arg: unknown) => void, arg, true);
  }

  /** Whether a timer is firing now: what called in came from the clock's own work. */
  firing(): boolean {
    return this.inTimer;
  }

  /** A promise was settled inside the timer now running: let continuations run before the next. */
  requestSettle(): void {
    this.settleRequested = true;
  }

  clearTimer(timer: Timer | undefined): void {
    if (timer) timer.cancelled = true;
  }

  /**
   * Moves time forward by `ms`, firing due timers in deadline order, synchronously: hosts run
   * their Ready loops inside the timer that gave them work. `settle` (a turn for promise
   * continuations: promise-turn.ts) runs before time moves on whenever some may be waiting —
   * the ones the caller left queued, and those released by any timer not marked quiet (a
   * client's timeout, a sleep) or by something that settled a promise meanwhile
   * ({@link requestSettle}: an entry a client waited for was applied) — so a client's retry or a
   * submit's result still happens at the virtual moment that caused it, without a turn per tick
   * or message.
   */
  advance(ms: number, settle: () => Promise<void>): Promise<void> {
    return this.advanceTurns(ms, (resume, fail) => void settle().then(resume, fail));
  }

  /**
   * {@link advance} with the turn as a callback (`setImmediate` itself): no promise, async frame
   * or reaction per turn, one promise per call — a virtual-time loop makes thousands of calls a
   * second.
   *
   * The timers due at one moment fire together; the continuations they released run after the
   * last of them, still at that moment, in one turn — and if those set timers for the same
   * moment or settle more promises, those fire and run too before time moves. One turn per
   * moment that needs one, not one per timer: a submit's round on five nodes is a dozen
   * deliveries at one moment, and a turn costs as much as several of them.
   */
  advanceTurns(ms: number, turn: (resume: () => void, fail: (err: unknown) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const end = this.time + ms;
      // What the caller left queued runs before time moves on, like what a timer releases.
      this.settleRequested = true;
      const run = (): void => {
        try {
          for (;;) {
            if (this.stopped) return resolve();
            const waiting = this.settleRequested;
            // While continuations wait, only what is due at this moment fires.
            const t = this.queue.popDue(waiting ? this.time : end);
            if (t === undefined) {
              if (!waiting) break;
              this.settleRequested = false;
              return turn(run, reject);
            }
            if (t.at > this.time) this.time = t.at;
            const quiet = t.quiet; // read first: a posted timer's object is refilled by the next pop
            this.inTimer = true;
            fire(t);
            this.inTimer = false;
            if (!quiet) this.settleRequested = true;
          }
          this.time = end;
          resolve();
        } catch (err) {
          this.inTimer = false;
          reject(err);
        }
      };
      // Never inside the call: code after advance() runs before any timer, as it always has.
      microtask(run);
    });
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }
}
