import { describe, expect, it } from 'vitest';
import { LogWindow } from '../../src/check/log-window.js';
import type { Entry, Index, Term } from '../../src/raft/types.js';

const e = (index: Index, term: Term): Entry => ({ index, term, type: 'normal', data: `c${index}` });

/** The entries a window holds, from base + 1 to last. */
function held(w: LogWindow): Entry[] {
  const out: Entry[] = [];
  for (let i = w.base + 1; i <= w.last; i++) out.push(w.at(i)!);
  return out;
}

describe('LogWindow: one node log after its snapshot, in a ring', () => {
  it('appends, cuts the tail for a rewrite (§5.3), and holds nothing outside base..last', () => {
    const w = new LogWindow(4);
    for (let i = 1; i <= 3; i++) w.push(e(i, 1));
    w.truncateAfter(1);
    w.push(e(2, 2));
    expect(held(w)).toEqual([e(1, 1), e(2, 2)]);
    expect([w.at(0), w.at(3), w.length]).toEqual([undefined, undefined, 2]);
  });

  it('grows past its first size and keeps every entry across the wrap', () => {
    const w = new LogWindow(4);
    for (let i = 1; i <= 3; i++) w.push(e(i, 1));
    w.compact(3, 1); // the ring now starts mid-way
    for (let i = 4; i <= 40; i++) w.push(e(i, 2));
    expect(held(w)).toEqual(Array.from({ length: 37 }, (_, j) => e(j + 4, 2)));
    expect(w.at(3)).toBeUndefined();
  });

  it('§7: a snapshot keeps the entries after it only when the log holds its last entry', () => {
    const kept = new LogWindow();
    for (let i = 1; i <= 5; i++) kept.push(e(i, 1));
    kept.compact(3, 1);
    expect([kept.base, kept.baseTerm, kept.last]).toEqual([3, 1, 5]);
    expect(held(kept)).toEqual([e(4, 1), e(5, 1)]);

    const conflicting = new LogWindow();
    for (let i = 1; i <= 5; i++) conflicting.push(e(i, 1));
    conflicting.compact(3, 2); // the snapshot's entry 3 has another term: the log goes
    expect([conflicting.base, conflicting.last, held(conflicting)]).toEqual([3, 3, []]);

    const short = new LogWindow();
    short.push(e(1, 1));
    short.compact(6, 2); // installed from a leader, past the end of the log
    expect([short.base, short.last, short.at(1)]).toEqual([6, 6, undefined]);
    short.push(e(7, 2));
    expect(held(short)).toEqual([e(7, 2)]);
  });
});
