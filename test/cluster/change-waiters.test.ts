import { describe, expect, it } from 'vitest';
import { ChangeWaiters } from '../../src/cluster/change-waiters.js';
import { VirtualScheduler } from '../../src/cluster/scheduler.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ChangeWaiters on the virtual clock', () => {
  it('resumes a wait at the virtual moment its condition came true, even inside a quiet timer', async () => {
    const s = new VirtualScheduler();
    const waiters = new ChangeWaiters(s);
    let leader = false;
    const resumedAt = waiters.until(() => leader, 1000).then((held) => ({ held, at: s.now() }));
    s.setTimer(
      30,
      () => {
        leader = true;
        waiters.check();
      },
      true,
    );
    s.setTimer(80, () => {}, true);
    await s.advance(500, turn);
    expect(await resumedAt).toEqual({ held: true, at: 30 });
  });
});
