import { describe, expect, it } from 'vitest';
import { EntryWaiters, type RequestOutcome } from '../../src/cluster/entry-waiters.js';

/** A waiter that records what it was told under `name`. */
const told = (log: [string, RequestOutcome<string>][], name: string) => (o: RequestOutcome<string>) => log.push([name, o]);

describe('requests waiting for their entry to be applied on a host', () => {
  it('are told the result when their entry is applied in their term, and that it was superseded when another term holds the index (§5.3)', () => {
    const w = new EntryWaiters<string>();
    const log: [string, RequestOutcome<string>][] = [];
    w.add(5, 2, told(log, 'a'));
    w.add(6, 2, told(log, 'b'));
    expect(w.waitsUpTo(4)).toBe(false);
    expect(w.applied(5, 2, 'ok-5')).toBe(true);
    expect(w.applied(6, 3, 'other')).toBe(true);
    expect(log).toEqual([
      ['a', { applied: true, result: 'ok-5' }],
      ['b', { applied: false, reason: 'superseded' }],
    ]);
    expect(w.size).toBe(0);
  });

  it('keep index order when a host that led again proposes below an index still waiting', () => {
    const w = new EntryWaiters<string>();
    const log: [string, RequestOutcome<string>][] = [];
    w.add(7, 2, told(log, 'old-7'));
    w.add(8, 2, told(log, 'old-8'));
    // Its log was cut at 7 by another leader; leading again in term 4, it proposes at 7.
    w.add(7, 4, told(log, 'new-7'));
    expect(w.applied(7, 4, 'r7')).toBe(true);
    expect(log).toEqual([
      ['old-7', { applied: false, reason: 'superseded' }],
      ['new-7', { applied: true, result: 'r7' }],
    ]);
    expect(w.waitsUpTo(7)).toBe(false);
    expect(w.waitsUpTo(8)).toBe(true);
  });

  it('up to a snapshot are told they were superseded; the rest wait on; a crash tells everyone', () => {
    const w = new EntryWaiters<string>();
    const log: [string, RequestOutcome<string>][] = [];
    for (let i = 1; i <= 4; i++) w.add(i, 1, told(log, `r${i}`));
    w.supersededUpTo(2);
    expect(log.map(([n]) => n)).toEqual(['r1', 'r2']);
    expect(w.size).toBe(2);
    w.failAll('crashed');
    expect(log.slice(2)).toEqual([
      ['r3', { applied: false, reason: 'crashed' }],
      ['r4', { applied: false, reason: 'crashed' }],
    ]);
    expect(w.size).toBe(0);
  });

  it('under steady load (many always waiting), every request gets its own result', () => {
    const w = new EntryWaiters<string>();
    const results = new Map<number, RequestOutcome<string>>();
    let next = 1;
    for (; next <= 500; next++) {
      const i = next;
      w.add(i, 1, (o) => results.set(i, o));
    }
    for (let applied = 1; applied <= 5000; applied++) {
      w.applied(applied, 1, `v${applied}`);
      const i = next++;
      w.add(i, 1, (o) => results.set(i, o));
    }
    expect(w.size).toBe(500);
    for (let i = 1; i <= 5000; i++) expect(results.get(i)).toEqual({ applied: true, result: `v${i}` });
  });
});
