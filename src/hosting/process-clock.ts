import type { ClockControls } from '../cluster/clock-controls.js';
import type { UnstampedEvent } from '../cluster/event-stream.js';
import type { MessageView } from '../cluster/types.js';

/**
 * The clock controls of nodes that are each their own OS process: every node keeps its own real
 * clock and its messages travel between processes, not through the cluster's, so pause, step,
 * latency, speed and virtual time are not available and say so.
 */
export class ProcessClockControls implements ClockControls {
  readonly speed = 1;
  readonly paused = false;

  constructor(private readonly emit: (e: UnstampedEvent) => void) {}

  async advance(): Promise<void> {
    throw new Error("advance() needs clock: 'virtual' (nodes as processes run on the real clock)");
  }

  pause(): void {
    this.emit({ type: 'clock', description: 'pause is not available with nodes as processes: each keeps its own clock' });
  }

  resume(): void {}

  async step(): Promise<string> {
    return 'step is not available with nodes as processes: messages travel between processes, not through this one';
  }

  inFlight(): MessageView[] {
    return [];
  }

  dropMessage(id: number): void {
    throw new Error(`no message #${id} is in flight: with nodes as processes, messages are not held here`);
  }

  setLatency(): void {
    throw new Error('latency is not available with nodes as processes: use delay <min>-<max>ms (a fault) instead');
  }

  setSpeed(speed: number): void {
    throw new Error(`speed ${speed} is not available with nodes as processes: each node runs in real time`);
  }

  shown(): { inFlight: MessageView[]; latencyMs: [number, number] } {
    return { inFlight: [], latencyMs: [0, 0] };
  }
}
