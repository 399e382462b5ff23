import { describe, expect, it } from 'vitest';
import { createCluster, type RaftCluster } from '../../src/cluster/create-cluster.js';
import type { ClusterOptions } from '../../src/cluster/types.js';
import { runScript } from '../../src/console/index.js';
import { describeEvent } from '../../src/tui/describe-event.js';
import { waitFor } from '../helpers/wait-for.js';

const SCRIPT = `
wait leader
SET x = 1
crash leader
wait 700
wait leader
SET y = 2
partition 1,2 | 3,4,5
wait 1000
heal
wait commit
`;

/** Plays the script on a paced cluster and returns every event line with its cluster time. */
async function trace(options: ClusterOptions): Promise<{ lines: string[]; log: { at: number; line: string }[] }> {
  const cluster = (await createCluster({ nodes: 5, clock: 'paced', seed: 11, ...options })) as RaftCluster;
  const lines: string[] = [];
  cluster.on('event', (e) => {
    const d = describeEvent(e);
    if (d) lines.push(`${e.at} ${d.text}`);
  });
  try {
    const result = await runScript(cluster, SCRIPT, 'paced.txt', (no, line, outcome) => lines.push(`:${no} ${line} → ${outcome.message}`));
    expect(result).toEqual({ ok: true });
    return { lines, log: [...cluster.pacer!.log] };
  } finally {
    await cluster.stop();
  }
}

describe("clock: 'paced'", () => {
  it('implies the in-memory network and refuses TCP', async () => {
    const c = (await createCluster({ nodes: 3, clock: 'paced', seed: 1, speed: 100 })) as RaftCluster;
    expect(c.options.transport).toBe('memory');
    expect(c.snapshot()).toMatchObject({ clock: 'paced', seed: 1, transport: 'memory' });
    await c.stop();
    await expect(createCluster({ clock: 'paced', transport: 'tcp' })).rejects.toThrow(/needs transport 'memory'/);
  });

  it('moves by itself at speed × the wall clock', async () => {
    const c = await createCluster({ nodes: 3, clock: 'paced', seed: 3, speed: 2 });
    const wallStart = performance.now();
    await waitFor('a leader elected by time moving on its own', () => c.leader(), 10_000);
    await waitFor('400 ms of cluster time', () => c.snapshot().takenAt >= 400, 10_000);
    const wall = performance.now() - wallStart;
    const cluster = c.snapshot().takenAt;
    // Twice as fast as the wall clock: never ahead of 2 × wall (plus one frame of cluster time).
    expect(cluster).toBeLessThanOrEqual(2 * wall + 2 * 140);
    expect(wall).toBeGreaterThanOrEqual(150);
    await c.stop();
  });

  it('gives the same run for the same seed and script, whatever the speed', async () => {
    const fast = await trace({ speed: Number.POSITIVE_INFINITY });
    const again = await trace({ speed: Number.POSITIVE_INFINITY });
    const paced = await trace({ speed: 40 });
    expect(again.lines).toEqual(fast.lines);
    expect(paced.lines).toEqual(fast.lines);
    expect(paced.log).toEqual(fast.log);
    // Scripts wait in cluster time: the line after `wait 700` runs 700 ms after the one before it.
    const crash = fast.log.find((e) => e.line === 'crash leader')!;
    const waited = fast.log.find((e) => e.line === 'wait 700')!;
    const next = fast.log[fast.log.indexOf(waited) + 1]!;
    expect(waited.at).toBe(crash.at);
    expect(next.at).toBe(waited.at + 700);
  });

  it('pauses, steps straight to the next timer in one press, and resumes', async () => {
    const c = await createCluster({ nodes: 3, clock: 'paced', seed: 4, speed: 5 });
    c.pause();
    const at = c.snapshot().takenAt;
    await new Promise((r) => setTimeout(r, 100));
    expect(c.snapshot().takenAt).toBe(at);
    // Nothing is in flight before the first election: the step jumps to the first election timeout.
    const said = await c.step();
    const moved = /^time moved (\d+) ms to n\d's election timeout/.exec(said);
    expect(moved, said).not.toBeNull();
    const after = at + Number(moved![1]);
    expect(Number(moved![1])).toBeGreaterThan(10);
    expect(c.snapshot().takenAt).toBe(after);
    c.resume();
    await waitFor('time to move again', () => c.snapshot().takenAt > after);
    await c.stop();
  });
});
