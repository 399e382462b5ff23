import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../src/check/linearizability.js';
import { HistoryRecorder } from '../../src/check/linearizability-recorder.js';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; set: (t: number) => void } {
  let t = 0;
  return { now: () => t, set: (v) => (t = v) };
}

describe('HistoryRecorder', () => {
  it('records call and return times from the clock it was given, and the output', () => {
    const clock = manualClock();
    const rec = new HistoryRecorder(clock.now);
    clock.set(5);
    const id = rec.invoke('c1', { type: 'get', key: 'x' });
    clock.set(9);
    rec.complete(id, { value: '1' });
    expect(rec.history()).toEqual([{ id, client: 'c1', call: 5, return: 9, op: { type: 'get', key: 'x' }, output: { value: '1' } }]);
  });

  it('leaves out definite failures and keeps indeterminate ones with no return and no output', () => {
    const clock = manualClock();
    const rec = new HistoryRecorder(clock.now);
    const refused = rec.invoke('c1', { type: 'set', key: 'x', value: '1' });
    const lost = rec.invoke('c2', { type: 'set', key: 'x', value: '2' });
    clock.set(3);
    rec.fail(refused, true);
    rec.fail(lost, false);
    expect(rec.history()).toEqual([
      { id: lost, client: 'c2', call: 0, return: Infinity, op: { type: 'set', key: 'x', value: '2' }, output: null },
    ]);
  });

  it('reports operations still waiting as indeterminate', () => {
    const rec = new HistoryRecorder(() => 1);
    rec.invoke('c1', { type: 'del', key: 'x' });
    const [op] = rec.history();
    expect(op?.return).toBe(Infinity);
    expect(op?.output).toBeNull();
  });

  it('refuses a second outcome for the same operation, and unknown ids', () => {
    const rec = new HistoryRecorder(() => 0);
    const id = rec.invoke('c1', { type: 'get', key: 'x' });
    rec.complete(id, { value: null });
    expect(() => rec.complete(id, { value: null })).toThrow(/already has an outcome/);
    expect(() => rec.fail(999, true)).toThrow(/no recorded operation 999/);
  });

  it('hands out copies: recording more does not change a history already taken', () => {
    const rec = new HistoryRecorder(() => 0);
    const id = rec.invoke('c1', { type: 'get', key: 'x' });
    const before = rec.history();
    rec.complete(id, { value: 'a' });
    expect(before[0]?.output).toBeNull();
  });

  it('feeds the checker: a stale read recorded through it is caught', () => {
    const clock = manualClock();
    const rec = new HistoryRecorder(clock.now);
    const w1 = rec.invoke('a', { type: 'set', key: 'x', value: '1' });
    clock.set(1);
    rec.complete(w1, {});
    clock.set(2);
    const w2 = rec.invoke('a', { type: 'set', key: 'x', value: '2' });
    clock.set(3);
    rec.complete(w2, {});
    clock.set(4);
    const r = rec.invoke('b', { type: 'get', key: 'x' });
    clock.set(5);
    rec.complete(r, { value: '1' });
    expect(checkLinearizability(rec.history()).ok).toBe(false);
  });
});
