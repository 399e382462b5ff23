import type { Index, ReadState } from '../raft/types.js';
import { IdSlots } from './id-slots.js';

/** What became of a read: the state machine's answer at its read index, or why there is none. */
export type ReadOutcome<R> = { applied: true; result: R; index: Index } | { applied: false; reason: 'superseded' | 'crashed' };

/** One read, from its arrival until it is answered; `index` is -1 until the core confirms one. */
interface WaitingRead<R> {
  serve: () => R;
  resolve: (outcome: ReadOutcome<R>) => void;
  index: Index;
}

/**
 * One node host's ReadIndex reads (thesis §6.4), in two stages: asked (the core has not yet
 * confirmed a read index for it) and confirmed (waiting until this node has applied up to the
 * read index, then answered from the state machine). A read is one record from start to end:
 * under load thousands wait at once, and every object per read is garbage to collect.
 */
export class ReadWaiters<R> {
  private lastId = 0;
  private readonly asked = new IdSlots<WaitingRead<R>>();
  /** Sorted by index, lowest first, from `head` on (the ones before it are answered, cleared). */
  private confirmed: (WaitingRead<R> | undefined)[] = [];
  private head = 0;

  /** Confirmed reads waiting for the state machine to catch up. */
  get waiting(): number {
    return this.confirmed.length - this.head;
  }

  nextId(): number {
    return ++this.lastId;
  }

  /** Registers read `id`; `serve` runs once it may be answered, and its result is the answer. */
  add(id: number, serve: () => R): Promise<ReadOutcome<R>> {
    return new Promise((resolve) => this.asked.put(id, { serve, resolve, index: -1 }));
  }

  /** What a Ready said: reads confirmed with their read index, and reads that failed. */
  update(states: readonly ReadState[], failed: readonly number[]): void {
    for (const id of failed) {
      const r = this.asked.take(id);
      if (!r) continue;
      r.resolve({ applied: false, reason: 'superseded' });
    }
    let sorted = true;
    for (const s of states) {
      const r = this.asked.take(s.id);
      if (!r) continue;
      const last = this.confirmed.length > this.head ? this.confirmed[this.confirmed.length - 1] : undefined;
      if (last !== undefined && last.index > s.index) sorted = false;
      r.index = s.index;
      this.confirmed.push(r);
    }
    if (!sorted) {
      this.confirmed = this.confirmed.slice(this.head).sort((a, b) => a!.index - b!.index);
      this.head = 0;
    }
  }

  /** Answers every confirmed read whose index is applied (thesis §6.4: applied ≥ read index). */
  serveUpTo(applied: Index): void {
    const list = this.confirmed;
    // Settling a promise runs none of its callbacks now, so the list holds still meanwhile.
    for (let r = list[this.head]; r !== undefined && r.index <= applied; r = list[this.head]) {
      list[this.head++] = undefined;
      r.resolve({ applied: true, result: r.serve(), index: r.index });
    }
    if (this.head === list.length) {
      this.confirmed = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > list.length) {
      this.confirmed = list.slice(this.head);
      this.head = 0;
    }
  }

  /** The node crashed: nothing waiting here will be answered. */
  failAll(reason: 'crashed' | 'superseded'): void {
    for (const r of this.asked.takeAll()) r.resolve({ applied: false, reason });
    for (let i = this.head; i < this.confirmed.length; i++) this.confirmed[i]?.resolve({ applied: false, reason });
    this.confirmed = [];
    this.head = 0;
  }
}
