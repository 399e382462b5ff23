import { Inflights } from './inflights.js';
import type { Index, NodeId } from './types.js';

/**
 * How the leader sends to a follower: `probe` sends one AppendEntries at a time and waits for
 * its answer (used after election and after a rejection, while nextIndex is being found);
 * `replicate` streams entries optimistically, up to maxInflight messages ahead.
 */
export type ProgressState = 'probe' | 'replicate';

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
  /** Replicate only: the AppendEntries in flight. */
  readonly inflights: Inflights;
  /** Heard from this node since the last check-quorum round (thesis §6.2). */
  recentActive = false;
  /** Leader tick at which this follower last made progress, or its pipeline last started. */
  lastProgressTick = 0;
  /** The leaderCommit carried by the last AppendEntries sent to it. */
  sentCommit: Index = 0;

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
    return this.state === 'probe' ? this.probeSent : this.inflights.full();
  }

  becomeProbe(next: Index): void {
    this.state = 'probe';
    this.next = Math.max(next, this.match + 1);
    this.probeSent = false;
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
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
