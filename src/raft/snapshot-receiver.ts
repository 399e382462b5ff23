import type { Index, InstallSnapshot, NodeId, Snapshot, Term } from './types.js';

/** What one InstallSnapshot chunk led to: more is wanted from `offset`, or the whole snapshot. */
export type ChunkOutcome = { kind: 'partial'; offset: number } | { kind: 'complete'; snapshot: Snapshot };

interface PendingSnapshot {
  leader: NodeId;
  /** The leader's term: a new leader starts its own transfer. */
  term: Term;
  index: Index;
  snapshotTerm: Term;
  size: number;
  voters: NodeId[];
  learners: NodeId[];
  chunks: string[];
  /** Characters held so far: the offset of the next chunk wanted. */
  received: number;
}

/**
 * A follower's half of a chunked snapshot transfer (§7, Figure 13: "create new snapshot file if
 * first chunk (offset is 0)", "write data into snapshot file at given offset", "reply and wait
 * for more data chunks if done is false"). Chunks are taken in order only: a chunk at any other
 * offset is answered with the offset wanted, so the leader resends from there — lost,
 * duplicated and reordered chunks all end in the same snapshot.
 */
export class SnapshotReceiver {
  private pending: PendingSnapshot | null = null;

  /** Takes one chunk from the leader of the current term (the caller checked the term). */
  receive(m: InstallSnapshot): ChunkOutcome {
    let p = this.pending;
    const same =
      p !== null &&
      p.leader === m.from &&
      p.term === m.term &&
      p.index === m.lastIncludedIndex &&
      p.snapshotTerm === m.lastIncludedTerm &&
      p.size === m.size;
    if (!same) {
      // Figure 13: a transfer starts with the chunk at offset 0; other chunks of an unknown
      // snapshot ask the leader to start over.
      if (m.offset !== 0) return { kind: 'partial', offset: 0 };
      p = {
        leader: m.from,
        term: m.term,
        index: m.lastIncludedIndex,
        snapshotTerm: m.lastIncludedTerm,
        size: m.size,
        voters: [...m.voters],
        learners: [...m.learners],
        chunks: [],
        received: 0,
      };
      this.pending = p;
    }
    if (p === null) return { kind: 'partial', offset: 0 };
    if (m.offset !== p.received) return { kind: 'partial', offset: p.received };
    p.chunks.push(m.data);
    p.received += m.data.length;
    if (p.received < p.size) return { kind: 'partial', offset: p.received };
    this.pending = null;
    return {
      kind: 'complete',
      snapshot: { index: p.index, term: p.snapshotTerm, voters: p.voters, learners: p.learners, data: p.chunks.join('') },
    };
  }

  /** How far the transfer in progress got, for the dashboard; null when none. */
  progress(): { index: Index; term: Term; received: number; size: number } | null {
    const p = this.pending;
    return p === null ? null : { index: p.index, term: p.snapshotTerm, received: p.received, size: p.size };
  }

  /** Forgets a partial transfer (a new term: its leader is gone). */
  reset(): void {
    this.pending = null;
  }
}
