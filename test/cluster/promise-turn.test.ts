import { describe, expect, it } from 'vitest';
import { drainTurn, loopTurn, virtualClockTurns } from '../../src/cluster/promise-turn.js';

const turnOnce = (turn: (resume: () => void) => void): Promise<void> => new Promise((resolve) => turn(resolve));

/** Continuations queued before the turn, some queuing more; returns what ran, in order. */
function queueContinuations(log: string[]): void {
  const chain = async (depth: number, tag: string): Promise<void> => {
    for (let i = 0; i < depth; i++) await null;
    log.push(tag);
  };
  void chain(1, 'short');
  void chain(300, 'deep');
  void Promise.resolve().then(() => Promise.resolve().then(() => chain(50, 'queued by a continuation')));
  void Promise.resolve().then(() => process.nextTick(() => void chain(5, 'after a nextTick')));
}

describe('turns a virtual clock gives promise continuations', () => {
  for (const [name, turn] of [
    ['drainTurn', drainTurn],
    ['loopTurn', loopTurn],
  ] as const) {
    it(`${name}: every continuation queued before it, and every one they queue, has run when it resumes`, async () => {
      const log: string[] = [];
      queueContinuations(log);
      await turnOnce((resume) => turn(() => (log.push('TURN'), resume())));
      expect(log.at(-1)).toBe('TURN');
      expect([...log].sort()).toEqual(['TURN', 'after a nextTick', 'deep', 'queued by a continuation', 'short']);
    });
  }

  it('drain turns begun together each wait for every continuation, and resume in the order they began', async () => {
    const log: string[] = [];
    queueContinuations(log);
    const first = turnOnce((resume) => drainTurn(() => (log.push('first'), resume())));
    const second = turnOnce((resume) => drainTurn(() => (log.push('second'), resume())));
    await Promise.all([first, second]);
    expect(log.slice(-2)).toEqual(['first', 'second']);
    expect([...log].sort()).toEqual(['after a nextTick', 'deep', 'first', 'queued by a continuation', 'second', 'short']);
  });

  it('drainTurn resumes inside the same pass of the event loop; loopTurn after one', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('immediate'));
    await turnOnce(drainTurn);
    log.push('drained');
    await turnOnce(loopTurn);
    log.push('looped');
    expect(log).toEqual(['drained', 'immediate', 'looped']);
  });

  it('a long run of turns still lets the event loop turn: timers and I/O callbacks are not starved', async () => {
    const turn = virtualClockTurns();
    let fired = false;
    setImmediate(() => (fired = true));
    const start = performance.now();
    let turns = 0;
    while (!fired && performance.now() - start < 1000) {
      await turnOnce(turn);
      turns++;
    }
    expect(fired).toBe(true);
    expect(turns).toBeGreaterThan(1); // most turns stayed inside the pass
  });
});
