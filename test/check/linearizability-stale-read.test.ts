import { describe, expect, it } from 'vitest';
import { checkLinearizability, type Operation, type OperationOutput } from '../../src/check/linearizability.js';
import { selfContained } from '../../src/check/linearizability-shrink.js';
import { findStaleRead } from '../../src/check/linearizability-stale-read.js';
import type { KvOp } from '../../src/kv/types.js';

function op(
  id: number,
  client: string,
  call: number,
  ret: number,
  kv: KvOp,
  output: OperationOutput | null = {},
  servedBy?: string,
): Operation {
  return { id, client, call, return: ret, op: kv, output: ret === Infinity ? null : output, ...(servedBy && { servedBy }) };
}
const set = (key: string, value: string): KvOp => ({ type: 'set', key, value });
const get = (key: string): KvOp => ({ type: 'get', key });
const del = (key: string): KvOp => ({ type: 'del', key });
const cas = (key: string, expected: string, value: string): KvOp => ({ type: 'cas', key, expected, value });
const never = Number.POSITIVE_INFINITY;

describe('a non-linearizable history that holds a stale read says which read, what it got, and which write it missed', () => {
  it('a read of a value a finished write had replaced', () => {
    const history = [
      op(1, 'c1', 0, 10, set('x', 'v1')),
      op(2, 'c2', 5, 8, get('x'), { value: null }),
      op(3, 'c1', 20, 30, set('x', 'v2')),
      op(4, 'r1', 40, 41, get('x'), { value: 'v1' }, 'read by ReadIndex on n3'),
      op(5, 'r1', 50, 51, get('x'), { value: 'v2' }),
    ];
    const r = checkLinearizability(history);
    if (r.ok) throw new Error('expected a failure');
    const [first, ...rest] = r.message.split('\n');
    expect(first).toBe('key x is not linearizable: stale read #4 GET x → "v1" missed write #3 SET x = v2');
    const text = rest.join('\n');
    expect(text).toContain('#4 r1 called GET x at 40 and got "v1" (read by ReadIndex on n3)');
    expect(text).toContain('#3 c1 SET x = v2 had already returned, at 30');
    expect(text).toContain('the last write that could have left "v1" is #1 c1 SET x = v1, which returned at 10, before #3 was called (20)');
    expect(r.window.map((o) => o.id)).toEqual([1, 3, 4]);
    // The three operations alone already fail.
    expect(checkLinearizability(r.window).ok).toBe(false);
  });

  it('a read of "not set" after a DEL that a finished SET overwrote', () => {
    const history = [
      op(1, 'c1', 0, 10, set('x', 'v1')),
      op(2, 'c2', 12, 15, del('x'), { value: 'v1' }),
      op(3, 'c1', 20, 30, set('x', 'v2')),
      op(4, 'r2', 35, 36, get('x'), { value: null }),
    ];
    const s = findStaleRead(history, null, performance.now() + 1000);
    expect(s).toBeDefined();
    expect([s!.read.id, s!.missed.id, s!.source?.id]).toEqual([4, 3, 2]);
  });

  it('a read of a value that a write overlapping its writer found and replaced', () => {
    const r = checkLinearizability([
      op(1, 'c1', 0, 50, set('x', 'v1')),
      op(2, 'c2', 10, 40, del('x'), { value: 'v1' }),
      op(3, 'r1', 60, 61, get('x'), { value: 'v1' }),
    ]);
    if (r.ok) throw new Error('expected a failure');
    expect(r.message.split('\n')[0]).toBe('key x is not linearizable: stale read #3 GET x → "v1" missed write #2 DEL x');
    expect(r.message).toContain('the only write of "v1" is #1 c1 SET x = v1, and #2 found "v1" and replaced it');
  });

  it('a read of the initial value after a finished write', () => {
    const r = checkLinearizability([op(1, 'c1', 0, 10, set('x', 'v1')), op(2, 'r1', 11, 12, get('x'), { value: 'v0' })], {
      initial: { x: 'v0' },
    });
    if (r.ok) throw new Error('expected a failure');
    expect(r.message.split('\n')[0]).toBe('key x is not linearizable: stale read #2 GET x → "v0" missed write #1 SET x = v1');
    expect(r.message).toContain('starting from "v0"');
  });

  it('no stale read where the write of the value read may still have taken effect late, or overlapped the read', () => {
    // An indeterminate write of v1 may land after v2: reading v1 then is fine.
    expect(
      findStaleRead(
        [op(1, 'c1', 0, never, set('x', 'v1')), op(2, 'c2', 20, 30, set('x', 'v2')), op(3, 'r1', 40, 41, get('x'), { value: 'v1' })],
        null,
        performance.now() + 1000,
      ),
    ).toBeUndefined();
    // The overwrite is still running when the read is called.
    expect(
      findStaleRead(
        [op(1, 'c1', 0, 10, set('x', 'v1')), op(2, 'c2', 20, 45, set('x', 'v2')), op(3, 'r1', 40, 41, get('x'), { value: 'v1' })],
        null,
        performance.now() + 1000,
      ),
    ).toBeUndefined();
  });

  it('a history that fails for another reason keeps the general report', () => {
    const r = checkLinearizability([
      op(1, 'a', 0, 10, set('x', '0')),
      op(2, 'a', 20, 40, cas('x', '0', '1'), { swapped: true }),
      op(3, 'b', 20, 40, cas('x', '0', '2'), { swapped: true }),
    ]);
    if (r.ok) throw new Error('expected a failure');
    expect(r.message).toMatch(/no order of these \d+ operations/);
    expect(r.message).not.toContain('stale read');
  });

  it('shrinking: a CAS known not to have swapped leaves an unset key unset, so a later "not set" read needs no DEL', () => {
    const history = [op(1, 'a', 0, 10, cas('x', 'v0', 'v1'), { swapped: false }), op(2, 'b', 20, 30, get('x'), { value: null })];
    expect(selfContained(history, null)).toBe(true);
  });
});
