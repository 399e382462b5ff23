import type { Entry, HardState } from '../raft/types.js';

/**
 * The rules both storages enforce on what they are asked to keep, so a bug above them shows up
 * as an error at the save that caused it instead of a log that quietly makes no sense.
 */

/** Why `entry` is not a well-formed log entry, or null. */
export function entryProblem(entry: Entry): string | null {
  if (!isCount(entry.index) || entry.index < 1) return `entry index ${String(entry.index)} is not a positive integer`;
  // Term 0 belongs to the empty prefix only (index 0); every real entry is from term ≥ 1.
  if (!isCount(entry.term) || entry.term < 1) return `entry ${entry.index} has term ${String(entry.term)}, not a positive integer`;
  if (entry.type !== 'normal' && entry.type !== 'noop') return `entry ${entry.index} has unknown type ${String(entry.type)}`;
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
 * Why `entries` cannot be saved onto `log` (entries 1..N at positions 0..N-1), or null. The
 * batch must be contiguous and start at most one past the end — an earlier start replaces the
 * suffix from there (§5.3) — and terms never go down along a log (§5.3: a leader appends in its
 * own term, and terms only grow).
 */
export function appendProblem(log: readonly Entry[], entries: readonly Entry[]): string | null {
  const first = entries[0];
  if (first === undefined) return null;
  let expected = first.index;
  if (!isCount(expected) || expected < 1 || expected > log.length + 1) {
    return `entry index ${String(expected)} leaves a gap: the log ends at index ${log.length}`;
  }
  let prevTerm = expected > 1 ? (log[expected - 2]?.term ?? 0) : 0;
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
): string | null {
  const problem = (hardState === null ? null : hardStateProblem(hardState)) ?? appendProblem(log, entries);
  if (problem !== null) return problem;
  const lastIndex = entries.at(-1)?.index ?? log.length;
  const commit = (hardState ?? stored).commit;
  if (commit > lastIndex) return `commit index ${commit} is past the last log index ${lastIndex}`;
  return null;
}

/**
 * Writes `entries` into `log` in place: drops the stored suffix from the first new index (the
 * conflict truncation of §5.3), then appends. Returns how many stored entries were dropped.
 * Call only after {@link appendProblem} returned null.
 */
export function spliceEntries(log: Entry[], entries: readonly Entry[]): number {
  const first = entries[0];
  if (first === undefined) return 0;
  const dropped = Math.max(0, log.length - (first.index - 1));
  log.length -= dropped;
  // Entries are immutable by contract (src/raft/types.ts): keep the objects, do not copy them.
  for (const e of entries) log.push(e);
  return dropped;
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
