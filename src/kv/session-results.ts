import type { KvResult } from './types.js';

/**
 * One client session's remembered results (thesis §6.3): seq → first result, in the order they
 * were recorded — a Map's semantics for what the state machine does with them. Kept as a queue
 * because that is how they are used: recorded at the back (seqs mostly rise), dropped from the
 * front once acknowledged. A Map would resize its table as it empties and fills again, on every
 * node, for every request.
 */
export class SessionResults {
  /** Slots head..tail-1 are kept; the arrays keep their length, so refilling them allocates nothing. */
  private seqs: number[] = [];
  private results: KvResult[] = [];
  /** Index of the oldest result kept; the slots before it are spent. */
  private head = 0;
  /** One past the newest result kept. */
  private tail = 0;
  /** No seq above this was ever recorded: a new request is told apart without a scan. */
  private maxSeq = Number.NEGATIVE_INFINITY;

  /** The result recorded for `seq`, if it is still kept. */
  get(seq: number): KvResult | undefined {
    if (seq > this.maxSeq) return undefined;
    const i = this.find(seq);
    return i < 0 ? undefined : this.results[i];
  }

  /** Records `result` for `seq`; a seq already kept gets the new result in its place. */
  set(seq: number, result: KvResult): void {
    if (seq <= this.maxSeq) {
      const i = this.find(seq);
      if (i >= 0) {
        this.results[i] = result;
        return;
      }
    } else {
      this.maxSeq = seq;
    }
    const tail = this.tail++;
    if (tail < this.seqs.length) {
      this.seqs[tail] = seq;
      this.results[tail] = result;
    } else {
      this.seqs.push(seq);
      this.results.push(result);
    }
  }

  /**
   * Drops results from the oldest recorded on, while their seq is below `ack`; stops at the
   * first one still needed (a straggler recorded after it waits for a later ack).
   */
  dropBelow(ack: number): void {
    const { seqs, results, tail } = this;
    let head = this.head;
    while (head < tail && seqs[head]! < ack) results[head++] = NO_RESULT;
    if (head === tail) {
      this.tail = 0;
      head = 0;
    } else if (head >= 64 && head * 2 >= tail) {
      // Mostly spent slots: move the rest down, so the arrays stay as long as what is kept.
      const kept = tail - head;
      for (let i = 0; i < kept; i++) {
        seqs[i] = seqs[head + i]!;
        results[i] = results[head + i]!;
      }
      for (let i = kept; i < tail; i++) results[i] = NO_RESULT;
      this.tail = kept;
      head = 0;
    }
    this.head = head;
  }

  /** [seq, result] pairs, oldest recorded first. */
  entries(): [number, KvResult][] {
    const out: [number, KvResult][] = [];
    for (let i = this.head; i < this.tail; i++) out.push([this.seqs[i]!, this.results[i]!]);
    return out;
  }

  /** The slot holding `seq`, or -1. */
  private find(seq: number): number {
    const seqs = this.seqs;
    for (let i = this.head; i < this.tail; i++) if (seqs[i] === seq) return i;
    return -1;
  }
}

/** What a spent slot holds, so a forgotten result is not kept alive. */
const NO_RESULT: KvResult = Object.freeze({});
