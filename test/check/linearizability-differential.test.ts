import { describe, expect, it } from 'vitest';
import { checkLinearizability, type Operation } from '../../src/check/linearizability.js';
import type { KvOp } from '../../src/kv/types.js';
import { createRng, type Rng } from '../../src/raft/rng.js';

/** The sequential store, written out plainly: the state after `o`, or undefined if `o`'s output cannot happen. */
function apply(state: string | null, o: Operation): { state: string | null } | undefined {
  const out = o.output;
  const seen = (v: string | null): boolean => !out || out.value === undefined || out.value === v;
  switch (o.op.type) {
    case 'set':
      return { state: o.op.value };
    case 'get':
      return seen(state) ? { state } : undefined;
    case 'del':
      return seen(state) ? { state: null } : undefined;
    case 'cas': {
      const swaps = state === o.op.expected;
      if (!seen(state)) return undefined;
      if (out && out.swapped !== undefined && out.swapped !== swaps) return undefined;
      return { state: swaps ? o.op.value : state };
    }
  }
}

/** Tries every order of every subset that keeps all determinate operations. Small histories only. */
function bruteForce(ops: Operation[], initial: string | null): boolean {
  const indeterminate = ops.filter((o) => o.return === Infinity);
  for (let mask = 0; mask < 1 << indeterminate.length; mask++) {
    const chosen = ops.filter((o) => o.return !== Infinity || (mask & (1 << indeterminate.indexOf(o))) !== 0);
    const placed = new Set<Operation>();
    const search = (state: string | null): boolean => {
      if (placed.size === chosen.length) return true;
      for (const o of chosen) {
        if (placed.has(o)) continue;
        // Real time: everything that returned before o was called must come first.
        if (chosen.some((p) => !placed.has(p) && p !== o && p.return < o.call)) continue;
        const next = apply(state, o);
        if (!next) continue;
        placed.add(o);
        if (search(next.state)) return true;
        placed.delete(o);
      }
      return false;
    };
    if (search(initial)) return true;
  }
  return false;
}

function randomOp(rng: Rng, id: number): Operation {
  const v = (): string => String(rng.int(0, 2));
  const r = rng.next();
  const op: KvOp =
    r < 0.35
      ? { type: 'set', key: 'x', value: v() }
      : r < 0.65
        ? { type: 'get', key: 'x' }
        : r < 0.75
          ? { type: 'del', key: 'x' }
          : { type: 'cas', key: 'x', expected: v(), value: v() };
  const call = rng.int(0, 20);
  const indeterminate = rng.chance(0.15);
  const ret = indeterminate ? Infinity : call + rng.int(0, 8);
  const value = (): string | null => (rng.chance(0.25) ? null : v());
  let output: Operation['output'] = null;
  if (!indeterminate) {
    if (op.type === 'get') output = rng.chance(0.1) ? {} : { value: value() };
    else if (op.type === 'del') output = rng.chance(0.3) ? {} : { value: value() };
    else if (op.type === 'cas') {
      output = {};
      if (rng.chance(0.8)) output.swapped = rng.chance(0.5);
      if (rng.chance(0.7)) output.value = value();
    } else output = {};
  }
  return { id, client: `c${id}`, call, return: ret, op, output };
}

/**
 * A small history from a simulated store (each operation takes effect at a random instant in
 * its interval; some time out and take effect or not), then maybe one answer changed: mostly
 * near-linearizable histories, where pruning rules have the most to get wrong.
 */
function simulatedHistory(rng: Rng, size: number): Operation[] {
  const ops = Array.from({ length: size }, (_, i) => randomOp(rng, i + 1));
  const at = new Map<Operation, number>();
  for (const o of ops) {
    if (o.return !== Infinity || rng.chance(0.5)) at.set(o, o.call + rng.next() * ((o.return === Infinity ? 10 : o.return) - o.call));
  }
  let state: string | null = null;
  for (const o of [...at.keys()].sort((a, b) => at.get(a)! - at.get(b)!)) {
    const before: string | null = state;
    if (o.op.type === 'set') state = o.op.value;
    if (o.op.type === 'del') state = null;
    if (o.op.type === 'cas' && before === o.op.expected) state = o.op.value;
    if (o.return === Infinity) continue;
    if (o.op.type === 'get' || o.op.type === 'del') o.output = rng.chance(0.1) ? {} : { value: before };
    if (o.op.type === 'cas') {
      o.output = {};
      if (rng.chance(0.9)) o.output.swapped = before === o.op.expected;
      if (rng.chance(0.8)) o.output.value = before;
    }
  }
  if (rng.chance(0.5)) {
    const victim = ops[rng.int(0, ops.length - 1)]!;
    if (victim.output && victim.op.type !== 'set')
      victim.output = { ...victim.output, value: rng.chance(0.3) ? null : String(rng.int(0, 2)) };
  }
  return ops;
}

describe('checkLinearizability agrees with a brute-force search', () => {
  it('on 3,000 small histories from a simulated store, some with one answer changed', () => {
    const rng = createRng(7);
    let linearizable = 0;
    for (let round = 0; round < 3000; round++) {
      const ops = simulatedHistory(rng, rng.int(2, 8));
      const expected = bruteForce(ops, null);
      const result = checkLinearizability(ops, { shrinkMs: 50 });
      if (result.ok !== expected) throw new Error(`disagreement (brute force: ${expected}) on ${JSON.stringify(ops)}`);
      if (expected) linearizable++;
    }
    expect(linearizable).toBeGreaterThan(1500);
    expect(linearizable).toBeLessThan(2900);
  });

  it('on 3,000 random small histories (with timeouts, partial answers and initial values)', () => {
    const rng = createRng(42);
    let linearizable = 0;
    for (let round = 0; round < 3000; round++) {
      const size = rng.int(1, 7);
      const ops = Array.from({ length: size }, (_, i) => randomOp(rng, i + 1));
      const initial = rng.chance(0.3) ? String(rng.int(0, 2)) : null;
      const expected = bruteForce(ops, initial);
      const result = checkLinearizability(ops, { initial: initial === null ? {} : { x: initial }, shrinkMs: 50 });
      if (result.ok !== expected) {
        throw new Error(`disagreement (brute force: ${expected}) on ${JSON.stringify({ initial, ops })}`);
      }
      if (!result.ok) {
        // The window is a subset that still fails on its own.
        expect(result.window.length).toBeGreaterThan(0);
        expect(bruteForce(result.window, initial)).toBe(false);
      }
      if (expected) linearizable++;
    }
    // Both outcomes are well represented, so the agreement means something.
    expect(linearizable).toBeGreaterThan(300);
    expect(linearizable).toBeLessThan(2700);
  });
});
