/**
 * The examples library (examples/*.txt): every story plays in --sim mode (the paced clock, run
 * as fast as the simulator goes) and every `expect` in it must hold; a replay gives the same
 * events; a failed expectation names the file and the line.
 */
import { describe, expect, it } from 'vitest';
import { exampleNames, loadExample } from '../src/cli/examples.js';
import { createCluster } from '../src/cluster/create-cluster.js';
import { runScript } from '../src/console/index.js';
import { describeEvent } from '../src/tui/describe-event.js';

/** Plays an example on the simulator at full speed; returns how it ended and its event lines. */
async function play(name: string, text?: string): Promise<{ result: Awaited<ReturnType<typeof runScript>>; events: string[] }> {
  const example = loadExample(name);
  const cluster = await createCluster({ nodes: 5, ...example.options, clock: 'paced', speed: Number.POSITIVE_INFINITY });
  const events: string[] = [];
  cluster.on('event', (e) => {
    const d = describeEvent(e);
    if (d) events.push(`${e.at} ${d.text}`);
  });
  try {
    const result = await runScript(cluster, text ?? example.text, `examples/${name}.txt`, (no, line, outcome) =>
      events.push(`:${no} ${line} → ${outcome.message}`),
    );
    return { result, events };
  } finally {
    await cluster.stop();
  }
}

const names = exampleNames();

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
    ])
      expect(names).toContain(name);
  });

  for (const name of names) {
    it(name, async () => {
      const example = loadExample(name);
      expect(example.title).not.toBe('');
      expect(example.text).toMatch(/^say /m);
      expect(example.text).toMatch(/^expect /m);
      const { result } = await play(name);
      expect(result).toEqual({ ok: true });
    });
  }

  it('replays exactly: the same example twice gives the same events at the same cluster times', async () => {
    const first = await play('stranded-leader');
    const second = await play('stranded-leader');
    expect(first.events.length).toBeGreaterThan(20);
    expect(second.events).toEqual(first.events);
  });

  it('stops at a failed expect with the file, the line and what was seen instead', async () => {
    const text = loadExample('stranded-leader').text.replace('expect leader n3', 'expect leader n1');
    const lineNo = text.split('\n').indexOf('expect leader n1') + 1;
    const { result } = await play('stranded-leader', text);
    expect(result).toEqual({ ok: false, message: `examples/stranded-leader.txt:${lineNo}: expected leader in n1, but n3 leads (term 2)` });
  });
});
