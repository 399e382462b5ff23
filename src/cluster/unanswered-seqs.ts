/**
 * A client's sequence numbers (thesis §6.3) that still wait for an answer, as flags over the
 * window from the lowest unanswered seq to the newest: seqs are taken in order and mostly
 * answered in order, so a queue of flags does what a set would, without a hash table that
 * empties and refills (and resizes) with every request.
 */
export class UnansweredSeqs {
  /** answered[i - head] tells whether seq `first + i - head` was answered. */
  private answered: boolean[] = [];
  private head = 0;
  /** The seq at `head`: every seq below it was answered. */
  private first: number;

  constructor(firstSeq: number) {
    this.first = firstSeq;
  }

  /** Takes `seq`, the next seq (one above the last taken), as waiting. */
  add(seq: number): void {
    const i = this.head + (seq - this.first);
    if (i < this.answered.length) this.answered[i] = false;
    else this.answered.push(false);
  }

  /** `seq` was answered. */
  delete(seq: number): void {
    const i = this.head + (seq - this.first);
    if (seq >= this.first && i < this.answered.length) this.answered[i] = true;
  }

  /** The lowest seq still waiting, or `next` (the seq the next request will take) when none. */
  lowest(next: number): number {
    const a = this.answered;
    let head = this.head;
    const end = head + (next - this.first);
    while (head < end && a[head] === true) head++;
    this.first += head - this.head;
    if (head === end) {
      // Nothing waits: start again at slot 0, keeping the array.
      this.head = 0;
    } else if (head >= 1024 && head * 2 >= end) {
      a.copyWithin(0, head, end);
      this.head = 0;
    } else {
      this.head = head;
    }
    return this.first;
  }
}
