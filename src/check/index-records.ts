import type { Index, NodeId, Term } from '../raft/types.js';

/**
 * One record per log index — a value, the node it came from and a term — kept as three columns
 * rather than an object per index. The safety checker keeps such records for every entry until
 * every node's snapshot covers it (§7): thousands at a time, written at the rate the cluster
 * commits. As objects they would each be allocated, promoted and traced by the collector; in
 * columns, only the value is a reference. Indexes below a moving floor are dropped.
 */
export class IndexRecords<V> {
  /** The lowest index that may hold a record; below it everything was dropped. */
  private floor: Index = 1;
  private readonly values: (V | undefined)[] = [];
  private readonly nodes: NodeId[] = [];
  private readonly terms: Term[] = [];

  /** The value recorded at `index`, if any. */
  value(index: Index): V | undefined {
    return index >= this.floor ? this.values[index - this.floor] : undefined;
  }

  /** The node of the record at `index` (read only where {@link value} is defined). */
  node(index: Index): NodeId {
    return this.nodes[index - this.floor]!;
  }

  /** The term of the record at `index` (read only where {@link value} is defined). */
  term(index: Index): Term {
    return this.terms[index - this.floor]!;
  }

  set(index: Index, value: V, node: NodeId, term: Term): void {
    if (index < this.floor) return;
    const i = index - this.floor;
    this.values[i] = value;
    this.nodes[i] = node;
    this.terms[i] = term;
  }

  /** Replaces the value at `index`, keeping its node and term. */
  setValue(index: Index, value: V): void {
    if (index >= this.floor) this.values[index - this.floor] = value;
  }

  setTerm(index: Index, term: Term): void {
    if (index >= this.floor) this.terms[index - this.floor] = term;
  }

  /** The lowest index still kept. */
  get first(): Index {
    return this.floor;
  }

  /** Forgets every index below `index` (cheap: amortised over many calls). */
  dropBelow(index: Index): void {
    if (index <= this.floor) return;
    const n = Math.min(this.values.length, index - this.floor);
    this.values.splice(0, n);
    this.nodes.splice(0, n);
    this.terms.splice(0, n);
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
