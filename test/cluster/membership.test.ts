import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { LiveChecker } from '../../src/cluster/live-checker.js';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import { waitFor } from '../helpers/wait-for.js';

async function during<T>(c: Cluster, p: Promise<T>, ms = 5000): Promise<T> {
  await c.advance(ms);
  return p;
}

const config = (c: Cluster, id: number) => {
  const s = c.status().find((n) => n.id === id)!;
  return { voters: [...s.voters].sort(), learners: [...s.learners].sort() };
};

describe('Cluster.addNode / removeNode (thesis ch. 4)', () => {
  it('grows a cluster from 3 to 5 nodes: each joins as a learner, catches up, and becomes a voter', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 3 });
    const events: ClusterEvent[] = [];
    c.on('event', (e) => events.push(e));
    await c.advance(2000);
    await during(c, c.submit('SET before = 1'));
    expect(await during(c, c.addNode())).toBe(4);
    expect(await during(c, c.addNode())).toBe(5);
    expect(c.ids).toEqual([1, 2, 3, 4, 5]);
    for (const id of c.ids) expect(config(c, id)).toEqual({ voters: [1, 2, 3, 4, 5], learners: [] });
    expect(c.status().find((s) => s.id === 5)!.kv.before).toBe('1');
    const steps = events.flatMap((e) => (e.type === 'membership' && e.node === 4 ? [e.step] : []));
    expect(steps).toEqual(['joining', 'learner', 'caught-up', 'voter']);
    // Five voters: a majority is three. Two down and it still commits.
    await c.crash(1);
    await c.crash(2);
    expect(await during(c, c.submit('SET after = 2', { timeoutMs: 8000 }), 9000)).toMatchObject({ ok: true });
    await c.stop();
  });

  it('removes a follower, then the leader (which steps down once the change commits); ids are never reused', async () => {
    const c = await createCluster({ nodes: 5, transport: 'memory', clock: 'virtual', seed: 4 });
    await c.advance(2000);
    const leader = c.leader()!;
    const follower = c.ids.find((id) => id !== leader)!;
    await during(c, c.removeNode(follower));
    expect(c.status().find((s) => s.id === follower)).toMatchObject({ up: false, removed: true });
    await during(c, c.removeNode(leader));
    expect(c.status().find((s) => s.id === leader)).toMatchObject({ up: false, removed: true });
    await c.advance(2000);
    const fresh = c.leader()!;
    expect([leader, follower]).not.toContain(fresh);
    expect(config(c, fresh).voters).toHaveLength(3);
    await expect(c.restart(leader)).rejects.toThrow(/was removed from the cluster/);
    expect(await during(c, c.addNode())).toBe(6);
    expect(config(c, 6).voters).toHaveLength(4);
    await c.stop();
  });

  it('a removed node no longer holds back what the live safety checker forgets (else its records grow for the rest of the run)', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 7, snapshotEvery: 200 });
    await c.advance(2000);
    const follower = c.ids.find((id) => id !== c.leader())!;
    await during(c, c.removeNode(follower));
    const lastIndexThen = Math.max(...c.status().map((s) => s.lastIndex));
    for (let i = 0; i < 3000; i++) {
      void c.submit(`SET k = ${i}`);
      await c.advance(10);
    }
    // The two nodes left compact every 200 entries: only their latest snapshots bound what is kept.
    const checker = (c as unknown as { checker: LiveChecker }).checker.checker;
    expect(checker.keptFrom).toBeGreaterThan(lastIndexThen + 2000);
    expect(c.safety()).toMatchObject({ violations: 0 });
    await c.stop();
  });

  it('refuses an impossible removal with the reason, and a tenth node', async () => {
    const c = await createCluster({ nodes: 9, transport: 'memory', clock: 'virtual', seed: 5 });
    await c.advance(2000);
    await expect(during(c, c.addNode())).rejects.toThrow('a cluster has at most 9 nodes: remove one first (remove <id>)');
    await c.stop();
    const one = await createCluster({ nodes: 1, transport: 'memory', clock: 'virtual', seed: 5 });
    await one.advance(1000);
    await expect(during(one, one.removeNode(1))).rejects.toThrow('node 1 is the last voter: a cluster needs at least one');
    await one.stop();
  });

  it('status() and snapshot() answer while addNode() is still preparing the new node (its files are being written)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-tui-members-'));
    try {
      const c = await createCluster({ nodes: 3, dataDir: dir, electionTimeoutMs: [100, 200], heartbeatMs: 20, seed: 11 });
      try {
        await waitFor('a leader', () => c.leader());
        let done = false;
        const adding = c.addNode().finally(() => (done = true));
        const seen = new Set<number>();
        // What the dashboard does ~20 times a second, and a script may do at any moment.
        while (!done) {
          for (const s of c.status()) seen.add(s.id);
          for (const n of c.snapshot().nodes) seen.add(n.id);
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(await adding).toBe(4);
        expect(c.status().map((s) => s.id)).toEqual([1, 2, 3, 4]);
        expect(c.snapshot().nodes.map((n) => n.id)).toEqual([1, 2, 3, 4]);
        expect([...seen].sort()).toEqual([1, 2, 3, 4]);
      } finally {
        await c.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('over TCP with files: a node added and one removed are still so after the whole cluster restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-tui-members-'));
    try {
      const options = { nodes: 3, dataDir: dir, electionTimeoutMs: [100, 200] as [number, number], heartbeatMs: 20, seed: 9 };
      const c = await createCluster(options);
      await waitFor('a leader', () => c.leader());
      expect((await c.submit('SET a = 1', { timeoutMs: 10_000 })).ok).toBe(true);
      expect(await c.addNode()).toBe(4);
      const out = c.ids.find((id) => id !== c.leader() && id !== 4)!;
      await c.removeNode(out);
      expect((await c.submit('SET b = 2', { timeoutMs: 10_000 })).ok).toBe(true);
      await c.stop();
      expect(JSON.parse(await readFile(join(dir, 'members.json'), 'utf8'))).toMatchObject({ nextId: 5 });

      const again = await createCluster(options);
      try {
        expect([...again.ids].sort()).toEqual([1, 2, 3, 4].filter((id) => id !== out));
        await waitFor('a leader', () => again.leader());
        const voters = [1, 2, 3, 4].filter((id) => id !== out);
        for (const id of again.ids) expect(config(again, id).voters).toEqual(voters);
        expect((await again.submit('GET b', { timeoutMs: 10_000 })).ok).toBe(true);
        expect(await again.addNode()).toBe(5);
      } finally {
        await again.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
