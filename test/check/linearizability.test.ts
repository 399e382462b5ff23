import { describe, expect, it } from 'vitest';
import { checkLinearizability, formatOperation, type Operation, type OperationOutput } from '../../src/check/linearizability.js';
import type { KvOp } from '../../src/kv/types.js';
import { createRng } from '../../src/raft/rng.js';

/** A test operation; an indeterminate one (ret = Infinity) gets no output. */
function op(id: number, client: string, call: number, ret: number, kv: KvOp, output: OperationOutput | null = {}): Operation {
  return { id, client, call, return: ret, op: kv, output: ret === Infinity ? null : output };
}

const set = (key: string, value: string): KvOp => ({ type: 'set', key, value });
const get = (key: string): KvOp => ({ type: 'get', key });
const del = (key: string): KvOp => ({ type: 'del', key });
const cas = (key: string, expected: string, value: string): KvOp => ({ type: 'cas', key, expected, value });

interface GeneratedHistory {
  history: Operation[];
  indeterminate: number;
}

/**
 * A history from a simulated linearizable store: each client runs one operation at a time; each
 * operation takes effect at a random instant between its call and its return, and the outputs
 * come from applying the operations in the order of those instants. Some operations time out
 * (indeterminate): half of those take effect, half never do.
 */
function generateLinearizable(seed: number, count: number, clients: number, keys: number, unique = false): GeneratedHistory {
  const rng = createRng(seed);
  const clock = new Array<number>(clients).fill(0);
  const planned: { o: Operation; at: number }[] = [];
  let indeterminate = 0;
  for (let id = 1; id <= count; id++) {
    const c = rng.int(0, clients - 1);
    const call = clock[c]! + rng.int(0, 4);
    const duration = rng.int(1, 30);
    const key = `k${rng.int(0, keys - 1)}`;
    const r = rng.next();
    const kv: KvOp =
      r < 0.4
        ? set(key, unique ? `v${id}` : String(rng.int(0, 4)))
        : r < 0.75
          ? get(key)
          : r < 0.85
            ? del(key)
            : cas(key, unique ? `v${rng.int(1, id)}` : String(rng.int(0, 4)), unique ? `v${id}` : String(rng.int(0, 4)));
    const timesOut = rng.chance(0.002);
    const o: Operation = { id, client: `c${c}`, call, return: timesOut ? Infinity : call + duration, op: kv, output: null };
    // A timed-out operation takes effect half the time; the client gives up on it and moves on.
    const takesEffect = !timesOut || rng.chance(0.5);
    planned.push({ o, at: takesEffect ? call + rng.next() * duration : Infinity });
    if (timesOut) indeterminate++;
    clock[c] = call + duration;
  }
  planned.sort((a, b) => a.at - b.at);
  const store = new Map<string, string>();
  for (const { o, at } of planned) {
    if (at === Infinity) continue;
    const before = store.get(o.op.key) ?? null;
    let output: OperationOutput = {};
    switch (o.op.type) {
      case 'set':
        store.set(o.op.key, o.op.value);
        break;
      case 'get':
        output = { value: before };
        break;
      case 'del':
        store.delete(o.op.key);
        output = { value: before };
        break;
      case 'cas':
        output = { swapped: before === o.op.expected, value: before };
        if (before === o.op.expected) store.set(o.op.key, o.op.value);
        break;
    }
    if (o.return !== Infinity) o.output = output;
  }
  return { history: planned.map((p) => p.o).sort((a, b) => a.id - b.id), indeterminate };
}

function expectFailure(
  history: Operation[],
  initial?: Record<string, string>,
): { key: string; window: Operation[]; minimal?: boolean; message: string } {
  const result = checkLinearizability(history, { initial });
  if (result.ok) throw new Error('expected the history to be rejected');
  expect(result.unknown).toBeUndefined();
  return result;
}

