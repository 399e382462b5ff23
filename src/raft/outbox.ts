/**
 * What a Ready or a message holds where it has nothing: one shared empty array instead of a new
 * one each time (a cluster takes thousands of Readies a second). Never added to — Ready and
 * message arrays are read-only to their holders. Not frozen: a frozen array is a different kind
 * of array to the engine, and every loop over Ready arrays would take a slower path.
 */
export const NOTHING: never[] = [];

/**
 * Messages or events queued for the next Ready, oldest first. The queue is one buffer kept for
 * the node's life; `take` hands out the queued items as a new array of exactly their number
 * (the Ready's holder keeps it). Growing a new array item by item would cost more: a first push
 * onto a small array reserves room for seventeen.
 */
export class Outbox<T> {
  /** Queued items are buf[0..length); the slots after them are empty (undefined). */
  private readonly buf: (T | undefined)[] = [];
  /** How many items are queued. */
  length = 0;

  push(item: T): void {
    this.buf[this.length++] = item;
  }

  /** The items queued since the queue held `mark` of them, as a new array (the queue keeps them). */
  since(mark: number): T[] {
    return this.buf.slice(mark, this.length) as T[];
  }

  /** Empties the queue into a new array: the items in order (the shared empty one for none). */
  take(): T[] {
    const n = this.length;
    if (n === 0) return NOTHING;
    const buf = this.buf;
    const out = n === 1 ? [buf[0] as T] : (buf.slice(0, n) as T[]);
    // Keep no references: what is handed out belongs to the Ready's holder.
    for (let i = 0; i < n; i++) buf[i] = undefined;
    this.length = 0;
    return out;
  }
}
