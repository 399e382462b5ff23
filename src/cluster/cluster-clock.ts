import type { UnstampedEvent } from './event-stream.js';
import { PacedClock } from './paced-clock.js';
import { virtualClockTurns } from './promise-turn.js';
import { RealScheduler, type Scheduler, VirtualScheduler } from './scheduler.js';
import type { Timer } from './timer-queue.js';

/** What the clock drives and tells. */
export interface ClusterClockHooks {
  /** Every node's logical clock moves `ticks` ticks. */
  tick(ticks: number): void;
  /** Pause holds messages in flight where they are; resume lets them go. */
  hold(held: boolean): void;
  emit(e: UnstampedEvent): void;
  /** 'paced': a frame of cluster time has passed (the dashboard redraws). */
  onFrame(): void;
}

/**
 * The cluster's time: real (scaled by speed, with pause), virtual (moves only in advance()), or
 * paced (virtual time that a wall-clock pacer moves). It turns elapsed time into whole ticks for
 * the nodes — the Raft core never sees a clock.
 */
export class ClusterClock {
  readonly scheduler: Scheduler;
  /** The scheduler when time is virtual ('virtual' or 'paced'). */
  readonly virtual: VirtualScheduler | undefined;
  /** 'paced' only: drives the virtual scheduler from the wall clock (paced-clock.ts). */
  readonly pacer: PacedClock | undefined;
  /** Cluster time up to which the nodes have been ticked. */
  lastTickAt = 0;
  private tickTimer: Timer | undefined;
  private pausedFlag = false;
  private stopped = false;

  /** Virtual or paced: the turns given to promise continuations between timers (promise-turn.ts). */
  private readonly turn: (resume: () => void) => void;

  constructor(
    readonly kind: 'real' | 'virtual' | 'paced',
    speed: number,
    private readonly tickMs: number,
    private readonly hooks: ClusterClockHooks,
  ) {
    const virtual = kind === 'real' ? undefined : new VirtualScheduler();
    this.virtual = virtual;
    this.scheduler = virtual ?? new RealScheduler(speed);
    const turn = virtualClockTurns();
    this.turn = turn;
    if (virtual && kind === 'paced') {
      this.pacer = new PacedClock({ advance: (ms) => virtual.advanceTurns(ms, turn), now: () => virtual.now(), speed });
      this.pacer.onFrame = () => hooks.onFrame();
    }
  }

  /** Starts the tick loop (and the pacer). */
  start(): void {
    this.lastTickAt = this.scheduler.now();
    this.scheduleTick();
    this.pacer?.start();
  }

  get speed(): number {
    return this.pacer?.speed ?? (this.scheduler instanceof RealScheduler ? this.scheduler.speed : 1);
  }

  get paused(): boolean {
    return this.pausedFlag || this.pacer?.paused === true;
  }

  /** Time stands still: paused, or a virtual clock that moves only when told to (step may run). */
  get still(): boolean {
    return this.pacer ? this.pacer.paused : this.scheduler instanceof VirtualScheduler || this.pausedFlag;
  }

  advance(ms: number): Promise<void> {
    if (!(this.scheduler instanceof VirtualScheduler) || this.pacer) return Promise.reject(new Error("advance() needs clock: 'virtual'"));
    // The scheduler's own promise, not an async wrapper around it: one frame and turn less per call.
    return this.scheduler.advanceTurns(ms, this.turn);
  }

  pause(): void {
    if (this.pacer && !this.pacer.paused) {
      this.pacer.pause();
      this.hooks.emit({ type: 'clock', description: 'paused: time stands still' });
    }
    if (!(this.scheduler instanceof RealScheduler) || this.pausedFlag) return;
    this.pausedFlag = true;
    this.scheduler.pause();
    // What was due by now happens; then messages in flight stay where they are.
    this.scheduler.runDueNow();
    this.hooks.hold(true);
    this.hooks.emit({ type: 'clock', description: 'paused: time stands still, messages stay in flight' });
  }

  resume(): void {
    if (this.pacer?.paused) {
      this.pacer.resume();
      this.hooks.emit({ type: 'clock', description: 'resumed' });
    }
    if (!(this.scheduler instanceof RealScheduler) || !this.pausedFlag) return;
    this.pausedFlag = false;
    this.hooks.hold(false);
    this.scheduler.resume();
    this.hooks.emit({ type: 'clock', description: 'resumed' });
  }

  setSpeed(speed: number): void {
    if (!(Number.isFinite(speed) && speed > 0)) throw new Error(`speed must be above 0 (got ${speed})`);
    if (this.scheduler instanceof RealScheduler) this.scheduler.setSpeed(speed);
    this.pacer?.setSpeed(speed);
    this.hooks.emit({ type: 'clock', description: `speed ${speed}×` });
  }

  /** Stops the ticks and the pacer; the scheduler stops last (see {@link stopScheduler}). */
  stopTicking(): void {
    this.stopped = true;
    this.scheduler.clearTimer(this.tickTimer);
    this.pacer?.stop();
  }

  stopScheduler(): void {
    this.scheduler.stop();
  }

  private scheduleTick(): void {
    // Quiet (a tick: the hosts say when they settle a promise); one callback for every tick.
    this.tickTimer = this.scheduler.setTimer(this.tickMs, this.onTick, true);
  }

  private readonly onTick = (): void => {
    const { tickMs } = this;
    // Real timers run late; turn the time that really passed into whole ticks.
    const now = this.scheduler.now();
    const ticks = Math.max(1, Math.floor((now - this.lastTickAt) / tickMs));
    this.lastTickAt += ticks * tickMs;
    if (this.lastTickAt < now - tickMs) this.lastTickAt = now;
    this.hooks.tick(ticks);
    if (!this.stopped) this.scheduleTick();
  };
}
