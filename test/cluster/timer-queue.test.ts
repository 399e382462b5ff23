import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/cluster/scheduler.js';
import { fire, TimerQueue } from '../../src/cluster/timer-queue.js';
import { createRng } from '../../src/raft/rng.js';

/** Pops and fires every timer due by `until`. */
function drain(q: TimerQueue, until: number): void {
  for (let t = q.popDue(until); t; t = q.popDue(until)) fire(t);
}

describe('TimerQueue', () => {
  it('fires timers added now (the O(1) lane) in the same (deadline, insertion) order as heap timers', () => {
    // The same timers into two queues: one all through the heap, one with the zero delays in the lane.
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
        withLane.addNow(now, () => b.push(label));
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

  it('passes each timer its argument, and never fires a cancelled one in either part', () => {
    const q = new TimerQueue();
    const got: unknown[] = [];
    const record = (arg: unknown) => got.push(arg);
    q.addNow(0, record, 'lane');
    const cancelledInLane = q.addNow(0, record, 'cancelled lane');
    q.add(5, record, 'heap');
    const cancelledInHeap = q.add(3, record, 'cancelled heap');
    cancelledInLane.cancelled = true;
    cancelledInHeap.cancelled = true;
    expect(q.peekAt()).toBe(0);
    for (let t = q.popDue(10); t; t = q.popDue(10)) fire(t);
    expect(got).toEqual(['lane', 'heap']);
    expect(q.size).toBe(0);
  });

  it('takes a deadline earlier than the lane holds into the heap, still in order', () => {
    const q = new TimerQueue();
    const got: string[] = [];
    q.addNow(10, () => got.push('b'));
    q.addNow(5, () => got.push('a')); // earlier than the lane's tail: goes to the heap
    for (let t = q.popDue(10); t; t = q.popDue(10)) fire(t);
    expect(got).toEqual(['a', 'b']);
  });
});

describe('VirtualScheduler.setTimerWith', () => {
  it('fires zero-delay and later timers with their arguments in (time, order set) order', async () => {
    const s = new VirtualScheduler();
    const got: string[] = [];
    const at = (label: string) => got.push(`${label}@${s.now()}`);
    s.setTimerWith(10, at, 'tick', true);
    s.setTimerWith(0, at, 'first', true);
    s.setTimer(
      10,
      () => {
        at('second-tick');
        s.setTimerWith(0, at, 'sent-at-10', true);
        s.setTimerWith(0, at, 'sent-at-10-too', true);
      },
      true,
    );
    s.setTimerWith(0, at, 'also-first', true);
    await s.advance(20, () => Promise.resolve());
    expect(got).toEqual(['first@0', 'also-first@0', 'tick@10', 'second-tick@10', 'sent-at-10@10', 'sent-at-10-too@10']);
  });
});
