import type { Entry, HardState, Index, NodeId, Term } from '../raft/types.js';
import { copyHardState, EMPTY_HARD_STATE, saveProblem, spliceEntries } from './log-rules.js';
import type { Storage, StoredState } from './types.js';

/**
 * Storage that keeps a node's term, vote and log in this object. It outlives the node: the
 * cluster keeps the object across a crash and builds the restarted core from `load()`, so a
 * crash loses volatile state only, as with a disk (§5, Figure 2). It does not outlive the
 * process. `save` is synchronous: when it returns, the state is "stable".
 */
export class MemoryStorage implements Storage {
  private hardState: HardState;
  private readonly entries: Entry[] = [];

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
      entries: this.entries.slice(),
      reports: [],
    };
  }

  /**
   * Keeps a hard state (null: unchanged) and entries; an entry at index ≤ the last index
   * replaces the suffix from there (§5.3). Throws, changing nothing, on entries out of sequence,
   * a malformed hard state, or a commit index past the last index.
   */
  save(hardState: HardState | null, entries: Entry[]): void {
    const problem = saveProblem(this.entries, this.hardState, hardState, entries);
    if (problem !== null) throw new Error(`memory storage refused a save: ${problem}`);
    if (hardState !== null) this.hardState = copyHardState(hardState);
    spliceEntries(this.entries, entries);
  }

  /** Nothing to release: the state stays in the object, ready for the next `load()`. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  summary(): { term: Term; votedFor: NodeId | null; lastIndex: Index } {
    return { term: this.hardState.term, votedFor: this.hardState.votedFor, lastIndex: this.entries.length };
  }
}
