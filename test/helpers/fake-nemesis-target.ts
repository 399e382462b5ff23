import type { NodeId } from '../../src/raft/types.js';
import type { Links } from '../../src/sim/nemesis-topology.js';
import type { MessageFaults, NemesisTarget } from '../../src/sim/nemesis.js';

/**
 * Five nodes for the nemesis in fake time: `later` queues callbacks, `advance` runs them in time
 * order. Faults are only recorded (links, message faults, crashes, transfers); node `leaderId`
 * leads while it is up.
 */
export class FakeNemesisTarget implements NemesisTarget {
  readonly ids: NodeId[] = [1, 2, 3, 4, 5];
  time = 0;
  up = new Set(this.ids);
  links: Links = { partition: null, cuts: [] };
  messages: MessageFaults = { dropRate: 0, duplicateRate: 0, delayMs: null };
  crashes: NodeId[] = [];
  transfers: [NodeId, NodeId][] = [];
  private queue: { at: number; fn: () => void }[] = [];

  constructor(private readonly leaderId: NodeId = 2) {}

  now = (): number => this.time;
  later = (ms: number, fn: () => void): void => {
    this.queue.push({ at: this.time + ms, fn });
    this.queue.sort((a, b) => a.at - b.at);
  };
  leader = (): NodeId | undefined => (this.up.has(this.leaderId) ? this.leaderId : undefined);
  isUp = (id: NodeId): boolean => this.up.has(id);
  crash = (id: NodeId): void => {
    this.up.delete(id);
    this.crashes.push(id);
  };
  restart = (id: NodeId): void => {
    this.up.add(id);
  };
  setLinks = (links: Links): void => {
    this.links = links;
  };
  setMessages = (faults: MessageFaults): void => {
    this.messages = faults;
  };
  transfer = (from: NodeId, to: NodeId): void => {
    this.transfers.push([from, to]);
  };

  advance(ms: number): void {
    const end = this.time + ms;
    for (let next = this.queue[0]; next && next.at <= end; next = this.queue[0]) {
      this.queue.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}
