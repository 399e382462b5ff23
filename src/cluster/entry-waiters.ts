import type { Index, Term } from '../raft/types.js';

/** What became of a request: its result here, or why it has none. */
export type RequestOutcome<R> = { applied: true; result: R } | { applied: false; reason: 'superseded' | 'crashed' };

/**
 * Client requests waiting for their log entry to be applied on one host, by index. A leader's
 * proposals come in index order and are applied in index order, so this is a queue kept as
 * columns — nothing is allocated per request once the columns have grown, where a Map keyed by
 * index would rehash as it empties and fills again. A proposal at an index below the newest
 * waiting one (this host lost its leadership, its log was cut, and it leads again) is put in
 * its place in the order.
 */
export class EntryWaiters<R> {
  private indexes: Index[] = [];
  private terms: Term[] = [];
  private callbacks: (((outcome: RequestOutcome<R>) => void) | undefined)[] = [];
  /** Slots head..tail-1 wait; the slots are reused once the queue empties. */
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  /** Waits for the entry proposed at `index` in `term`. */
  add(index: Index, term: Term, onOutcome: (outcome: RequestOutcome<R>) => void): void {
    let at = this.tail++;
    // Rare: an index below the newest waiting one goes in its place (equal indexes keep their order).
    while (at > this.head && this.indexes[at - 1]! > index) {
      this.indexes[at] = this.indexes[at - 1]!;
      this.terms[at] = this.terms[at - 1]!;
      this.callbacks[at] = this.callbacks[at - 1];
      at--;
    }
    this.indexes[at] = index;
    this.terms[at] = term;
    this.callbacks[at] = onOutcome;
  }

  /** Whether someone waits for index `index` or an earlier one. */
  waitsUpTo(index: Index): boolean {
    return this.head < this.tail && this.indexes[this.head]! <= index;
  }

  /**
   * The entry at `index` of `term` was applied with `result`. Its waiters get it if they proposed
   * in that term; otherwise a later leader put another entry there, and theirs will never be
   * applied (§5.3). Waiters for earlier indexes (none, while entries are applied one by one)
   * are told the same. True when someone was told.
   */
  applied(index: Index, term: Term, result: R): boolean {
    let told = false;
    while (this.head < this.tail && this.indexes[this.head]! <= index) {
      const at = this.head++;
      const onOutcome = this.callbacks[at]!;
      const same = this.indexes[at] === index && this.terms[at] === term;
      this.callbacks[at] = undefined;
      told = true;
      onOutcome(same ? { applied: true, result } : { applied: false, reason: 'superseded' });
    }
    this.compact();
    return told;
  }

  /** Every waiter up to `index` (a snapshot now covers it) will not see its entry applied here. */
  supersededUpTo(index: Index): void {
    this.tellUpTo(index, { applied: false, reason: 'superseded' });
  }

  /** Tells every waiter `reason` and empties the queue (the host crashed). */
  failAll(reason: 'crashed'): void {
    this.tellUpTo(Number.POSITIVE_INFINITY, { applied: false, reason });
  }

  /** Tells every waiter up to `index` the same `outcome`, oldest first. */
  private tellUpTo(index: Index, outcome: RequestOutcome<R>): void {
    while (this.head < this.tail && this.indexes[this.head]! <= index) {
      const at = this.head++;
      const onOutcome = this.callbacks[at]!;
      this.callbacks[at] = undefined;
      onOutcome(outcome);
    }
    this.compact();
  }

  private compact(): void {
    const { head, tail } = this;
    if (head === tail) {
      this.head = 0;
      this.tail = 0;
    } else if (head >= 64 && head * 2 >= tail) {
      // Mostly spent slots (many always waiting, under load): move the rest down.
      const kept = tail - head;
      for (let i = 0; i < kept; i++) {
        this.indexes[i] = this.indexes[head + i]!;
        this.terms[i] = this.terms[head + i]!;
        this.callbacks[i] = this.callbacks[head + i];
      }
      for (let i = kept; i < tail; i++) this.callbacks[i] = undefined;
      this.head = 0;
      this.tail = kept;
    }
  }
}
