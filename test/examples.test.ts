/**
 * The examples library (examples/*.txt): every story plays in --sim mode (the paced clock, run
 * as fast as the simulator goes) and every `expect` in it must hold; a replay gives the same
 * events; a failed expectation names the file and the line.
 */
import { describe, expect, it } from 'vitest';
import { exampleClusterOptions, exampleNames, exampleOptions, loadExample } from '../src/cli/examples.js';
import { createCluster } from '../src/cluster/create-cluster.js';
import { runScript } from '../src/console/index.js';
import { describeEvent } from '../src/tui/describe-event.js';

/** Plays an example on the simulator at full speed; returns how it ended and its event lines. */
async function play(
  name: string,
  text?: string,
): Promise<{ result: Awaited<ReturnType<typeof runScript>>; events: string[]; log: { at: number; line: string }[]; end: number }> {
  const example = loadExample(name);
  const cluster = await createCluster({ ...exampleClusterOptions(example), clock: 'paced', speed: Number.POSITIVE_INFINITY });
  // A `speed` line changes only how fast the wall clock paces the run, never the run itself
  // (test/cluster/paced-clock.test.ts): here every story runs as fast as the simulator goes.
  const pacer = (cluster as unknown as { pacer: { setSpeed(speed: number): void; pause(): void } }).pacer;
  pacer.setSpeed = () => {};
  const events: string[] = [];
  cluster.on('event', (e) => {
    const d = describeEvent(e);
    if (d) events.push(`${e.at} ${d.text}`);
  });
  try {
    const result = await runScript(cluster, text ?? example.text, `examples/${name}.txt`, (no, line, outcome) =>
      events.push(`:${no} ${line} → ${outcome.message}`),
    );
    pacer.pause(); // the end of the story: time stops where the script ended
    const log = [...(cluster as Awaited<ReturnType<typeof createCluster>> & { pacer: { log: { at: number; line: string }[] } }).pacer.log];
    return { result, events, log, end: cluster.snapshot().takenAt };
  } finally {
    await cluster.stop();
  }
}

const names = exampleNames();
/** Wall time each caption stays up at least, at the speed the story runs. */
const MIN_CAPTION_WALL_MS = 2000;

describe('examples/ (played in --sim mode; every expect must hold)', () => {
  it('has the stories the README promises', () => {
    for (const name of [
      'election',
      'replication',
      'leader-crash',
      'stranded-leader',
      'log-repair',
      'pre-vote',
      'no-pre-vote',
      'check-quorum-off',
      'restart-from-disk',
      'figure-8',
      'torn-tail',
    ])
      expect(names).toContain(name);
  });

  for (const name of names) {
    it(name, async () => {
      const example = loadExample(name);
      expect(example.title).not.toBe('');
      expect(example.text).toMatch(/^say /m);
      expect(example.text).toMatch(/^expect /m);
      const { result, log, end } = await play(name);
      expect(result).toEqual({ ok: true });
      // Frames come at cluster-time boundaries: a caption replaced at the same moment is never seen.
      // Each caption must stay up long enough to read, in wall time at the speed the story runs.
      let speed = example.options.speed ?? 1;
      let shown: { line: string; wallMs: number } | undefined;
      log.forEach((e, i) => {
        const m = /^speed ([\d.]+)/.exec(e.line);
        if (m) speed = Number(m[1]);
        const wallMs = ((log[i + 1]?.at ?? end) - e.at) / speed;
        if (e.line.startsWith('say ')) {
          if (shown) expect(shown.wallMs, `"${shown.line}" is up for ${shown.wallMs} ms`).toBeGreaterThanOrEqual(MIN_CAPTION_WALL_MS);
          shown = { line: e.line, wallMs };
        } else if (shown) shown.wallMs += wallMs;
      });
      if (shown) expect(shown.wallMs, `"${shown.line}" is up for ${shown.wallMs} ms`).toBeGreaterThanOrEqual(MIN_CAPTION_WALL_MS);
    });
  }

  it('torn-tail: real FileStorage recovery finds the torn record on the simulated disk, cuts it and says so', async () => {
    const { result, events } = await play('torn-tail');
    expect(result).toEqual({ ok: true });
    const cut = events.filter((e) => /n2 cut \d+ bytes off \/node-2\/log\.bin .*torn or corrupt last record/.test(e));
    expect(cut).toHaveLength(1);
    expect(
      events.some((e) => /crash 2 mid-write → crashed n2 in the middle of writing its log, before the fsync: \d+ of the \d+ bytes/.test(e)),
    ).toBe(true);
  });

  it('reads batch=N on the #! line as entries per AppendEntries, and refuses a batch below 1', () => {
    expect(exampleOptions('#! nodes=5 batch=1\n', 'a.txt')).toEqual({ nodes: 5, maxBatchEntries: 1 });
    expect(() => exampleOptions('#! batch=0\n', 'a.txt')).toThrow('a.txt: batch=0 needs a whole number of entries, 1 or more');
    expect(exampleClusterOptions(loadExample('figure-8'))).toMatchObject({ maxBatchEntries: 1, checkQuorum: false, seed: 7 });
  });

  it('replays exactly: the same example twice gives the same events at the same cluster times', async () => {
    const first = await play('stranded-leader');
    const second = await play('stranded-leader');
    expect(first.events.length).toBeGreaterThan(20);
    expect(second.events).toEqual(first.events);
  });

  it('stops at a failed expect with the file, the line and what was seen instead', async () => {
    const original = loadExample('stranded-leader').text;
    const line = [...original.matchAll(/^expect leader n(\d)$/gm)].at(-1)!;
    const wrong = line[1] === '2' ? 3 : 2;
    const text = original.replace(line[0], `expect leader n${wrong}`);
    const lineNo = text.split('\n').indexOf(`expect leader n${wrong}`) + 1;
    const { result } = await play('stranded-leader', text);
    expect(result).toEqual({
      ok: false,
      message: `examples/stranded-leader.txt:${lineNo}: expected leader in n${wrong}, but n${line[1]} leads (term 2)`,
    });
  });
});
