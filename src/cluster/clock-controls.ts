import type { Cluster, MessageView } from './types.js';

/**
 * A cluster's clock and its messages in flight, as far as its hosting lets a person hold them:
 * nodes in this process share one clock that can pause, step and change speed (inline-clock.ts);
 * node processes keep their own real clocks, so those controls refuse, saying why. The methods
 * are the Cluster's own, which the cluster hands to them.
 */
export interface ClockControls
  extends Pick<Cluster, 'advance' | 'pause' | 'resume' | 'step' | 'inFlight' | 'dropMessage' | 'setLatency' | 'setSpeed'> {
  readonly speed: number;
  readonly paused: boolean;
  /** What the dashboard shows of them: the messages in flight and the latency in force. */
  shown(): { inFlight: MessageView[]; latencyMs: [number, number] };
}
