import type { Index, ReadState } from '../raft/types.js';
import type { RequestOutcome } from './node-host.js';

interface AskedRead<R> {
  serve: () => R;
  resolve: (answer: { index: Index; outcome: RequestOutcome<R> }) => void;
}

interface ConfirmedRead<R> extends AskedRead<R> {
  index: Index;
}

/**
 * One node host's ReadIndex reads (thesis §6.4), in two stages: asked (the core has not yet
 * confirmed a read index for it) and confirmed (waiting until this node has applied up to the
 * read index, then answered from the state machine).
 */
export class ReadWaiters<R> {
  private lastId = 0;
  private readonly asked = new Map<number, AskedRead<R>>();
  /** Sorted by index, lowest first. */
  private confirmed: ConfirmedRead<R>[] = [];

  /** Confirmed reads waiting for the state machine to catch up. */
  get waiting(): number {
    return this.confirmed.length;
  }

  nextId(): number {
    return ++this.lastId;
  }

  /** Registers read `id`; `serve` runs once it may be answered, and its result is the answer. */
  add(id: number, serve: () => R): Promise<{ index: Index; outcome: RequestOutcome<R> }> {
    return new Promise((resolve) => this.asked.set(id, { serve, resolve }));
  }

  /** What a Ready said: reads confirmed with their read index, and reads that failed. */
  update(states: readonly ReadState[], failed: readonly number[]): void {
    for (const id of failed) {
      const r = this.asked.get(id);
      if (!r) continue;
      this.asked.delete(id);
      r.resolve({ index: 0, outcome: { applied: false, reason: 'superseded' } });
    }
    let sorted = true;
    for (const s of states) {
      const r = this.asked.get(s.id);
      if (!r) continue;
      this.asked.delete(s.id);
      const last = this.confirmed[this.confirmed.length - 1];
      if (last !== undefined && last.index > s.index) sorted = false;
      this.confirmed.push({ ...r, index: s.index });
    }
    if (!sorted) this.confirmed.sort((a, b) => a.index - b.index);
  }

  /** Answers every confirmed read whose index is applied (thesis §6.4: applied ≥ read index). */
  serveUpTo(applied: Index): void {
    let n = 0;
    while (n < this.confirmed.length && this.confirmed[n]!.index <= applied) n++;
    if (n === 0) return;
    const ready = this.confirmed.slice(0, n);
    this.confirmed = this.confirmed.slice(n);
    for (const r of ready) r.resolve({ index: r.index, outcome: { applied: true, result: r.serve() } });
  }

  /** The node crashed: nothing waiting here will be answered. */
  failAll(reason: 'crashed' | 'superseded'): void {
    for (const r of this.asked.values()) r.resolve({ index: 0, outcome: { applied: false, reason } });
    for (const r of this.confirmed) r.resolve({ index: 0, outcome: { applied: false, reason } });
    this.asked.clear();
    this.confirmed = [];
  }
}
