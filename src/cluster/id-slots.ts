/**
 * Values under ids handed out in increasing order (1, 2, 3, …), taken out in about the order
 * they were put in: an array window instead of a Map, which under heavy churn keeps rehashing
 * its table (garbage). A value still waiting far behind the newest one (its answer was lost,
 * say) moves to a side Map, so one straggler never holds the window open.
 */
export class IdSlots<T> {
  /** slots[i] holds id base + i; the ones before `head` are all taken. */
  private slots: (T | undefined)[] = [];
  private base = 1;
  private head = 0;
  private readonly stragglers = new Map<number, T>();

  /** How far behind the newest id a waiting value may sit in the window. */
  constructor(private readonly reach = 8192) {}

  /** Puts `value` under `id`, which must be greater than every id put before. */
  put(id: number, value: T): void {
    if (this.slots.length === this.head) {
      // Empty window: start it at `id` (ids skipped by the caller leave no holes).
      this.slots = [];
      this.head = 0;
      this.base = id;
    }
    const at = id - this.base;
    if (at < this.slots.length) throw new Error(`IdSlots: id ${id} is not past the newest id ${this.base + this.slots.length - 1}`);
    while (this.slots.length < at) this.slots.push(undefined);
    this.slots.push(value);
    if (at - this.head > this.reach) this.evictBefore(at - this.reach);
  }

  /** Removes and returns the value under `id`, if there is one. */
  take(id: number): T | undefined {
    const at = id - this.base;
    if (at < this.head || at >= this.slots.length) {
      const v = this.stragglers.get(id);
      if (v !== undefined) this.stragglers.delete(id);
      return v;
    }
    const v = this.slots[at];
    this.slots[at] = undefined;
    if (at === this.head) this.advance();
    return v;
  }

  /** Removes and returns every value, oldest id first. */
  takeAll(): T[] {
    const all = [...this.stragglers.values()];
    for (let i = this.head; i < this.slots.length; i++) {
      const v = this.slots[i];
      if (v !== undefined) all.push(v);
    }
    this.stragglers.clear();
    this.slots = [];
    this.head = 0;
    return all;
  }

  private advance(): void {
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.base += this.head;
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }

  /** Moves the values in slots before `at` to the side Map. */
  private evictBefore(at: number): void {
    for (let i = this.head; i < at; i++) {
      const v = this.slots[i];
      if (v === undefined) continue;
      this.stragglers.set(this.base + i, v);
      this.slots[i] = undefined;
    }
    this.head = at;
    this.advance();
  }
}
