import { describe, expect, it } from 'vitest';
import { type ReadOutcome, ReadWaiters } from '../../src/cluster/read-waiters.js';

/** Registers reads 1..n that answer with their own id, and records what each got. */
function reads(n: number) {
  const w = new ReadWaiters<string>();
  const got = new Map<number, ReadOutcome<string>>();
  for (let i = 0; i < n; i++) {
    const id = w.nextId();
    void w.add(id, () => `answer ${id}`).then((o) => got.set(id, o));
  }
  return { w, got, settle: () => new Promise<void>((r) => setImmediate(r)) };
}

describe('ReadWaiters (thesis §6.4 on the host)', () => {
  it('answers a confirmed read only once the state machine has applied its read index', async () => {
    const { w, got, settle } = reads(3);
    w.update(
      [
        { id: 1, index: 5 },
        { id: 2, index: 7 },
      ],
      [],
    );
    w.serveUpTo(4);
    await settle();
    expect(got.size).toBe(0);
    w.serveUpTo(5);
    await settle();
    expect([...got]).toEqual([[1, { applied: true, result: 'answer 1', index: 5 }]]);
    w.serveUpTo(10);
    await settle();
    expect(got.get(2)).toEqual({ applied: true, result: 'answer 2', index: 7 });
    expect(got.has(3)).toBe(false); // never confirmed: never served, whatever is applied
    expect(w.waiting).toBe(0);
  });

  it('serves reads confirmed out of index order lowest index first, each exactly once', async () => {
    const { w, got, settle } = reads(4);
    w.update([{ id: 1, index: 9 }], []);
    w.update(
      [
        { id: 2, index: 3 },
        { id: 3, index: 6 },
      ],
      [],
    );
    w.serveUpTo(6);
    await settle();
    expect([...got.keys()].sort()).toEqual([2, 3]);
    w.update([{ id: 4, index: 8 }], []);
    w.serveUpTo(8);
    await settle();
    expect([...got.keys()].sort()).toEqual([2, 3, 4]);
    w.serveUpTo(9);
    w.serveUpTo(9);
    await settle();
    expect(got.get(1)).toEqual({ applied: true, result: 'answer 1', index: 9 });
    expect(w.waiting).toBe(0);
  });

  it('keeps serving correctly while thousands wait and are answered a few at a time', async () => {
    const { w, got, settle } = reads(5000);
    w.update(
      Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, index: i + 1 })),
      [],
    );
    for (let applied = 1; applied <= 5000; applied += 7) w.serveUpTo(applied);
    w.serveUpTo(5000);
    await settle();
    expect(got.size).toBe(5000);
    for (const [id, o] of got) expect(o).toEqual({ applied: true, result: `answer ${id}`, index: id });
  });

  it('says superseded for a read the core failed, and crashed for every read still waiting at a crash', async () => {
    const { w, got, settle } = reads(3);
    w.update([{ id: 2, index: 4 }], [1]);
    w.failAll('crashed');
    w.serveUpTo(100);
    await settle();
    expect(got.get(1)).toEqual({ applied: false, reason: 'superseded' });
    expect(got.get(2)).toEqual({ applied: false, reason: 'crashed' });
    expect(got.get(3)).toEqual({ applied: false, reason: 'crashed' });
  });
});
