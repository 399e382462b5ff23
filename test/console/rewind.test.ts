import { describe, expect, it } from 'vitest';
import { createCluster, type RaftCluster } from '../../src/cluster/create-cluster.js';
import type { ClusterOptions } from '../../src/cluster/types.js';
import { executeConsoleLine } from '../../src/console/index.js';
import { rewindable } from '../../src/console/rewind.js';
import { waitFor } from '../helpers/wait-for.js';

const OPTIONS: ClusterOptions = { nodes: 5, clock: 'paced', seed: 1, speed: 50 };

async function run(cluster: Parameters<typeof executeConsoleLine>[0], line: string): Promise<string> {
  const r = await executeConsoleLine(cluster, line);
  expect(r.ok, r.message).toBe(true);
  return r.message;
}

describe('rewind (--sim)', () => {
  it('goes back to an earlier moment: the same state as the run had then, from the seed and the command log', async () => {
    const c = rewindable((await createCluster(OPTIONS)) as RaftCluster, OPTIONS);
    const seen: string[] = [];
    c.on('event', (e) => seen.push(e.type));
    try {
      await run(c, 'wait leader');
      await run(c, 'SET x = 1');
      await run(c, 'wait 1000');
      const before = c.snapshot();
      const at = before.takenAt;
      await run(c, 'crash leader');
      await run(c, 'SET x = 2');
      await run(c, 'partition 1,2 | 3,4,5');
      await run(c, 'wait 1000');
      const back = (c.snapshot().takenAt - at) / 1000;
      c.pause();
      const said = await run(c, `rewind ${back}`);
      expect(said).toMatch(/^rewound to \d+\.\d\d s of cluster time/);
      const after = c.snapshot();
      expect(after.takenAt).toBe(Math.round(at / 10) * 10);
      // The same cluster as it was then: the same leader and term, x = 1 everywhere, all up, no partition.
      expect(after.leader).toBe(before.leader);
      expect(after.term).toBe(before.term);
      expect(after.nodes.map((n) => [n.id, n.up, n.role, n.term, n.lastIndex, n.kv.x])).toEqual(
        before.nodes.map((n) => [n.id, n.up, n.role, n.term, n.lastIndex, n.kv.x]),
      );
      expect(after.faults.partition).toBeNull();
      // And it carries on from there: a different branch, and listeners still hear it.
      c.resume();
      const heard = seen.length;
      await run(c, 'SET y = 3');
      // Committed: the leader applied it; the followers learn the commit from its next heartbeat (§5.3).
      await waitFor('y = 3 applied on a majority', () => c.status().filter((s) => s.kv.y === '3').length >= 3);
      await waitFor('events of the new branch', () => seen.length > heard);
    } finally {
      await c.stop();
    }
  });

  it('a wait or a SET under way when the run is rewound says it was cut short, not that it waited or that the cluster stopped', async () => {
    const c = rewindable((await createCluster(OPTIONS)) as RaftCluster, OPTIONS);
    try {
      await run(c, 'wait leader');
      const from = c.snapshot().takenAt;
      const waiting = executeConsoleLine(c, 'wait 60000');
      const untilLeader = executeConsoleLine(c, 'wait until term > 99');
      c.partition([[1], [2], [3], [4], [5]]);
      const set = executeConsoleLine(c, 'SET z = 1'); // no majority: it waits for a commit that cannot come
      await waitFor('some cluster time to pass', () => c.snapshot().takenAt >= from + 500);
      await run(c, 'rewind 0.2');
      const waited = await waiting;
      expect(waited.ok).toBe(false);
      expect(waited.message).toMatch(/^cut short after \d+\.\d s: the run was rewound/);
      const until = await untilLeader;
      expect(until.ok).toBe(false);
      expect(until.message).toMatch(/^cut short after \d+\.\d s: the run was rewound/);
      const setOutcome = await set;
      expect(setOutcome.ok).toBe(false);
      expect(setOutcome.message).toMatch(/^cut short after \d+\.\d s: the run was rewound/);
    } finally {
      await c.stop();
    }
  });

  it('says it needs --sim on any other cluster', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 1 });
    try {
      const r = await executeConsoleLine(c, 'rewind 5');
      expect(r).toEqual({ ok: false, message: 'rewind works in --sim mode: the simulator replays the run from its seed' });
    } finally {
      await c.stop();
    }
  });
});
