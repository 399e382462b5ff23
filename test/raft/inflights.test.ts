import { describe, expect, it } from 'vitest';
import { Inflights } from '../../src/raft/inflights.js';

/** What the window holds, oldest first, read through its public behaviour. */
function held(w: Inflights, upTo: number): number[] {
  const out: number[] = [];
  // Free one index at a time and watch the count drop: each drop is a message freed.
  for (let i = 0; i <= upTo && w.count > 0; i++) {
    const before = w.count;
    w.freeLE(i);
    for (let k = w.count; k < before; k++) out.push(i);
  }
  return out;
}

describe('the in-flight window of a follower', () => {
  it('keeps messages oldest first across many wraps of its ring, and frees them in order', () => {
    const w = new Inflights(3);
    let next = 1;
    for (let round = 0; round < 10; round++) {
      while (!w.full()) w.add(next++);
      expect(w.count).toBe(3);
      // The follower acknowledges the oldest two; one more fits after each.
      w.freeLE(next - 2);
      expect(w.count).toBe(1);
    }
    w.add(next);
    w.add(next + 1);
    expect(held(w, next + 1)).toEqual([next - 1, next, next + 1]);
  });

  it('ignores an add when full and frees nothing above the acknowledged index', () => {
    const w = new Inflights(2);
    w.add(5);
    w.add(7);
    w.add(9);
    expect(w.count).toBe(2);
    w.freeLE(6);
    expect(w.count).toBe(1);
    w.add(9);
    expect(held(w, 20)).toEqual([7, 9]);
  });
});
