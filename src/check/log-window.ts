import type { Entry, Index, Term } from '../raft/types.js';
import { clearSlots } from './ring-slots.js';

/**
 * One node's log as the safety checker rebuilds it from the entries the node wrote: the entries
 * after its latest snapshot (§7), which covers up to `base`. Entry i sits in slot i & mask of a
 * ring, so appending, cutting the tail (§5.3) and dropping what a snapshot covers move no
 * entries; the ring doubles only when the log outgrows it. Positions, not the entries' own
 * indexes, place them: the entry at i is the (i - base)th one appended.
 */
export class LogWindow {
  /** The last index the snapshot covers (0: none). */
  base: Index = 0;
  /** The term of the entry at `base` (0: none). */
  baseTerm: Term = 0;
  /** The last index held (`base` when the log after the snapshot is empty). */
  last: Index = 0;
  private mask: number;
  private slots: (Entry | undefined)[];

  constructor(slots = 64) {
    let n = 1;
    while (n < slots) n *= 2;
    this.mask = n - 1;
    this.slots = new Array<Entry | undefined>(n).fill(undefined);
  }

  /** The entry at `index`, if the log holds one there (not covered by the snapshot). */
  at(index: Index): Entry | undefined {
    return index > this.base && index <= this.last ? this.slots[index & this.mask] : undefined;
  }

  /** Entries held after the snapshot. */
  get length(): number {
    return this.last - this.base;
  }

  /** Appends `e` at `last + 1`. */
  push(e: Entry): void {
    const index = this.last + 1;
    if (index - this.base > this.mask) this.grow(index);
    this.slots[index & this.mask] = e;
    this.last = index;
  }

  /** Cuts the log after `index` (≥ base): a rewrite from index + 1 on follows (§5.3). */
  truncateAfter(index: Index): void {
    clearSlots(this.slots, this.mask, index + 1, this.last + 1);
    this.last = index;
  }

  /**
   * §7: a snapshot up to `index` with term `term` replaces what it covers; the entries after it
   * stay only when the log holds the snapshot's last entry (otherwise the log is discarded).
   */
  compact(index: Index, term: Term): void {
    const e = this.at(index);
    const keep = e !== undefined && e.term === term;
    const end = keep ? index : this.last;
    clearSlots(this.slots, this.mask, this.base + 1, end + 1);
    this.base = index;
    this.baseTerm = term;
    if (!keep) this.last = index;
  }

  private grow(index: Index): void {
    let n = this.mask + 1;
    while (index - this.base > n - 1) n *= 2;
    const mask = n - 1;
    const slots = new Array<Entry | undefined>(n).fill(undefined);
    for (let i = this.base + 1; i <= this.last; i++) slots[i & mask] = this.slots[i & this.mask];
    this.mask = mask;
    this.slots = slots;
  }
}
