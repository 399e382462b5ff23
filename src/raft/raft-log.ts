import type { Entry, Index, Term } from './types.js';

/**
 * One node's log in memory (entries 1..lastIndex) and the cursors that say how far it is
 * committed, handed out for applying, applied, and handed out for persisting.
 *
 * Nothing here copies the whole log: lookups are O(1) and the term searches are binary
 * searches, which works because terms never decrease along a log (§5.3, Log Matching).
 */
export class RaftLog {
  /** Invariant: entries[i].index === i + 1, and entries[i].term never decreases with i. */
  readonly entries: Entry[];
  /**
   * Highest index known to be committed (§5.3).
   * Invariant: applied <= applying <= commit <= lastIndex() (applying may pass commit only
   * under bugs.applyBeforeCommit).
   */
  commit: Index;
  /** Highest index handed out in Ready.committedEntries. */
  applying: Index = 0;
  /** Highest index the host has applied (acknowledged through advance). */
  applied: Index = 0;
  /**
   * First index not yet handed out in Ready.entries for persisting.
   * Invariant: 1 <= unstable <= lastIndex() + 1.
   */
  unstable: Index;
  /**
   * Highest index the host has persisted (acknowledged through advance): what a leader may
   * count as its own copy toward a commit (thesis §10.2.1).
   * Invariant: persisted < unstable, persisted <= lastIndex().
   */
  persisted: Index;

  /** Takes ownership of `entries` (already checked by the caller to be a valid log). */
  constructor(entries: Entry[], commit: Index) {
    this.entries = entries;
    this.commit = Math.min(commit, entries.length);
    this.unstable = entries.length + 1;
    this.persisted = entries.length; // loaded from storage
  }

  lastIndex(): Index {
    return this.entries.length;
  }

  lastTerm(): Term {
    const e = this.entries[this.entries.length - 1];
    return e === undefined ? 0 : e.term;
  }

  /** The term of the entry at `index`: 0 for index 0, -1 when there is no such entry. */
  term(index: Index): Term {
    if (index === 0) return 0;
    const e = this.entries[index - 1];
    return e === undefined ? -1 : e.term;
  }

  /** §5.3 consistency check: does our log hold an entry at `index` with `term`? */
  matchTerm(index: Index, term: Term): boolean {
    return this.term(index) === term;
  }

  /**
   * §5.4.1 election restriction: is a log ending at (lastTerm, lastIndex) at least as up to date
   * as ours? Compare last terms first; with equal last terms the longer log wins.
   */
  isUpToDate(lastIndex: Index, lastTerm: Term): boolean {
    const ours = this.lastTerm();
    return lastTerm > ours || (lastTerm === ours && lastIndex >= this.lastIndex());
  }

  /**
   * The index of the first of `entries` (consecutive, from their first index) that is not
   * already in our log — a new index, or one where our term differs; 0 when all are present.
   */
  findConflict(entries: readonly Entry[]): Index {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (this.term(e.index) !== e.term) return e.index;
    }
    return 0;
  }

  /** Appends one entry at lastIndex + 1 (the caller sets its index). */
  push(entry: Entry): void {
    this.entries.push(entry);
  }

  /**
   * Writes `entries[from..]` into the log at their own indexes, first removing our suffix from
   * the first written index on (§5.3: "delete the existing entry and all that follow it").
   * Returns how many entries were removed.
   */
  overwrite(entries: readonly Entry[], from: number): number {
    const first = entries[from];
    if (first === undefined) return 0;
    const removed = this.truncateFrom(first.index);
    for (let i = from; i < entries.length; i++) this.entries.push(entries[i]!);
    return removed;
  }

  /** Removes entries index.. from the log; returns how many. Never called below commit. */
  truncateFrom(index: Index): number {
    const removed = this.entries.length - (index - 1);
    if (removed <= 0) return 0;
    this.entries.length = index - 1;
    // Storage must rewrite from here: the next Ready starts at or before the cut.
    if (this.unstable > index) this.unstable = index;
    if (this.persisted >= index) this.persisted = index - 1;
    return removed;
  }

  /** Entries lo..hi inclusive, as a new array (a slice, not the log). */
  slice(lo: Index, hi: Index): Entry[] {
    return this.entries.slice(lo - 1, hi);
  }

  /**
   * The last index of a batch that starts at `from` (≤ lastIndex): at most `maxEntries`
   * entries and about `maxBytes` of command data, but always at least one entry.
   */
  batchEnd(from: Index, maxEntries: number, maxBytes: number): Index {
    const hi = Math.min(this.entries.length, from + maxEntries - 1);
    let bytes = 0;
    for (let i = from; i <= hi; i++) {
      bytes += this.entries[i - 1]!.data.length;
      if (bytes > maxBytes && i > from) return i - 1;
    }
    return hi;
  }

  /** First index of `term` at or before `upTo`, given that term(upTo) === term. */
  firstIndexOfTerm(term: Term, upTo: Index): Index {
    let lo = 1;
    let hi = upTo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) >= term) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Last index at or before `upTo` holding an entry of `term`; 0 when we have none. */
  lastIndexOfTerm(term: Term, upTo: Index): Index {
    let lo = 0;
    let hi = Math.min(upTo, this.lastIndex());
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.term(mid) <= term) lo = mid;
      else hi = mid - 1;
    }
    return lo > 0 && this.term(lo) === term ? lo : 0;
  }
}

/** Checks a log loaded from storage: consecutive from index 1, terms never decreasing. */
export function checkedLog(entries: readonly Entry[]): Entry[] {
  let lastTerm = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.index !== i + 1 || !(e.term >= lastTerm) || e.term < 1)
      throw new RangeError(`raft config: entries must run 1..N with non-decreasing terms (bad entry at position ${i})`);
    lastTerm = e.term;
  }
  // Our own copy: the core appends and truncates it.
  return entries.slice();
}
