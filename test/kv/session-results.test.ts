import { describe, expect, it } from 'vitest';
import { SessionResults } from '../../src/kv/session-results.js';
import type { KvResult } from '../../src/kv/types.js';

/** The Map the queue replaces: same answers, same order, same forgetting (stops at the first still needed). */
function dropBelowInMap(map: Map<number, KvResult>, ack: number): void {
  for (const seq of map.keys()) {
    if (seq >= ack) break;
    map.delete(seq);
  }
}

describe('SessionResults', () => {
  it('answers, orders and forgets exactly like a Map of seq → result, stragglers and retries included', () => {
    let state = 12345;
    const rand = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let run = 0; run < 20; run++) {
      const model = new Map<number, KvResult>();
      const kept = new SessionResults();
      let next = 1;
      let ack = 1;
      for (let step = 0; step < 400; step++) {
        const roll = rand(10);
        if (roll < 5) {
          // Mostly rising seqs, sometimes a straggler or a retry of one already kept.
          const seq = rand(6) === 0 ? Math.max(1, next - 1 - rand(8)) : next++;
          const result: KvResult = { value: `r${run}-${step}` };
          expect(kept.get(seq)).toBe(model.get(seq));
          if (rand(4) === 0 || !model.has(seq)) {
            model.set(seq, result);
            kept.set(seq, result);
          }
        } else if (roll < 8) {
          ack = Math.min(next, ack + rand(4));
          dropBelowInMap(model, ack);
          kept.dropBelow(ack);
        } else {
          const seq = 1 + rand(next + 2);
          expect(kept.get(seq)).toBe(model.get(seq));
        }
        if (JSON.stringify(kept.entries()) !== JSON.stringify([...model])) expect(kept.entries()).toEqual([...model]);
      }
    }
  });

  it('keeps a straggler recorded after a result still needed, as the Map walk does', () => {
    const kept = new SessionResults();
    kept.set(5, { value: 'five' });
    kept.set(2, { value: 'two' });
    kept.dropBelow(4);
    expect(kept.entries()).toEqual([
      [5, { value: 'five' }],
      [2, { value: 'two' }],
    ]);
    kept.dropBelow(6);
    expect(kept.entries()).toEqual([]);
  });
});
