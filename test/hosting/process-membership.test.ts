import { describe, expect, it } from 'vitest';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import type { ProcessCluster } from '../../src/hosting/process-cluster.js';
import { alive, clusterFixture } from '../helpers/cluster-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

// Membership changes (thesis ch. 4) when every node is its own OS process (`raft-tui node`, from
// the built dist/): a node added is a new process, a node removed is one that exits.
const { start, tempDir } = clusterFixture<ProcessCluster>({
  electionTimeoutMs: [150, 300],
  heartbeatMs: 30,
  hosting: 'processes',
});

const statusOf = (c: Cluster, id: number) => c.status().find((s) => s.id === id)!;

async function hasValue(c: Cluster, id: number, key: string, value: string): Promise<void> {
  await waitFor(`n${id} to hold ${key}=${value}`, () => statusOf(c, id).up && statusOf(c, id).kv[key] === value);
}

describe("membership changes with hosting: 'processes' (thesis ch. 4)", { timeout: 90_000 }, () => {
  it('addNode starts a new node process that joins as a learner, catches up, and is promoted to voter (§4.2.1)', async () => {
    const c = await start({ nodes: 3 });
    const steps: string[] = [];
    c.on('event', (e: ClusterEvent) => {
      if (e.type === 'membership') steps.push(`n${e.node} ${e.step}`);
    });
    await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET before = 1', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    const pidsBefore = c.pids();

    const id = await c.addNode();

    expect(id).toBe(4);
    expect(steps).toEqual(['n4 joining', 'n4 learner', 'n4 caught-up', 'n4 voter']);
    const newPids = c.pids().filter((p) => !pidsBefore.includes(p));
    expect(newPids).toHaveLength(1);
    expect(alive(newPids[0]!)).toBe(true);
    expect(statusOf(c, c.leader()!).voters).toEqual([1, 2, 3, 4]);
    // It caught up with what was there before it joined, and gets what comes after.
    await hasValue(c, 4, 'before', '1');
    expect(await c.submit('SET after = 2', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    await hasValue(c, 4, 'after', '2');
    expect(c.safety().violations).toBe(0);
  });

  it('a node restarted after the add knows where the new node listens: leading, it replicates to it', async () => {
    const c = await start({ nodes: 3 });
    await waitFor('a leader', () => c.leader());
    const id = await c.addNode();
    // Node 1 is respawned from its command line and files: the new peer must be on that line.
    await c.crash(1);
    await c.restart(1);
    await waitFor('n1 up again', () => statusOf(c, 1).up);
    const moved = await c.transferLeadership(1);
    expect(moved).toEqual({ ok: true, leader: 1 });
    expect(await c.submit('SET from = n1', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    // Only the leader sends the new node its log: n1 must reach it.
    await hasValue(c, id, 'from', 'n1');
  });

  it('removeNode takes the leader out: it steps down, its process exits, the rest elect a leader and commit (§4.2.2)', async () => {
    const c = await start({ nodes: 4 });
    const leader = await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET x = 1', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    const pid = c.pids().length;
    expect(pid).toBe(4);

    await c.removeNode(leader);

    expect(c.pids()).toHaveLength(3);
    const next = await waitFor('a new leader', () => {
      const l = c.leader();
      return l !== undefined && l !== leader ? l : undefined;
    });
    expect(statusOf(c, next).voters).toEqual([1, 2, 3, 4].filter((n) => n !== leader));
    expect(await c.submit('SET x = 2', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    expect(c.snapshot().nodes.find((n) => n.id === leader)?.removed).toBe(true);
    await expect(c.restart(leader)).rejects.toThrow(/removed/);
    expect(c.safety().violations).toBe(0);
  });

  it('a data folder remembers nodes added and removed: the next cluster on it starts those nodes', async () => {
    const dataDir = await tempDir('raft-tui-process-members-');
    const first = await start({ nodes: 3, dataDir });
    await waitFor('a leader', () => first.leader());
    expect(await first.addNode()).toBe(4);
    await first.removeNode(2);
    expect(await first.submit('SET kept = yes', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    await first.stop();

    const again = await start({ nodes: 3, dataDir });
    expect(again.status().map((s) => s.id)).toEqual([1, 3, 4]);
    await waitFor('a leader', () => again.leader());
    expect(await again.submit('SET later = yes', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    for (const id of [1, 3, 4]) await hasValue(again, id, 'kept', 'yes');
    await hasValue(again, 4, 'later', 'yes');
  });
});
