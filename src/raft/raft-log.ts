import type { Entry, Index, Term } from './types.js';

/**
 * One node's log in memory — the entries after its latest snapshot (§7) — and the cursors that
 * say how far it is committed, handed out for applying, applied, and handed out for persisting.
 *
 * Nothing here copies the whole log: lookups are O(1) and the term searches are binary
 * searches, which works because terms never decrease along a log (§5.3, Log Matching).
 */
export class RaftLog {
  /**
   * The entries after the snapshot.
   * Invariant: entries[i].index === snapshotIndex + i + 1, and entries[i].term never decreases.
   */
  readonly entries: Entry[];
  /** §7: the last index the snapshot replaces (0: no snapshot), and that entry's term. */
  snapshotIndex: Index;
  snapshotTerm: Term;
  /**
   * Highest index known to be committed (§5.3).
   * Invariant: snapshotIndex <= applied <= applying <= commit <= lastIndex() (applying may pass
   * commit only under bugs.applyBeforeCommit).
   */
  commit: Index;
  /** Highest index handed out in Ready.committedEntries (or restored from a snapshot). */
  applying: Index;
  /** Highest index the host has applied (acknowledged through advance). */
  applied: Index;
  /**
   * First index not yet handed out in Ready.entries for persisting.
   * Invariant: snapshotIndex + 1 <= unstable <= lastIndex() + 1.
   */
  unstable: Index;
  /**
   * Highest index the host has persisted (acknowledged through advance): what a leader may
   * count as its own copy toward a commit (thesis §10.2.1).
   * Invariant: persisted < unstable, persisted <= lastIndex().
   */
  persisted: Index;

  /**
   * Takes ownership of `entries` (already checked by the caller to be a valid log after the
   * snapshot). A node starts with its snapshot applied: the host restores it before anything.
   */
  constructor(entries: Entry[], commit: Index, snapshot: { index: Index; term: Term } = { index: 0, term: 0 }) {
    this.entries = entries;
    this.snapshotIndex = snapshot.index;
    this.snapshotTerm = snapshot.term;
    // §7: a snapshot holds committed entries only.
    this.commit = Math.max(snapshot.index, Math.min(commit, this.lastIndex()));
    this.applying = snapshot.index;
    this.applied = snapshot.index;
    this.unstable = this.lastIndex() + 1;
    this.persisted = this.lastIndex(); // loaded from storage
  }

  lastIndex(): Index {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): Term {
    const n = this.entries.length;
    return n === 0 ? this.snapshotTerm : this.entries[n - 1]!.term;
  }

  /**
   * The term of the entry at `index`: the snapshot's term at its index (0 at index 0), -1 when
   * there is no such entry or the snapshot replaced it (§7: its term is no longer known).
   */
  term(index: Index): Term {
    if (index <= this.snapshotIndex) return index === this.snapshotIndex ? this.snapshotTerm : -1;
    const e = this.entries[index - this.snapshotIndex - 1];
    return e === undefined ? -1 : e.term;
  }

  /** The entry at `index`, if the log holds it (not compacted, not past the end). */
  at(index: Index): Entry | undefined {
    return index > this.snapshotIndex ? this.entries[index - this.snapshotIndex - 1] : undefined;
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
    const removed = this.lastIndex() - (index - 1);
    if (removed <= 0) return 0;
    this.entries.length = index - 1 - this.snapshotIndex;
    // Storage must rewrite from here: the next Ready starts at or before the cut.
    if (this.unstable > index) this.unstable = index;
    if (this.persisted >= index) this.persisted = index - 1;
    return removed;
  }

  /** Entries lo..hi inclusive (all after the snapshot), as a new array (a slice, not the log). */
  slice(lo: Index, hi: Index): Entry[] {
    // Most slices are one entry (a proposal, its commit): an array literal is far cheaper than
    // the generic slice builtin, and gives the same array.
    const from = lo - this.snapshotIndex - 1;
    if (lo === hi && from >= 0 && from < this.entries.length) return [this.entries[from]!];
    return this.entries.slice(from, hi - this.snapshotIndex);
  }

  /**
   * §7: the snapshot now covers everything up to `index` (of `term`). With `keepAfter`, the
   * entries after `index` stay (the caller checked that our entry at `index` has `term`);
   * otherwise the whole log goes. Returns how many entries were dropped.
   */
  compactTo(index: Index, term: Term, keepAfter: boolean): number {
    const before = this.entries.length;
    if (keepAfter) this.entries.splice(0, Math.min(before, index - this.snapshotIndex));
    else this.entries.length = 0;
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    if (this.unstable <= index) this.unstable = index + 1;
    if (this.persisted < index) this.persisted = index;
    return before - this.entries.length;
  }

  /**
   * The last index of a batch that starts at `from` (≤ lastIndex): at most `maxEntries`
   * entries and about `maxBytes` of command data, but always at least one entry.
   */
  batchEnd(from: Index, maxEntries: number, maxBytes: number): Index {
    const hi = Math.min(this.lastIndex(), from + maxEntries - 1);
    const offset = this.snapshotIndex + 1;
    let bytes = 0;
    for (let i = from; i <= hi; i++) {
      bytes += this.entries[i - offset]!.data.length;
      if (bytes > maxBytes && i > from) return i - 1;
    }
    return hi;
  }

  /**
   * First index of `term` at or before `upTo`, given that term(upTo) === term; never before
   * the first entry after the snapshot (earlier terms are unknown, §7).
   */
  firstIndexOfTerm(term: Term, upTo: Index): Index {
    let lo = Math.max(1, this.snapshotIndex + 1);
    let hi = upTo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) >= term) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Last index at or before `upTo` holding an entry of `term` (the snapshot's last entry
   * included); 0 when we have none we know of.
   */
  lastIndexOfTerm(term: Term, upTo: Index): Index {
    let lo = this.snapshotIndex;
    let hi = Math.min(upTo, this.lastIndex());
    if (hi < lo) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.term(mid) <= term) lo = mid;
      else hi = mid - 1;
    }
    return lo > 0 && this.term(lo) === term ? lo : 0;
  }
}

/**
 * Checks a log loaded from storage: consecutive from just after the snapshot (index 1 without
 * one), terms never decreasing and never below the snapshot's.
 */
export function checkedLog(entries: readonly Entry[], snapshot: { index: Index; term: Term } = { index: 0, term: 0 }): Entry[] {
  let lastTerm = snapshot.term;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.index !== snapshot.index + i + 1 || !(e.term >= lastTerm) || e.term < 1)
      throw new RangeError(`raft config: entries must run ${snapshot.index + 1}..N with non-decreasing terms (bad entry at position ${i})`);
    lastTerm = e.term;
  }
  // Our own copy: the core appends and truncates it.
  return entries.slice();
}
