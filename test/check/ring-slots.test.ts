import { describe, expect, it } from 'vitest';
import { clearSlots } from '../../src/check/ring-slots.js';

describe('clearSlots: a run of indexes cleared in a ring (index i in slot i & mask)', () => {
  const ring = () => Array.from({ length: 8 }, (_, i) => `s${i}`);

  it('clears the slots of the run and no other, inside the ring or across its end', () => {
    const inside = ring();
    clearSlots(inside, 7, 10, 13); // slots 2, 3, 4
    expect(inside).toEqual(['s0', 's1', undefined, undefined, undefined, 's5', 's6', 's7']);
    const across = ring();
    clearSlots(across, 7, 14, 19); // slots 6, 7, 0, 1, 2
    expect(across).toEqual([undefined, undefined, undefined, 's3', 's4', 's5', undefined, undefined]);
  });

  it('clears every slot for a run the size of the ring, and nothing for an empty run', () => {
    const all = ring();
    clearSlots(all, 7, 5, 13);
    expect(all).toEqual(Array(8).fill(undefined));
    const none = ring();
    clearSlots(none, 7, 9, 9);
    expect(none).toEqual(ring());
  });
});
