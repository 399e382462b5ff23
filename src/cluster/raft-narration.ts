import type { Entry, Message, NodeId, RaftCore, RaftEvent, RaftStatus } from '../raft/types.js';
import { narrateDelivery } from './delivery-narration.js';
import type { EventStream } from './event-stream.js';
import type { InFlightMessages } from './in-flight.js';
import { commandText } from './snapshot.js';
import type { MessageView } from './types.js';

/**
 * Turns what the nodes' cores did into cluster events: their raft events, each client entry
 * applied, each first committed (once for the whole cluster), and what a delivered message did.
 * Nothing is built while nobody listens.
 */
export class RaftNarration {
  /**
   * The highest index announced as committed. Tracked for the whole cluster: a new leader that
   * commits its no-op commits older entries again only in its own view — they were announced
   * when they first committed, and are the same entries (§5.4).
   */
  private highestAnnounced = 0;

  constructor(
    private readonly events: EventStream,
    private readonly ctx: {
      core(id: NodeId): RaftCore | undefined;
      inFlight: InFlightMessages;
      /** How many nodes there are (a delivery's narration counts votes against it). */
      size(): number;
    },
  ) {}

  raftEvents(node: NodeId, events: RaftEvent[]): void {
    if (!this.events.listened) return;
    for (const event of events) {
      this.events.emit({ type: 'raft', node, event });
      if (event.kind === 'commit') this.committed(node, event.index, event.quorum);
    }
  }

  /** An 'applied' event per client entry a node applied. */
  applied(node: NodeId, entries: Entry[]): void {
    if (!this.events.listened) return;
    for (const e of entries) if (e.type === 'normal') this.events.emit({ type: 'applied', node, index: e.index, command: commandText(e) });
  }

  /** Narrates the arrival of a message that was in flight, when someone listens or a step waits. */
  delivery(node: NodeId, m: Message) {
    const record = this.ctx.inFlight.arrived(node, m);
    // The narration is made apart: a closure here would cost every delivery its context.
    return record ? this.narrator(node, m, record) : undefined;
  }

  private narrator(node: NodeId, m: Message, record: (outcome: string) => MessageView) {
    return (events: RaftEvent[], before: RaftStatus, after: RaftStatus) => {
      const { outcome, routine } = narrateDelivery(m, events, before, after, this.ctx.size());
      const message = record(outcome);
      this.events.emit({ type: 'deliver', node, message, outcome, routine });
    };
  }

  /** One 'committed' event per client entry, when a leader first commits it. */
  private committed(node: NodeId, index: number, quorum: NodeId[]): void {
    const core = this.ctx.core(node);
    if (!core || index <= this.highestAnnounced) return;
    const log = core.log();
    const base = core.status().snapshotIndex;
    const from = Math.max(this.highestAnnounced, index - 50) + 1;
    this.highestAnnounced = index;
    for (let i = from; i <= index; i++) {
      const e: Entry | undefined = log[i - base - 1];
      if (e && e.type === 'normal') this.events.emit({ type: 'committed', node, index: i, term: e.term, command: commandText(e), quorum });
    }
  }
}
