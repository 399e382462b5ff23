import type { Index, NodeId, Term } from '../raft/types.js';
import { clearSlots } from './ring-slots.js';

/**
 * One record per log index — a value, the node it came from and a term — kept as three columns
 * rather than an object per index. The safety checker keeps such records for every entry until
 * every node's snapshot covers it (§7): thousands at a time, written at the rate the cluster
 * commits. As objects they would each be allocated, promoted and traced by the collector; in
 * columns, only the value is a reference, and node and term sit in typed arrays the collector
 * never reads. The columns are rings (index i in slot i & mask) over the indexes from a moving
 * floor up: dropping the indexes below the floor clears their slots, it never shifts the rest,
 * and the rings grow (doubling) only when the kept span outgrows them.
 */
export class IndexRecords<V> {
  /** The lowest index that may hold a record; below it everything was dropped. */
  private floor: Index = 1;
  /** Slots minus one (the slot count is a power of two); kept indexes lie in [floor, floor + mask]. */
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
    const off = index - this.floor;
    return off >= 0 && off <= this.mask ? this.values[index & this.mask] : undefined;
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
    if (index < this.floor) return;
    if (index - this.floor > this.mask) this.grow(index);
    const i = index & this.mask;
    this.values[i] = value;
    this.nodes[i] = node;
    this.terms[i] = term;
  }

  /** Replaces the value at `index`, keeping its node and term. */
  setValue(index: Index, value: V): void {
    const off = index - this.floor;
    if (off < 0) return;
    if (off > this.mask) this.grow(index);
    this.values[index & this.mask] = value;
  }

  setTerm(index: Index, term: Term): void {
    const off = index - this.floor;
    if (off < 0) return;
    if (off > this.mask) this.grow(index);
    this.terms[index & this.mask] = term;
  }

  /** The lowest index still kept. */
  get first(): Index {
    return this.floor;
  }

  /** Forgets every index below `index`: clears their slots (each slot once per pass of the ring). */
  dropBelow(index: Index): void {
    if (index <= this.floor) return;
    clearSlots(this.values, this.mask, this.floor, Math.min(index, this.floor + this.mask + 1));
    this.floor = index;
  }

  /** Doubles the rings until `index` fits above the floor; every kept record moves to its new slot. */
  private grow(index: Index): void {
    let n = this.mask + 1;
    while (index - this.floor >= n) n *= 2;
    const mask = n - 1;
    const values = new Array<V | undefined>(n).fill(undefined);
    const nodes = new Float64Array(n);
    const terms = new Float64Array(n);
    for (let i = this.floor; i <= this.floor + this.mask; i++) {
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
