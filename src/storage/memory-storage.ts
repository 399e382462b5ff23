import type { Entry, HardState, Index, NodeId, Snapshot, Term } from '../raft/types.js';
import {
  compactEntries,
  copyHardState,
  EMPTY_HARD_STATE,
  type LogBase,
  NO_BASE,
  saveProblem,
  snapshotProblem,
  spliceEntries,
} from './log-rules.js';
import type { Storage, StoredState } from './types.js';

/**
 * Storage that keeps a node's term, vote, latest snapshot and the log after it in this object.
 * It outlives the node: the cluster keeps the object across a crash and builds the restarted
 * core from `load()`, so a crash loses volatile state only, as with a disk (§5, Figure 2). It
 * does not outlive the process. `save` is synchronous: when it returns, the state is "stable".
 */
export class MemoryStorage implements Storage {
  private hardState: HardState;
  private snapshot: Snapshot | null = null;
  private base: LogBase = NO_BASE;
  /** The entries after the snapshot. */
  private entries: Entry[] = [];

  /** Starts empty, or from a given state (for tests that set up a log, e.g. Figure 7's). */
  constructor(initial?: { hardState?: HardState; entries?: readonly Entry[] }) {
    this.hardState = copyHardState(initial?.hardState ?? EMPTY_HARD_STATE);
    const problem = saveProblem([], EMPTY_HARD_STATE, this.hardState, initial?.entries ?? []);
    if (problem !== null) throw new Error(`invalid initial storage state: ${problem}`);
    spliceEntries(this.entries, initial?.entries ?? []);
  }

  load(): StoredState {
    return {
      hardState: copyHardState(this.hardState),
      snapshot: this.snapshot,
      entries: this.entries.slice(),
      reports: [],
    };
  }

  /**
   * Keeps a snapshot (first, §7), a hard state (null: unchanged) and entries; an entry at index
   * ≤ the last index replaces the suffix from there (§5.3). Throws, changing nothing, on a
   * malformed snapshot, entries out of sequence, a malformed hard state, or a commit index past
   * the last index.
   */
  save(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null = null): void {
    const newer = snapshot !== null && snapshot.index > this.base.index ? snapshot : null;
    if (newer !== null) {
      const problem = snapshotProblem(newer);
      if (problem !== null) throw new Error(`memory storage refused a save: ${problem}`);
    }
    // Check the whole save against the log as the snapshot leaves it, before changing anything.
    let log = this.entries;
    let base = this.base;
    if (newer !== null) {
      log = this.entries.slice();
      base = compactEntries(log, base, newer);
    }
    const problem = saveProblem(log, this.hardState, hardState, entries, base);
    if (problem !== null) throw new Error(`memory storage refused a save: ${problem}`);
    if (newer !== null) this.snapshot = newer;
    this.entries = log;
    this.base = base;
    if (hardState !== null) this.hardState = copyHardState(hardState);
    spliceEntries(this.entries, entries, base.index);
  }

  /** Nothing to release: the state stays in the object, ready for the next `load()`. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  summary(): { term: Term; votedFor: NodeId | null; lastIndex: Index; snapshotIndex: Index; snapshotTerm: Term } {
    return {
      term: this.hardState.term,
      votedFor: this.hardState.votedFor,
      lastIndex: this.base.index + this.entries.length,
      snapshotIndex: this.base.index,
      snapshotTerm: this.base.term,
    };
  }
}
