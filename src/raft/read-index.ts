import type { Index, NodeId } from './types.js';

/** One read waiting on the leader for its read index to be confirmed (thesis §6.4). */
export interface PendingRead {
  /** The id its node gave it. */
  id: number;
  /** The node that asked: the leader itself, or a follower that forwarded it. */
  from: NodeId;
  /** The leader's commit index when the read arrived; -1 until the leader commits in its term. */
  index: Index;
  /** The confirmation round it rides on; 0 until one starts. */
  round: number;
}

/**
 * The leader's ReadIndex reads (thesis §6.4) and the rounds that confirm them. Reads that arrive
 * while a round is out wait for the next one, so under load many reads share one heartbeat
 * round instead of each paying for its own.
 *
 * Invariant: confirmed <= round; every pending read with 0 < round' has round' > confirmed.
 */
export class ReadIndexQueue {
  /** The last round started (it only grows, across terms too). */
  round = 0;
  /** The last round a majority of voters answered. */
  confirmed = 0;
  private pending: PendingRead[] = [];

  get size(): number {
    return this.pending.length;
  }

  add(id: number, from: NodeId, index: Index): void {
    this.pending.push({ id, from, index, round: 0 });
  }

  /** Thesis §6.4: once the leader has committed an entry of its term, waiting reads get an index. */
  fillIndex(commit: Index): void {
    for (const r of this.pending) if (r.index < 0) r.index = commit;
  }

  /** Whether a new round should start: reads are ready for one and no round is out. */
  needsRound(): boolean {
    if (this.round !== this.confirmed) return false;
    for (const r of this.pending) if (r.round === 0 && r.index >= 0) return true;
    return false;
  }

  /** Starts a round for every read that has an index and no round yet; returns its number. */
  startRound(): number {
    this.round++;
    for (const r of this.pending) if (r.round === 0 && r.index >= 0) r.round = this.round;
    return this.round;
  }

  /** Marks rounds up to `upTo` confirmed; removes and returns the reads they carried. */
  confirm(upTo: number): PendingRead[] {
    if (upTo <= this.confirmed) return [];
    this.confirmed = Math.min(upTo, this.round);
    const done: PendingRead[] = [];
    const rest: PendingRead[] = [];
    for (const r of this.pending) (r.round > 0 && r.round <= this.confirmed ? done : rest).push(r);
    this.pending = rest;
    return done;
  }

  /** Removes and returns every read (leadership is lost: none of them can be confirmed here). */
  drain(): PendingRead[] {
    const all = this.pending;
    this.pending = [];
    this.confirmed = this.round;
    return all;
  }
}
