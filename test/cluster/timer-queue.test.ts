import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/cluster/scheduler.js';
import { fire, TimerQueue } from '../../src/cluster/timer-queue.js';
import { createRng } from '../../src/raft/rng.js';

/** Pops and fires every timer due by `until`. */
function drain(q: TimerQueue, until: number): void {
  for (let t = q.popDue(until); t; t = q.popDue(until)) fire(t);
}

describe('TimerQueue', () => {
  it('fires posted timers (the O(1) lane) in the same (deadline, insertion) order as heap timers', () => {
    // The same timers into two queues: one all through the heap, one with the zero delays posted.
    const rng = createRng(7);
    const heapOnly = new TimerQueue();
    const withLane = new TimerQueue();
    const a: string[] = [];
    const b: string[] = [];
    let now = 0;
    for (let i = 0; i < 2000; i++) {
      const label = `t${i}`;
      if (rng.int(0, 2) === 0) {
        heapOnly.add(now, () => a.push(label));
        withLane.post(now, () => b.push(label), undefined, true);
      } else {
        const at = now + rng.int(0, 30);
        heapOnly.add(at, () => a.push(label));
        withLane.add(at, () => b.push(label));
      }
      if (rng.int(0, 9) === 0) {
        now += rng.int(0, 10);
        drain(heapOnly, now);
        drain(withLane, now);
      }
    }
    drain(heapOnly, Number.POSITIVE_INFINITY);
    drain(withLane, Number.POSITIVE_INFINITY);
    expect(b).toHaveLength(2000);
    expect(b).toEqual(a);
  });

  it('passes each timer its argument, and never fires a cancelled one', () => {
    const q = new TimerQueue();
    const got: unknown[] = [];
    const record = (arg: unknown) => got.push(arg);
    q.post(0, record, 'posted', true);
    q.add(5, record, 'heap');
    const cancelled = q.add(3, record, 'cancelled');
    q.post(4, record, 'posted later', true);
    cancelled.cancelled = true;
    expect(q.size).toBe(4);
    expect(q.peekAt()).toBe(0);
    for (let t = q.popDue(10); t; t = q.popDue(10)) fire(t);
    expect(got).toEqual(['posted', 'posted later', 'heap']);
    expect(q.size).toBe(0);
  });

  it('takes a posted deadline earlier than the lane holds into the heap, still in order', () => {
    const q = new TimerQueue();
    const got: string[] = [];
    q.post(10, () => got.push('b'), undefined, true);
    q.post(5, () => got.push('a'), undefined, true); // earlier than the lane's tail: goes to the heap
    expect(q.peekAt()).toBe(5);
    for (let t = q.popDue(10); t; t = q.popDue(10)) fire(t);
    expect(got).toEqual(['a', 'b']);
  });

  it('keeps order across a lane that empties and fills again, and one long enough to compact', () => {
    const q = new TimerQueue();
    const got: number[] = [];
    const record = (arg: unknown) => got.push(arg as number);
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3000; i++) q.post(round, record, n++, true);
      for (let i = 0; i < 1500; i++) fire(q.popDue(round)!);
      for (let i = 0; i < 10; i++) q.post(round, record, n++, true);
      for (let t = q.popDue(round); t; t = q.popDue(round)) fire(t);
    }
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});

describe('VirtualScheduler.post and setTimerWith', () => {
  it('fires posted and later timers with their arguments in (time, order set) order', async () => {
    const s = new VirtualScheduler();
    const got: string[] = [];
    const at = (label: string) => got.push(`${label}@${s.now()}`);
    s.setTimerWith(10, at, 'tick', true);
    s.post(at, 'first');
    s.setTimer(
      10,
      () => {
        at('second-tick');
        s.post(at, 'sent-at-10');
        s.setTimerWith(0, at, 'zero-delay-at-10', true);
        s.post(at, 'sent-at-10-too');
      },
      true,
    );
    s.post(at, 'also-first');
    await s.advance(20, () => Promise.resolve());
    expect(got).toEqual([
      'first@0',
      'also-first@0',
      'tick@10',
      'second-tick@10',
      'sent-at-10@10',
      'zero-delay-at-10@10',
      'sent-at-10-too@10',
    ]);
  });
});
