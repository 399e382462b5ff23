import type { Storage, StoredState } from './types.js';

/**
 * The storage of a node whose files were refused at start-up: there is nothing to load and
 * nothing may be written. It only lets the node be shown as down (keeping nothing) until its
 * folder is repaired and a restart opens real storage.
 */
export class UnavailableStorage implements Storage {
  constructor(
    /** Why the files were refused. */
    readonly reason: string,
  ) {}

  load(): StoredState {
    throw new Error(this.reason);
  }

  save(): never {
    throw new Error(this.reason);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  summary(): { term: number; votedFor: number | null; lastIndex: number; snapshotIndex: number; snapshotTerm: number } {
    return { term: 0, votedFor: null, lastIndex: 0, snapshotIndex: 0, snapshotTerm: 0 };
  }
}
