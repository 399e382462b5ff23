import { describe, expect, it } from 'vitest';
import { UnansweredSeqs } from '../../src/cluster/unanswered-seqs.js';

describe('UnansweredSeqs', () => {
  it('gives the lowest seq still waiting, as a set of outstanding seqs would, answers in any order', () => {
    let state = 99;
    const rand = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let run = 0; run < 20; run++) {
      const model = new Set<number>();
      const seqs = new UnansweredSeqs(1);
      let next = 1;
      for (let step = 0; step < 3000; step++) {
        const roll = rand(10);
        if (roll < 4 || model.size === 0) {
          model.add(next);
          seqs.add(next);
          next++;
        } else if (roll < 8) {
          // Mostly the oldest first, sometimes any other one.
          const waiting = [...model];
          const seq = rand(3) === 0 ? waiting[rand(waiting.length)]! : waiting[0]!;
          model.delete(seq);
          seqs.delete(seq);
        } else {
          let lowest = next;
          for (const s of model) lowest = Math.min(lowest, s);
          expect(seqs.lowest(next)).toBe(lowest);
        }
      }
    }
  });

  it('is at the next seq once every request was answered, and below the one still waiting otherwise', () => {
    const seqs = new UnansweredSeqs(1);
    for (let s = 1; s <= 5; s++) seqs.add(s);
    seqs.delete(1);
    seqs.delete(3);
    expect(seqs.lowest(6)).toBe(2);
    seqs.delete(2);
    expect(seqs.lowest(6)).toBe(4);
    seqs.delete(4);
    seqs.delete(5);
    expect(seqs.lowest(6)).toBe(6);
    seqs.add(6);
    expect(seqs.lowest(7)).toBe(6);
  });
});
