import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/cluster/scheduler.js';

/** A turn that counts itself: one pass through the event loop. */
function countingTurn(): { turn: () => Promise<void>; count: () => number } {
  let turns = 0;
  return {
    turn: () => {
      turns++;
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
    count: () => turns,
  };
}

describe('VirtualScheduler.advance: turns for promise continuations', () => {
  it('continuations released at a moment run after its last timer, at that moment, before time moves on', async () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    const released = (tag: string) => () => void Promise.resolve().then(() => log.push(`${tag} resumed at ${s.now()}`));
    s.setTimer(10, released('a')); // not quiet: may release continuations
    s.setTimer(10, () => log.push(`b fired at ${s.now()}`), true);
    s.setTimer(20, () => log.push(`c fired at ${s.now()}`), true);
    await s.advance(30, () => new Promise((resolve) => setImmediate(resolve)));
    expect(log).toEqual(['b fired at 10', 'a resumed at 10', 'c fired at 20']);
    expect(s.now()).toBe(30);
  });

  it('one turn per moment that needs one, however many timers at that moment settle promises', async () => {
    const s = new VirtualScheduler();
    const { turn, count } = countingTurn();
    const resumed: number[] = [];
    for (let i = 0; i < 12; i++) {
      s.setTimer(
        5,
        () => {
          s.requestSettle();
          void Promise.resolve().then(() => resumed.push(s.now()));
        },
        true,
      );
    }
    await s.advance(10, turn);
    // One before time first moves (for what the caller left queued), one at moment 5.
    expect(count()).toBe(2);
    expect(resumed).toEqual(new Array(12).fill(5));
  });

  it('what the caller left queued runs before time moves; code right after advance() runs before any timer', async () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.setTimer(0, () => log.push(`timer due now fired at ${s.now()}`), true);
    s.setTimer(1, () => log.push(`later timer fired at ${s.now()}`), true);
    void Promise.resolve()
      .then(() => null)
      .then(() => log.push(`queued continuation ran at ${s.now()}`));
    const advanced = s.advance(5, () => new Promise((resolve) => setImmediate(resolve)));
    log.push('code after advance()');
    await advanced;
    expect(log).toEqual(['code after advance()', 'timer due now fired at 0', 'queued continuation ran at 0', 'later timer fired at 1']);
  });

  it('a timer a continuation sets for the same moment fires at that moment, and what it releases runs too, before time moves', async () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.setTimer(3, () => {
      void Promise.resolve().then(() => {
        log.push(`continuation at ${s.now()}`);
        s.setTimer(0, () => {
          log.push(`zero-delay timer at ${s.now()}`);
          void Promise.resolve().then(() => log.push(`its continuation at ${s.now()}`));
        });
      });
    });
    s.setTimer(4, () => log.push(`next moment's timer at ${s.now()}`), true);
    await s.advance(10, () => new Promise((resolve) => setImmediate(resolve)));
    expect(log).toEqual(['continuation at 3', 'zero-delay timer at 3', 'its continuation at 3', "next moment's timer at 4"]);
  });
});

describe('VirtualScheduler.firing: whether a call came from a timer', () => {
  it('is true inside a firing timer and false between timers, in continuations and outside advance', async () => {
    const s = new VirtualScheduler();
    const seen: string[] = [];
    seen.push(`before advance ${s.firing()}`);
    s.setTimer(5, () => {
      seen.push(`in timer ${s.firing()}`);
      void Promise.resolve().then(() => seen.push(`in continuation ${s.firing()}`));
    });
    s.post(() => seen.push(`in posted ${s.firing()}`), undefined);
    await s.advance(10, () => new Promise((resolve) => setImmediate(resolve)));
    seen.push(`after advance ${s.firing()}`);
    expect(seen).toEqual(['before advance false', 'in posted true', 'in timer true', 'in continuation false', 'after advance false']);
  });

  it('is false again after a timer threw', async () => {
    const s = new VirtualScheduler();
    s.setTimer(1, () => {
      throw new Error('boom');
    });
    await expect(s.advance(5, () => Promise.resolve())).rejects.toThrow('boom');
    expect(s.firing()).toBe(false);
  });
});
