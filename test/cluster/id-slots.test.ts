import { describe, expect, it } from 'vitest';
import { IdSlots } from '../../src/cluster/id-slots.js';

describe('IdSlots', () => {
  it('gives back each value once, taken in any order, with gaps in the ids', () => {
    const s = new IdSlots<string>();
    for (const id of [1, 2, 4, 7, 8]) s.put(id, `v${id}`);
    expect(s.take(4)).toBe('v4');
    expect(s.take(4)).toBeUndefined();
    expect(s.take(3)).toBeUndefined(); // never put
    expect(s.take(1)).toBe('v1');
    expect(s.take(8)).toBe('v8');
    s.put(9, 'v9');
    expect(s.takeAll()).toEqual(['v2', 'v7', 'v9']);
    expect(s.take(2)).toBeUndefined();
  });

  it('refuses an id that is not past the newest', () => {
    const s = new IdSlots<string>();
    s.put(5, 'a');
    expect(() => s.put(5, 'b')).toThrow(/not past the newest id 5/);
  });

  it('a value left far behind still comes back, and does not hold the window open', () => {
    const s = new IdSlots<number>(100);
    s.put(1, 1); // its answer never comes, for a long while
    for (let id = 2; id <= 50_000; id++) {
      s.put(id, id);
      expect(s.take(id)).toBe(id);
    }
    // The window moved on: memory stays small whatever the straggler does.
    expect((s as unknown as { slots: unknown[] }).slots.length).toBeLessThanOrEqual(2);
    expect(s.take(1)).toBe(1);
    expect(s.takeAll()).toEqual([]);
  });

  it('keeps values taken in about their order across many compactions', () => {
    const s = new IdSlots<number>(64);
    const waiting: number[] = [];
    let next = 1;
    for (let round = 0; round < 2000; round++) {
      for (let k = 0; k < 5; k++) {
        s.put(next, next);
        waiting.push(next++);
      }
      // Take three, one of them out of order.
      for (const at of [1, 0, 0]) {
        const id = waiting.splice(Math.min(at, waiting.length - 1), 1)[0]!;
        expect(s.take(id)).toBe(id);
      }
    }
    expect(s.takeAll().sort((a, b) => a - b)).toEqual(waiting.sort((a, b) => a - b));
  });
});
