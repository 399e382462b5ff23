import type { Index } from '../raft/types.js';

/**
 * Values by log index, for the indexes from a moving floor on: what the safety checker keeps of
 * the cluster's log. Everything below the floor — what every node's snapshot already covers
 * (§7) — can be dropped, so the checker's memory stays flat however long the cluster runs.
 */
export class IndexWindow<T> {
  /** The lowest index that may hold a value; below it everything was dropped. */
  private floor: Index = 1;
  private items: (T | undefined)[] = [];

  get(index: Index): T | undefined {
    return index >= this.floor ? this.items[index - this.floor] : undefined;
  }

  set(index: Index, value: T): void {
    if (index >= this.floor) this.items[index - this.floor] = value;
  }

  /** The lowest index still kept. */
  get first(): Index {
    return this.floor;
  }

  /** Forgets every index below `index` (cheap: amortised over many calls). */
  dropBelow(index: Index): void {
    if (index <= this.floor) return;
    this.items.splice(0, Math.min(this.items.length, index - this.floor));
    this.floor = index;
  }
}

/** A short fingerprint of a snapshot's data (FNV-1a, 32 bits, plus the length). */
export function fingerprint(data: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16)}:${data.length}`;
}