describe('checkLinearizability rejects known non-linearizable histories', () => {
  it('rejects a stale read after a completed write', () => {
    const failure = expectFailure([
      op(1, 'a', 0, 10, set('x', '1')),
      op(2, 'a', 20, 30, set('x', '2')),
      op(3, 'b', 40, 50, get('x'), { value: '1' }),
    ]);
    expect(failure.key).toBe('x');
    // Kept: the read, the write it saw, and the later write it missed.
    expect(failure.window.map((o) => o.id).sort()).toEqual([1, 2, 3]);
    expect(failure.minimal).toBe(true);
  });

  it('rejects a lost write: two CAS both swapping from the same value', () => {
    expectFailure([
      op(1, 'a', 0, 10, set('x', '0')),
      op(2, 'a', 20, 40, cas('x', '0', '1'), { swapped: true }),
      op(3, 'b', 20, 40, cas('x', '0', '2'), { swapped: true }),
    ]);
  });

  it('rejects a write that vanished: read as unset after it completed', () => {
    expectFailure([op(1, 'a', 0, 10, set('x', '1')), op(2, 'b', 20, 30, get('x'), { value: null })]);
  });

  it("rejects a read that misses the reader's own completed write", () => {
    const failure = expectFailure([op(1, 'a', 0, 10, set('x', '1')), op(2, 'a', 11, 20, get('x'), { value: '0' })], { x: '0' });
    expect(failure.message).toContain('starting from "0"');
  });

  it('rejects a CAS that succeeded against a value that was never there', () => {
    expectFailure([op(1, 'a', 0, 10, set('x', '1')), op(2, 'b', 5, 30, cas('x', '5', '6'), { swapped: true })]);
  });

  it('rejects concurrent writes read in one order and then the other', () => {
    expectFailure([
      op(1, 'a', 0, 10, set('x', '1')),
      op(2, 'b', 0, 10, set('x', '2')),
      op(3, 'c', 20, 30, get('x'), { value: '2' }),
      op(4, 'c', 40, 50, get('x'), { value: '1' }),
    ]);
  });

  it('rejects a DEL that reports a value the key did not hold', () => {
    expectFailure([op(1, 'a', 0, 10, set('x', '1')), op(2, 'a', 20, 30, del('x'), { value: '9' })]);
  });

  it('rejects an indeterminate write that was seen and then un-happened', () => {
    expectFailure([
      op(1, 'a', 0, Infinity, set('x', '1')),
      op(2, 'b', 20, 30, get('x'), { value: '1' }),
      op(3, 'b', 40, 50, get('x'), { value: null }),
    ]);
  });

  it('says which key failed and lists the window in its message', () => {
    const failure = expectFailure([
      op(1, 'a', 0, 10, set('y', '1')),
      op(2, 'a', 0, 10, set('x', '1')),
      op(3, 'b', 20, 30, get('x'), { value: null }),
    ]);
    expect(failure.key).toBe('x');
    expect(failure.message).toContain('key x is not linearizable');
    expect(failure.message).toContain(formatOperation(op(3, 'b', 20, 30, get('x'), { value: null })));
    expect(failure.window.every((o) => o.op.key === 'x')).toBe(true);
  });
});

describe('checkLinearizability accepts known linearizable histories', () => {
  it('accepts concurrent writes read in either order', () => {
    for (const seen of ['1', '2']) {
      const result = checkLinearizability([
        op(1, 'a', 0, 10, set('x', '1')),
        op(2, 'b', 0, 10, set('x', '2')),
        op(3, 'c', 20, 30, get('x'), { value: seen }),
        op(4, 'c', 40, 50, get('x'), { value: seen }),
      ]);
      expect(result).toEqual({ ok: true, keys: 1, operations: 4 });
    }
  });

  it('accepts a read concurrent with a write seeing the old or the new value', () => {
    for (const seen of [null, '1']) {
      expect(checkLinearizability([op(1, 'a', 0, 20, set('x', '1')), op(2, 'b', 5, 15, get('x'), { value: seen })]).ok).toBe(true);
    }
  });

  it('accepts an indeterminate write whether or not it took effect', () => {
    const write = op(1, 'a', 0, Infinity, set('x', '1'));
    expect(checkLinearizability([write, op(2, 'b', 20, 30, get('x'), { value: '1' })]).ok).toBe(true);
    expect(checkLinearizability([write, op(2, 'b', 20, 30, get('x'), { value: null })]).ok).toBe(true);
    // Not yet, then later: it took effect between the reads.
    expect(
      checkLinearizability([write, op(2, 'b', 20, 30, get('x'), { value: null }), op(3, 'b', 40, 50, get('x'), { value: '1' })]).ok,
    ).toBe(true);
  });

  it('accepts CAS, DEL and reads that follow the model', () => {
    const result = checkLinearizability([
      op(1, 'a', 0, 10, set('x', '1')),
      op(2, 'a', 20, 30, cas('x', '2', '3'), { swapped: false, value: '1' }),
      op(3, 'a', 40, 50, cas('x', '1', '3'), { swapped: true, value: '1' }),
      op(4, 'a', 60, 70, del('x'), { value: '3' }),
      op(5, 'a', 80, 90, get('x'), { value: null }),
    ]);
    expect(result).toEqual({ ok: true, keys: 1, operations: 5 });
  });

  it('treats operations that touch in time as concurrent', () => {
    expect(checkLinearizability([op(1, 'a', 0, 10, set('x', '1')), op(2, 'b', 10, 20, get('x'), { value: null })]).ok).toBe(true);
  });

  it('checks each key on its own', () => {
    const result = checkLinearizability([
      op(1, 'a', 0, 10, set('x', '1')),
      op(2, 'b', 0, 10, set('y', '1')),
      op(3, 'a', 20, 30, get('y'), { value: '1' }),
      op(4, 'b', 20, 30, get('x'), { value: '1' }),
    ]);
    expect(result).toEqual({ ok: true, keys: 2, operations: 4 });
  });

  it('starts from the given initial values', () => {
    const history = [op(1, 'a', 0, 10, get('x'), { value: '7' })];
    expect(checkLinearizability(history, { initial: { x: '7' } }).ok).toBe(true);
    expect(checkLinearizability(history).ok).toBe(false);
  });
});

