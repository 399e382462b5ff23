import type { Entry, HardState } from '../raft/types.js';

/**
 * What one simulated node keeps across a crash: its hard state and its log, as a plain record
 * (the simulator's stand-in for stable storage).
 */
export interface DurableRecord {
  hardState: HardState;
  /** Entries 1..N in order (index i at position i - 1). */
  entries: Entry[];
}

export function emptyRecord(): DurableRecord {
  return { hardState: { term: 0, votedFor: null, commit: 0 }, entries: [] };
}

/**
 * Stores a Ready's hard state (null: unchanged) and entries. An entry at an index the record
 * already holds replaces the stored suffix from there (conflict truncation, §5.3).
 */
export function persist(record: DurableRecord, hardState: HardState | null, entries: readonly Entry[]): void {
  if (hardState) record.hardState = { term: hardState.term, votedFor: hardState.votedFor, commit: hardState.commit };
  const first = entries[0];
  if (first === undefined) return;
  if (first.index > record.entries.length + 1) {
    throw new Error(`persist: entry ${first.index} would leave a gap after stored entry ${record.entries.length}`);
  }
  if (first.index <= record.entries.length) record.entries.length = first.index - 1;
  for (const e of entries) record.entries.push(e);
}
