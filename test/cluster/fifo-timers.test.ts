import { describe, expect, it } from 'vitest';
import { FifoTimers } from '../../src/cluster/fifo-timers.js';
import { VirtualScheduler } from '../../src/cluster/scheduler.js';

const settle = () => Promise.resolve();

describe('FifoTimers', () => {
  it('fires each timer at its deadline, in deadline order, including ones set out of order', async () => {
    const s = new VirtualScheduler();
    const timers = new FifoTimers(s);
    const fired: string[] = [];
    timers.add(100, () => fired.push(`a@${s.now()}`));
    timers.add(100, () => fired.push(`b@${s.now()}`));
    await s.advance(50, settle);
    timers.add(100, () => fired.push(`c@${s.now()}`)); // due at 150
    timers.add(20, () => fired.push(`d@${s.now()}`)); // due at 70: before the tail, falls back
    await s.advance(200, settle);
    expect(fired).toEqual(['d@70', 'a@100', 'b@100', 'c@150']);
  });

  it('never fires a cancelled timer, in the queue or fallen back', async () => {
    const s = new VirtualScheduler();
    const timers = new FifoTimers(s);
    const fired: string[] = [];
    const a = timers.add(100, () => fired.push('a'));
    timers.add(100, () => fired.push('b'));
    const c = timers.add(10, () => fired.push('c'));
    timers.cancel(a);
    timers.cancel(c);
    await s.advance(500, settle);
    expect(fired).toEqual(['b']);
  });

  it('cancelling the head, a middle one or the tail leaves the others firing at their deadlines', async () => {
    const s = new VirtualScheduler();
    const timers = new FifoTimers(s);
    const fired: string[] = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((name, i) => timers.add(10 + i * 10, () => fired.push(`${name}@${s.now()}`)));
    timers.cancel(all[0]!); // head
    timers.cancel(all[2]!); // middle
    timers.cancel(all[4]!); // tail
    timers.cancel(all[4]!); // twice: no effect
    timers.add(45, () => fired.push(`f@${s.now()}`)); // after the live tail (d@40): queued
    await s.advance(100, settle);
    expect(fired).toEqual(['b@20', 'd@40', 'f@45']);
  });

  it('fireAll fires every pending timer at once, queued or fallen back, and none of them again', async () => {
    const s = new VirtualScheduler();
    const timers = new FifoTimers(s);
    const fired: string[] = [];
    timers.add(100, () => fired.push('a'));
    const b = timers.add(200, () => fired.push('b'));
    timers.add(50, () => fired.push('c')); // falls back
    timers.add(300, () => fired.push('d'));
    timers.cancel(b);
    timers.fireAll();
    expect(fired).toEqual(['a', 'd', 'c']);
    await s.advance(500, settle);
    expect(fired).toEqual(['a', 'd', 'c']);
  });

  it('on the virtual clock, a fired timer lets its waiter resume at that moment; cancelled ones cost no event-loop turn', async () => {
    const s = new VirtualScheduler();
    const timers = new FifoTimers(s);
    let turns = 0;
    const turn = () => {
      turns++;
      return new Promise<void>((resolve) => setImmediate(resolve));
    };
    for (let i = 0; i < 50; i++) timers.cancel(timers.add(10 + i, () => {}));
    s.setTimer(200, () => {}, true); // quiet machinery later on: time keeps moving past the timers
    await s.advance(300, turn);
    expect(turns).toBe(1); // the one before time first moves, for what the caller left queued
    const resumedAt = new Promise<number>((resolve) => timers.add(20, () => resolve(s.now()))).then((at) => [at, s.now()]);
    s.setTimer(100, () => {}, true);
    await s.advance(300, turn);
    expect(await resumedAt).toEqual([320, 320]); // resumed before time moved on to the quiet timer
  });
});
