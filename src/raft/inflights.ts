import type { Index } from './types.js';

/**
 * The pipelining window of one follower: the last index of each AppendEntries sent to it and
 * not yet acknowledged, oldest first, in a fixed ring (no allocation while replicating).
 */
export class Inflights {
  private readonly ring: Float64Array;
  private start = 0;
  /** Invariant: 0 <= count <= capacity. */
  count = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  full(): boolean {
    return this.count >= this.capacity;
  }

  /** Records a message whose last entry is `last`; the caller checks full() first. */
  add(last: Index): void {
    if (this.full()) return;
    // start < capacity and count < capacity here: one subtraction wraps (no division).
    let at = this.start + this.count;
    if (at >= this.capacity) at -= this.capacity;
    this.ring[at] = last;
    this.count++;
  }

  /** Frees every message whose last entry is at or below `index`: the follower has them all. */
  freeLE(index: Index): void {
    while (this.count > 0 && this.ring[this.start]! <= index) {
      this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
      this.count--;
    }
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }
}
