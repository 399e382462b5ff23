import type { Entry, HardState, Snapshot } from '../raft/types.js';

/** A problem found while opening storage: a cut-off torn tail, or why a file is not trusted. */
export interface RecoveryReport {
  file: string;
  offset: number;
  /** Bytes removed from the end of the file (torn or corrupt tail). */
  droppedBytes: number;
  reason: string;
}

/** What storage held when it was opened. */
export interface StoredState {
  hardState: HardState;
  /** The latest snapshot (§7), or null: then the log starts at index 1. */
  snapshot: Snapshot | null;
  /** The log after the snapshot: entries snapshot.index+1..N in order. */
  entries: Entry[];
  reports: RecoveryReport[];
}

/**
 * Stable storage for one node's term, vote and log (Figure 2's persistent state).
 *
 * Called by the node host only, once per Ready, BEFORE that Ready's messages are sent. When
 * `save` resolves, everything passed to it survives a crash (FileStorage: fsync'd; one fsync per
 * call however many entries it holds — group commit).
 */
export interface Storage {
  /** The state as of the last completed `save` (or as recovered on open). */
  load(): StoredState;
  /**
   * Persists a hard state (null: unchanged) and entries. An entry whose index is ≤ the stored
   * last index replaces the stored suffix from that index (conflict truncation, §5.3).
   * Entry objects are immutable (src/raft/types.ts) and may be kept as they are, not copied:
   * with the whole log in memory, a copy per entry per node is what the heap feels most.
   *
   * A `snapshot` (§7) is stored FIRST, before the hard state and entries of the same call: it
   * replaces every stored entry it covers, and the stored entries after it are kept only if the
   * stored entry at its index has its term (otherwise the whole stored log goes). The entries
   * of the same call then follow it. A snapshot not newer than the stored one is ignored.
   *
   * Returns nothing when the state is stored on return (the host's Ready loop then goes on
   * synchronously), or a then-able that settles once it is (a Promise for a file's fsync).
   */
  save(hardState: HardState | null, entries: Entry[], snapshot?: Snapshot | null): void | PromiseLike<void>;
  close(): Promise<void>;
  /** What a crashed node's panel shows it kept: term, vote, log length, snapshot point. */
  summary(): { term: number; votedFor: number | null; lastIndex: number; snapshotIndex: number; snapshotTerm: number };
}
