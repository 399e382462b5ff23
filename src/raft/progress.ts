import { Inflights } from './inflights.js';
import type { Index, NodeId, Snapshot } from './types.js';

/**
 * How the leader sends to a follower: `probe` sends one AppendEntries at a time and waits for
 * its answer (used after election and after a rejection, while nextIndex is being found);
 * `replicate` streams entries optimistically, up to maxInflight messages ahead; `snapshot`
 * sends the snapshot, one chunk at a time, because the entries the follower needs next were
 * compacted away (§7; etcd's StateSnapshot).
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The snapshot a leader is sending to one follower, and how far the transfer got. */
export interface SnapshotTransfer {
  snapshot: Snapshot;
  /** Characters the follower said it holds: the next chunk starts here. */
  acked: number;
}

/** The leader's view of one node's log: Figure 2's nextIndex and matchIndex, and more (§5.3). */
export class Progress {
  /**
   * Highest index known to match the leader's log.
   * Invariant: match < next (and, on the leader's own Progress, match === lastIndex).
   */
  match: Index = 0;
  /** Next index to send. */
  next: Index;
  state: ProgressState = 'probe';
  /** Probe only: an AppendEntries is out and unanswered; wait for it or the next heartbeat. */
  probeSent = false;
  /** Snapshot only: what is being sent. One snapshot in flight per follower, one chunk at a time. */
  transfer: SnapshotTransfer | null = null;
  /** Snapshot only: a chunk is out and unanswered; wait for it or the next heartbeat. */
  chunkSent = false;
  /** Replicate only: the AppendEntries in flight. */
  readonly inflights: Inflights;
  /** Heard from this node since the last check-quorum round (thesis §6.2). */
  recentActive = false;
  /** Leader tick at which this follower last made progress, or its pipeline last started. */
  lastProgressTick = 0;
  /** Thesis §6.4: the highest ReadIndex round this node answered in the leader's term. */
  readAck = 0;

  constructor(
    readonly id: NodeId,
    next: Index,
    maxInflight: number,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  /** Whether the leader must wait before sending more entries. */
  isPaused(): boolean {
    if (this.state === 'snapshot') return this.chunkSent;
    return this.state === 'probe' ? this.probeSent : this.inflights.full();
  }

  becomeProbe(next: Index): void {
    this.state = 'probe';
    this.next = Math.max(next, this.match + 1);
    this.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.reset();
  }

  /** §7: send `snapshot` from its first chunk; entries resume after it once it is installed. */
  becomeSnapshot(snapshot: Snapshot): void {
    this.state = 'snapshot';
    this.reset();
    this.transfer = { snapshot, acked: 0 };
    this.next = snapshot.index + 1;
  }

  private reset(): void {
    this.probeSent = false;
    this.chunkSent = false;
    this.transfer = null;
    this.inflights.reset();
  }

  /** Records that the follower holds the leader's log up to `index`; false if nothing new. */
  maybeUpdate(index: Index, now: number): boolean {
    if (index <= this.match) return false;
    this.match = index;
    if (this.next <= index) this.next = index + 1;
    this.lastProgressTick = now;
    return true;
  }

  /** Records an AppendEntries carrying entries up to `last`. */
  sentEntries(last: Index, now: number): void {
    if (this.state === 'replicate') {
      if (this.inflights.count === 0) this.lastProgressTick = now;
      this.inflights.add(last);
      this.next = last + 1;
    } else {
      this.probeSent = true;
    }
  }
}
