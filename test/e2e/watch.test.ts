/**
 * Watching Raft happen in the real binary, in a real terminal, at the default pace: an election
 * started by `timeout 2` shows its RequestVotes on the wire, and while paused `step` delivers
 * exactly the message the screen marks as next.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../src/tui/keys.js';
import { ensureBuilt, startTui, type RunningTui } from './terminal.js';

let tui: RunningTui | undefined;

beforeAll(() => ensureBuilt(), 180_000);
afterEach(() => {
  tui?.dispose();
  tui = undefined;
});

const run = (t: RunningTui, line: string): void => {
  t.type(line);
  t.type(encodeKey('enter'));
};

/**
 * The screen once it has stopped changing for `quietMs` (paused, only our own steps change it):
 * a frame drawn before the last step's answers reached the snapshot would mark a stale message.
 */
async function settled(t: RunningTui, quietMs = 400, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = t.screen();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = t.screen();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error(`the screen kept changing for ${timeoutMs} ms:\n${now}`);
  }
}

/** The marked message on screen: `▶ #12 n3 → n1`, its id and link. */
const marked = (screen: string): { id: number; link: string } | undefined => {
  const m = /▶ #(\d+) (n\d → n\d)/.exec(screen);
  return m ? { id: Number(m[1]), link: m[2]! } : undefined;
};

for (const size of [
  { cols: 120, rows: 36 },
  { cols: 80, rows: 24 },
]) {
  describe(`watching in a ${size.cols}×${size.rows} terminal at the default pace`, () => {
    it('timeout 2 makes n2 a candidate whose RequestVotes are on the wire', async () => {
      // The election must be the one `timeout 2` starts: with the default timeouts (1.5 s at the
      // default pace) a slow start on a loaded machine let a timer elect a leader before the
      // prompt was even seen, and pre-vote then kept n2 from standing. Timeouts of 30 s or more
      // at this pace leave no timer to run out first; a latency of 1 s or more keeps the
      // RequestVotes on the wire long enough to be seen on a screen polled by a loaded test.
      const t = (tui = startTui(['--seed', '11', '--election-timeout', '3000-4000', '--latency', '100-120'], size));
      await t.waitFor((s) => s.includes('raft>'), 'the dashboard');
      expect(t.screen()).not.toMatch(/n\d (LEADER|CANDIDATE)/);
      run(t, 'timeout 2');
      await t.waitFor(
        // A narrow cell names it VoteReq.
        (s) => /n2 CANDIDATE/.test(s) && /n2 → n\d[^\n]*(RequestVote|VoteReq)/.test(s),
        'n2 as candidate with a RequestVote of its own in flight',
      );
      t.type(encodeKey('ctrl-c'));
      expect(await t.exited()).toBe(0);
    }, 60_000);

    it('paused, step delivers exactly the message marked as next', async () => {
      const t = (tui = startTui(['--seed', '12'], size));
      await t.waitFor((s) => /leader n\d/.test(s.split('\n')[0] ?? ''), 'a leader');
      run(t, 'pause');
      await t.waitFor((s) => s.includes('PAUSED'), 'paused');
      for (let round = 0; round < 3; round++) {
        let screen = await settled(t);
        if (!marked(screen)) {
          // Nothing on the wire when time stopped: a step moves time to the next heartbeat.
          run(t, 'step');
          await t.waitFor((s) => marked(s) !== undefined, 'a message marked as next');
          screen = await settled(t);
        }
        const next = marked(screen)!;
        run(t, 'step');
        await t.waitFor((s) => s.includes(`delivered #${next.id} ${next.link}`), `step delivering #${next.id} ${next.link}`);
        // Gone from the in-flight list (lines with a progress bar), though the event pane names it.
        await t.waitFor((s) => !new RegExp(`#${next.id} ${next.link} [▰▱]`).test(s), 'it gone from the wire');
      }
      t.type(encodeKey('ctrl-c'));
      expect(await t.exited()).toBe(0);
    }, 60_000);
  });
}
