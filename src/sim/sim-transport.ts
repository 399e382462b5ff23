import type { MemoryNetwork } from '../net/memory-network.js';
import type { Transport, TransportStats } from '../net/types.js';
import type { Message, NodeId } from '../raft/types.js';

/**
 * One node's end of the simulator's {@link MemoryNetwork}: `send` queues each message at the
 * current virtual time; the simulator pops it when due and hands it to {@link deliver}. Always
 * listening (a down node's host ignores what arrives), so a host can start on it at once.
 */
export class SimTransport implements Transport {
  private handler: ((m: Message) => void) | undefined;
  private readonly counters: TransportStats = { sent: 0, received: 0, filtered: 0, badInput: {}, connectedPeers: [] };

  constructor(
    readonly id: NodeId,
    private readonly network: MemoryNetwork,
    private readonly now: () => number,
  ) {}

  async start(): Promise<number> {
    return 0;
  }

  send(messages: readonly Message[]): void {
    const now = this.now();
    for (const m of messages) this.network.send(m, now);
    this.counters.sent += messages.length;
  }

  onMessage(handler: (message: Message) => void): void {
    this.handler = handler;
  }

  /** A message due for this node: into its host's core, Ready loop and all. */
  deliver(m: Message): void {
    this.counters.received++;
    this.handler?.(m);
  }

  async stop(): Promise<void> {}

  stats(): TransportStats {
    return this.counters;
  }
}
