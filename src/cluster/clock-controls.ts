import type { MessageView } from './types.js';

/**
 * A cluster's clock and its messages in flight, as far as its hosting lets a person hold them:
 * nodes in this process share one clock that can pause, step and change speed (inline-clock.ts);
 * node processes keep their own real clocks, so those controls refuse, saying why.
 */
export interface ClockControls {
  readonly speed: number;
  readonly paused: boolean;
  advance(ms: number): Promise<void>;
  pause(): void;
  resume(): void;
  step(which?: number): Promise<string>;
  inFlight(): MessageView[];
  dropMessage(id: number): void;
  setLatency(ms: [number, number]): void;
  setSpeed(speed: number): void;
  /** What the dashboard shows of them: the messages in flight and the latency in force. */
  shown(): { inFlight: MessageView[]; latencyMs: [number, number] };
}
