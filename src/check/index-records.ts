import type { Index, NodeId, Term } from '../raft/types.js';
import { clearSlots } from './ring-slots.js';

/**
 * One record per log index — a value, the node it came from and a term — kept as three columns
 * rather than an object per index. The safety checker keeps such records for every entry until
 * every node's snapshot covers it (§7): thousands at a time, written at the rate the cluster
 * commits. As objects they would each be allocated, promoted and traced by the collector; in
 * columns, only the value is a reference, and node and term sit in typed arrays the collector
 * never reads. The columns are rings (index i in slot i & mask) over the span of indexes that
 * hold records: dropping the indexes below a floor clears their slots, it never shifts the
 * rest, and the rings grow (doubling) only when that span outgrows them. The span starts
 * where the first record lands, not at index 1: a node that restarts from a snapshot at a
 * million writes its records there, and a ring reaching down to index 1 would need a million
 * slots.
 */
export class IndexRecords<V> {
  /** The lowest index that may hold a record; below it everything was dropped. */
  private floor: Index = 1;
  /**
   * The span that may hold records: lo..hi (empty when hi < lo), never wider than the ring
   * (hi - lo <= mask). Every slot outside it is empty, so the span can grow at either end.
   */
  private lo: Index = 1;
  private hi: Index = 0;
  /** Slots minus one (the slot count is a power of two). */
  private mask: number;
  private values: (V | undefined)[];
  private nodes: Float64Array;
  private terms: Float64Array;

  constructor(slots = 64) {
    let n = 1;
    while (n < slots) n *= 2;
    this.mask = n - 1;
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.nodes = new Float64Array(n);
    this.terms = new Float64Array(n);
  }

  /** The value recorded at `index`, if any. */
  value(index: Index): V | undefined {
    return index >= this.lo && index <= this.hi ? this.values[index & this.mask] : undefined;
  }

  /** The node of the record at `index` (read only where {@link value} is defined). */
  node(index: Index): NodeId {
    return this.nodes[index & this.mask]!;
  }

  /** The term of the record at `index` (read only where {@link value} is defined). */
  term(index: Index): Term {
    return this.terms[index & this.mask]!;
  }

  set(index: Index, value: V, node: NodeId, term: Term): void {
    if (!this.reach(index)) return;
    const i = index & this.mask;
    this.values[i] = value;
    this.nodes[i] = node;
    this.terms[i] = term;
  }

  /** Replaces the value at `index`, keeping its node and term. */
  setValue(index: Index, value: V): void {
    if (this.reach(index)) this.values[index & this.mask] = value;
  }

  setTerm(index: Index, term: Term): void {
    if (this.reach(index)) this.terms[index & this.mask] = term;
  }

  /** Slots per column: what the records cost in memory, whatever their indexes. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The lowest index still kept. */
  get first(): Index {
    return this.floor;
  }

  /** Forgets every index below `index`: clears their slots (each slot once per pass of the ring). */
  dropBelow(index: Index): void {
    if (index <= this.floor) return;
    this.floor = index;
    if (index <= this.lo) return;
    clearSlots(this.values, this.mask, this.lo, Math.min(index, this.hi + 1));
    this.lo = index;
    if (this.hi < index) this.hi = index - 1;
  }

  /**
   * Widens the span to take `index`, growing the rings if it no longer fits; false when `index`
   * is below the floor (forgotten: no record is kept there).
   */
  private reach(index: Index): boolean {
    if (index >= this.lo && index <= this.hi) return true;
    if (index < this.floor) return false;
    if (this.hi < this.lo) {
      this.lo = index;
      this.hi = index;
      return true;
    }
    const lo = Math.min(this.lo, index);
    const hi = Math.max(this.hi, index);
    if (hi - lo > this.mask) this.grow(hi - lo);
    this.lo = lo;
    this.hi = hi;
    return true;
  }

  /** Doubles the rings until a span of `width` + 1 indexes fits; every kept record moves to its new slot. */
  private grow(width: number): void {
    let n = this.mask + 1;
    while (width >= n) n *= 2;
    const mask = n - 1;
    const values = new Array<V | undefined>(n).fill(undefined);
    const nodes = new Float64Array(n);
    const terms = new Float64Array(n);
    for (let i = this.lo; i <= this.hi; i++) {
      const from = i & this.mask;
      const to = i & mask;
      values[to] = this.values[from];
      nodes[to] = this.nodes[from]!;
      terms[to] = this.terms[from]!;
    }
    this.mask = mask;
    this.values = values;
    this.nodes = nodes;
    this.terms = terms;
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
