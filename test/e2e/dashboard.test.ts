import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../src/tui/keys.js';
import { ensureBuilt, startTui, type RunningTui } from './terminal.js';

/** Fast enough for a test, slow enough to be a real cluster: real time, short timeouts. */
const FAST = ['--nodes', '3', '--speed', '1', '--election-timeout', '150-300', '--heartbeat', '30'];

let tui: RunningTui | undefined;

beforeAll(() => ensureBuilt(), 180_000);
afterEach(() => {
  tui?.dispose();
  tui = undefined;
});

const leaderOf = (screen: string): number | undefined => {
  const m = /leader n(\d)/.exec(screen.split('\n')[0] ?? '');
  return m ? Number(m[1]) : undefined;
};
const count = (s: string, re: RegExp): number => s.match(new RegExp(re, 'g'))?.length ?? 0;

for (const size of [
  { cols: 80, rows: 24 },
  { cols: 120, rows: 36 },
]) {
  describe(`raft-tui in a ${size.cols}×${size.rows} terminal`, () => {
    it('elects, commits a SET everywhere, survives a leader crash, partitions, heals and quits', async () => {
      const t = (tui = startTui(FAST, size));
      let screen = await t.waitFor((s) => leaderOf(s) !== undefined, 'a leader in the cluster line');
      const dataDir = /files in (\S+) \(removed on quit\)/.exec(screen)?.[1];

      t.type('SET x = 1');
      await t.waitFor((s) => s.includes('raft> SET x = 1'), 'the typed line');
      t.type(encodeKey('enter'));
      screen = await t.waitFor((s) => count(s, /kv x=1/) === 3, 'x=1 in every panel');
      await t.waitFor((s) => /SET x = 1 committed at index \d+ \(majority/.test(s), 'the commit in the event pane');
      await t.waitFor((s) => /✔ ok SET x = 1/.test(s), 'the ok result');

      const old = leaderOf(screen)!;
      t.type('crash leader');
      t.type(encodeKey('enter'));
      screen = await t.waitFor(
        (s) => new RegExp(`n${old} DOWN`).test(s) && leaderOf(s) !== undefined && leaderOf(s) !== old,
        'the old leader DOWN and a new leader',
      );
      await t.waitFor((s) => /crashed; (its )?disk kept/.test(s), 'the DOWN panel saying what its disk kept');

      t.type(`restart ${old}`);
      t.type(encodeKey('enter'));
      await t.waitFor((s) => !s.includes('DOWN') && count(s, /kv x=1/) === 3, 'the restarted node back with x=1');

      t.type('partition 1 | 2,3');
      t.type(encodeKey('enter'));
      await t.waitFor(
        (s) => (s.split('\n')[0] ?? '').includes('partition {1} | {2,3}') && s.includes('ISOLATED'),
        'the partition on screen',
      );
      t.type('heal');
      t.type(encodeKey('enter'));
      await t.waitFor((s) => !(s.split('\n')[0] ?? '').includes('partition') && !s.includes('ISOLATED'), 'the partition healed');

      t.type('quit');
      t.type(encodeKey('enter'));
      expect(await t.exited()).toBe(0);
      if (dataDir) expect(existsSync(dataDir)).toBe(false);
    }, 60_000);
  });
}

describe('raft-tui --processes', () => {
  it('adds a node process with add and takes one out with remove; SETs commit on the nodes in', async () => {
    const t = (tui = startTui([...FAST, '--processes'], { cols: 120, rows: 36 }));
    await t.waitFor((s) => leaderOf(s) !== undefined, 'a leader');
    t.type('add');
    t.type(encodeKey('enter'));
    await t.waitFor((s) => /✔ ok add → added n4: it joined as a learner, caught up, and is a voter now/.test(s), 'n4 added');
    t.type('SET y = 2');
    t.type(encodeKey('enter'));
    await t.waitFor((s) => count(s, /kv y=2/) === 4, 'y=2 in all four panels');
    t.type('remove 1');
    t.type(encodeKey('enter'));
    await t.waitFor((s) => s.includes('n1 REMOVED') && /✔ ok remove 1/.test(s), 'n1 removed');
    t.type('SET z = 3');
    t.type(encodeKey('enter'));
    await t.waitFor((s) => count(s, /kv y=2 +z=3/) === 3, 'z=3 on the three nodes still in');
    t.type('quit');
    t.type(encodeKey('enter'));
    expect(await t.exited()).toBe(0);
  }, 60_000);
});

describe('raft-tui keys', () => {
  it('selects with Tab, crashes and restarts with F2, quits with Ctrl-C', async () => {
    const t = (tui = startTui(FAST, { cols: 100, rows: 30 }));
    await t.waitFor((s) => leaderOf(s) !== undefined, 'a leader');
    t.type(encodeKey('tab'));
    await t.waitFor((s) => s.includes('▶ n2'), 'n2 selected');
    t.type(encodeKey('f2'));
    await t.waitFor((s) => s.includes('n2 DOWN'), 'n2 crashed by F2');
    t.type(encodeKey('f2'));
    await t.waitFor((s) => !s.includes('n2 DOWN') && /▶ n2 (FOLLOWER|LEADER|CANDIDATE|PRE-CANDIDATE)/.test(s), 'n2 restarted by F2');
    t.type(encodeKey('f1'));
    await t.waitFor((s) => s.includes('crash / restart node'), 'the help overlay');
    t.type(encodeKey('escape'));
    await t.waitFor((s) => !s.includes('crash / restart node'), 'help closed');
    t.type(encodeKey('ctrl-c'));
    expect(await t.exited()).toBe(0);
  }, 60_000);
});

describe('raft-tui --script', () => {
  it('plays the file line by line in the dashboard, stops at a failing line naming file and line, and stays up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-tui-script-'));
    const file = join(dir, 'demo.txt');
    writeFileSync(file, '# a short demo\nwait leader\nSET s = 1\nrestart 1\nSET never = 1\n');
    try {
      const t = (tui = startTui([...FAST, '--script', file], { cols: 120, rows: 36 }));
      const screen = await t.waitFor((s) => s.includes('demo.txt:4: n1 is up'), 'the failing line named');
      expect(screen).not.toContain('SET never'); // line 5 never ran ("never" alone also appears in event text)
      // The pane is a history that may have scrolled on: the filter finds the line in it.
      t.type('/demo.txt:3');
      t.type(encodeKey('enter'));
      await t.waitFor((s) => s.includes('demo.txt:3 › SET s = 1'), 'line 3 shown in the event pane');
      t.type('/');
      t.type(encodeKey('enter'));
      // Committed on the leader when the script went on; followers apply at the next heartbeat.
      await t.waitFor((s) => count(s, /kv s=1/) === 3, 's=1 applied in every panel');
      t.type('SET after = 2');
      t.type(encodeKey('enter'));
      await t.waitFor((s) => count(s, /after=2/) === 3, 'the dashboard still taking commands');
      t.type(encodeKey('ctrl-c'));
      expect(await t.exited()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('raft-tui on resize', () => {
  it('lays the screen out again for the new size, with nothing stale left behind', async () => {
    const t = (tui = startTui(['--nodes', '5', '--speed', '1'], { cols: 120, rows: 36 }));
    await t.waitFor((s) => leaderOf(s) !== undefined, 'a leader');
    t.resize(80, 24);
    const screen = await t.waitFor(
      (s) =>
        count(s, /raft-tui │/) === 1 && count(s, /raft> /) === 1 && /╭─ n3 \S+/.test(s) && !/msgs \S+ sent/.test(s.split('\n')[0] ?? ''),
      'one clean 80-column frame',
    );
    for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    t.resize(120, 36);
    await t.waitFor((s) => count(s, /raft-tui │/) === 1 && /msgs \S+ sent/.test(s.split('\n')[0] ?? ''), 'the wide frame again');
    t.type(encodeKey('ctrl-c'));
    expect(await t.exited()).toBe(0);
  }, 60_000);
});
