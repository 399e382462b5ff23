import type { NodeId, RaftCore } from '../raft/types.js';
import type { ClockControls } from './clock-controls.js';
import type { ClusterClock } from './cluster-clock.js';
import { settle } from './promise-turn.js';
import type { UnstampedEvent } from './event-stream.js';
import type { InFlightMessages } from './in-flight.js';
import { stepOnce } from './step-control.js';
import type { MessageView } from './types.js';

/**
 * The clock controls of a cluster whose nodes all run in this process: its one clock (real,
 * virtual or paced: cluster-clock.ts) and the messages in flight between its nodes, which pause
 * holds, step delivers one at a time and latency delays.
 */
export class InlineClockControls implements ClockControls {
  constructor(
    private readonly time: ClusterClock,
    private readonly queue: InFlightMessages,
    private readonly ctx: {
      /** Each node's core while up: a step with nothing in flight moves time to the next timer. */
      nodes: ReadonlyMap<NodeId, { raft(): RaftCore | undefined }>;
      tickMs: number;
      emit(e: UnstampedEvent): void;
    },
  ) {}

  get speed(): number {
    return this.time.speed;
  }

  get paused(): boolean {
    return this.time.paused;
  }

  advance(ms: number): Promise<void> {
    return this.time.advance(ms);
  }

  pause(): void {
    this.time.pause();
  }

  resume(): void {
    this.time.resume();
  }

  async step(which?: number): Promise<string> {
    // Time must stand still: paused, or a virtual clock that moves only when told to.
    if (!this.time.still) return 'not paused: type pause first, then step';
    const { scheduler, lastTickAt } = this.time;
    return stepOnce({ queue: this.queue, scheduler, nodes: this.ctx.nodes, tickMs: this.ctx.tickMs, lastTickAt, settle }, which);
  }

  inFlight(): MessageView[] {
    return this.queue.list();
  }

  dropMessage(id: number): void {
    const view = this.queue.list().find((v) => v.id === id);
    if (!view || !this.queue.drop(id)) throw new Error(`no message #${id} is in flight (see the in-flight list)`);
  }

  setLatency(ms: [number, number]): void {
    this.queue.setLatency(ms);
    const [min, max] = this.queue.latency;
    this.ctx.emit({
      type: 'clock',
      description: max === 0 ? 'latency off: messages arrive at once' : `latency ${min === max ? min : `${min}-${max}`} ms per message`,
    });
  }

  setSpeed(speed: number): void {
    this.time.setSpeed(speed);
  }

  shown(): { inFlight: MessageView[]; latencyMs: [number, number] } {
    return { inFlight: this.queue.shown(), latencyMs: this.queue.latency };
  }
}