describe('checkLinearizability at scale', () => {
  it('accepts a generated 20,000-operation history of a linearizable store with concurrency', () => {
    const { history, indeterminate } = generateLinearizable(7, 20_000, 12, 6);
    expect(indeterminate).toBeGreaterThan(0);
    const result = checkLinearizability(history, { timeoutMs: 20_000 });
    expect(result).toEqual({ ok: true, keys: 6, operations: 20_000 });
  }, 30_000);

  it('rejects the same history with one read changed, and shrinks it to a small window', () => {
    const { history } = generateLinearizable(7, 20_000, 12, 6);
    // Change a late read's answer to a value no one ever wrote.
    const victim = history.findLast((o) => o.op.type === 'get' && o.return !== Infinity);
    if (!victim) throw new Error('no completed read in the generated history');
    victim.output = { value: 'never-written' };
    const result = checkLinearizability(history, { timeoutMs: 20_000 });
    if (result.ok) throw new Error('expected a failure');
    expect(result.key).toBe(victim.op.key);
    expect(result.window.map((o) => o.id)).toEqual([victim.id]);
    expect(result.minimal).toBe(true);
  }, 30_000);

  it('shrinks a stale read to the read, the write it saw and the write that replaced it', () => {
    const { history } = generateLinearizable(11, 4_000, 10, 1, true);
    expect(checkLinearizability(history).ok).toBe(true);
    // A late read made stale: it reports w1's value though w2 replaced it before the read began.
    const sets = history.filter((o) => o.op.type === 'set' && o.return !== Infinity);
    const reads = history.filter((o) => o.op.type === 'get' && o.return !== Infinity);
    let planted: [Operation, Operation, Operation] | undefined;
    for (const r of reads.slice(reads.length >> 1)) {
      const w2 = sets.filter((w) => w.return < r.call).pop();
      const w1 = w2 && sets.filter((w) => w.return < w2.call).pop();
      if (w1?.op.type === 'set' && w2) {
        r.output = { value: w1.op.value };
        planted = [w1, w2, r];
        break;
      }
    }
    if (!planted) throw new Error('no read to make stale');
    const result = checkLinearizability(history, { shrinkMs: 10_000 });
    if (result.ok) throw new Error('expected the stale read to be caught');
    expect(result.minimal).toBe(true);
    expect(result.window).toHaveLength(3);
    // The read and the write it saw are in it, with one write that separates them.
    const ids = result.window.map((o) => o.id);
    expect(ids).toContain(planted[2].id);
    expect(ids).toContain(planted[0].id);
    const between = result.window.find((o) => o !== planted[0] && o !== planted[2])!;
    expect(between.call).toBeGreaterThan(planted[0].return);
    expect(between.return).toBeLessThan(planted[2].call);
  }, 30_000);

  it('gives up with an unknown result, not a verdict, when out of time', () => {
    const { history } = generateLinearizable(3, 20_000, 12, 1);
    const result = checkLinearizability(history, { timeoutMs: 0 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.unknown).toBe(true);
      expect(result.window).toEqual([]);
      expect(result.message).toContain('gave up');
    }
  });
});
