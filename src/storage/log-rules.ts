import type { Entry, HardState, Index, Snapshot, Term } from '../raft/types.js';

/** Where a stored log starts: the snapshot it follows (index 0, term 0 without one). */
export interface LogBase {
  index: Index;
  term: Term;
}

export const NO_BASE: Readonly<LogBase> = Object.freeze({ index: 0, term: 0 });

/**
 * The rules both storages enforce on what they are asked to keep, so a bug above them shows up
 * as an error at the save that caused it instead of a log that quietly makes no sense.
 */

/** Why `entry` is not a well-formed log entry, or null. */
export function entryProblem(entry: Entry): string | null {
  if (!isCount(entry.index) || entry.index < 1) return `entry index ${String(entry.index)} is not a positive integer`;
  // Term 0 belongs to the empty prefix only (index 0); every real entry is from term ≥ 1.
  if (!isCount(entry.term) || entry.term < 1) return `entry ${entry.index} has term ${String(entry.term)}, not a positive integer`;
  if (entry.type !== 'normal' && entry.type !== 'noop' && entry.type !== 'config')
    return `entry ${entry.index} has unknown type ${String(entry.type)}`;
  if (typeof entry.data !== 'string') return `entry ${entry.index} has data that is not a string`;
  return null;
}

/** Why `hardState` is not a well-formed hard state, or null. */
export function hardStateProblem(hardState: HardState): string | null {
  if (!isCount(hardState.term)) return `term ${String(hardState.term)} is not a non-negative integer`;
  const v = hardState.votedFor;
  if (v !== null && (!isCount(v) || v < 1)) return `votedFor ${String(v)} is neither null nor a node id`;
  if (!isCount(hardState.commit)) return `commit ${String(hardState.commit)} is not a non-negative integer`;
  return null;
}

/**
 * Why `entries` cannot be saved onto `log` (entries base+1..N at positions 0..N-base-1), or
 * null. The batch must be contiguous and start at most one past the end — an earlier start
 * replaces the suffix from there (§5.3), but never what the snapshot covers — and terms never go
 * down along a log (§5.3: a leader appends in its own term, and terms only grow).
 */
export function appendProblem(log: readonly Entry[], entries: readonly Entry[], base: LogBase = NO_BASE): string | null {
  const first = entries[0];
  if (first === undefined) return null;
  let expected = first.index;
  if (!isCount(expected) || expected < 1 || expected > base.index + log.length + 1) {
    return `entry index ${String(expected)} leaves a gap: the log ends at index ${base.index + log.length}`;
  }
  if (expected <= base.index) return `entry index ${expected} is inside the snapshot, which covers up to index ${base.index}`;
  let prevTerm = expected - 1 > base.index ? (log[expected - base.index - 2]?.term ?? 0) : base.term;
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem !== null) return problem;
    if (entry.index !== expected) return `entries out of sequence: expected index ${expected}, got ${entry.index}`;
    if (entry.term < prevTerm) return `entry ${entry.index} has term ${entry.term}, older than the term ${prevTerm} before it`;
    prevTerm = entry.term;
    expected++;
  }
  return null;
}

/**
 * Why a save of `hardState` (null: unchanged from `stored`) and `entries` onto `log` must be
 * refused, or null: a malformed hard state, entries that do not fit (see {@link appendProblem}),
 * or a commit index past the end of the log the save leaves behind (commitIndex ≤ lastIndex).
 */
export function saveProblem(
  log: readonly Entry[],
  stored: HardState,
  hardState: HardState | null,
  entries: readonly Entry[],
  base: LogBase = NO_BASE,
): string | null {
  const problem = (hardState === null ? null : hardStateProblem(hardState)) ?? appendProblem(log, entries, base);
  if (problem !== null) return problem;
  const lastIndex = entries.at(-1)?.index ?? base.index + log.length;
  const commit = (hardState ?? stored).commit;
  if (commit > lastIndex) return `commit index ${commit} is past the last log index ${lastIndex}`;
  return null;
}

/**
 * Writes `entries` into `log` in place: drops the stored suffix from the first new index (the
 * conflict truncation of §5.3), then appends. Returns how many stored entries were dropped.
 * Call only after {@link appendProblem} returned null.
 */
export function spliceEntries(log: Entry[], entries: readonly Entry[], base: Index = 0): number {
  const first = entries[0];
  if (first === undefined) return 0;
  const dropped = Math.max(0, base + log.length - (first.index - 1));
  if (dropped > 0) log.length -= dropped;
  // Entries are immutable by contract (src/raft/types.ts): keep the objects, do not copy them.
  for (const e of entries) log.push(e);
  return dropped;
}

/** Why `snapshot` is not a well-formed snapshot, or null. */
export function snapshotProblem(snapshot: Snapshot): string | null {
  if (!isCount(snapshot.index) || snapshot.index < 1) return `snapshot index ${String(snapshot.index)} is not a positive integer`;
  if (!isCount(snapshot.term) || snapshot.term < 1) return `snapshot term ${String(snapshot.term)} is not a positive integer`;
  const ids = (v: unknown) => Array.isArray(v) && v.every((id) => isCount(id) && id >= 1);
  if (!ids(snapshot.voters) || !ids(snapshot.learners)) return 'snapshot configuration must list node ids';
  if (typeof snapshot.data !== 'string') return 'snapshot data is not a string';
  return null;
}

/**
 * Applies a snapshot to a stored log in place (§7): every entry it covers goes; the entries after
 * it stay only if the stored entry at its index has its term, otherwise the whole log goes.
 * Returns the new base. The caller checked the snapshot is newer than `base`.
 */
export function compactEntries(log: Entry[], base: LogBase, snapshot: Snapshot): LogBase {
  const at = log[snapshot.index - base.index - 1];
  if (at !== undefined && at.term === snapshot.term) log.splice(0, snapshot.index - base.index);
  else log.length = 0;
  return { index: snapshot.index, term: snapshot.term };
}

export function copyHardState(h: HardState): HardState {
  return { term: h.term, votedFor: h.votedFor, commit: h.commit };
}

export function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commit === b.commit;
}

export const EMPTY_HARD_STATE: Readonly<HardState> = Object.freeze({ term: 0, votedFor: null, commit: 0 });

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
