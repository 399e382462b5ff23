import { KvStateMachine } from '../kv/state-machine.js';
import type { KvResult } from '../kv/types.js';
import type { Entry, Index } from '../raft/types.js';

/** Whether two entries at one index are the same entry (the simulator shares entry objects). */
export function sameEntry(a: Entry, b: Entry): boolean {
  return a === b || (a.term === b.term && a.type === b.type && a.data === b.data);
}

/**
 * The store's answers for one run, computed once per log position instead of once per node
 * incarnation. The store is a pure function of the entries applied, in order: so the answer
 * to entry i is the same on every node whose applied entries 1..i are the entries recorded
 * here (the first ones applied at each index anywhere). A node whose log ever differs at an
 * applied index (which only a broken Raft allows, and the invariant checker reports) stops
 * using this and runs its own store. Answers are computed lazily, when a client asks.
 */
export class SharedAnswers {
  /** The first entry applied at each index (position index - 1), noops included. */
  private readonly entries: Entry[] = [];
  private readonly results: (KvResult | undefined)[] = [];
  private readonly kv = new KvStateMachine();
  /** Entries up to here were run through `kv`. */
  private computed: Index = 0;

  /**
   * A node applied `entry` after applying every entry before it from this record. Returns
   * whether the node still matches this record (false: it must answer from its own store).
   */
  follow(entry: Entry): boolean {
    const known = this.entries[entry.index - 1];
    if (known !== undefined) return sameEntry(known, entry);
    if (entry.index !== this.entries.length + 1) return false;
    this.entries.push(entry);
    return true;
  }

  /** The store's answer to the entry at `index`, which some node applied (and matched). */
  answer(index: Index): KvResult {
    const entries = this.entries;
    while (this.computed < index) {
      const e = entries[this.computed]!;
      this.computed++;
      // Noops change nothing (thesis §6.4).
      if (e.type === 'normal') this.results[e.index - 1] = this.kv.apply(e.index, e.data);
    }
    return this.results[index - 1] ?? {};
  }
}
