import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import { clusterFixture } from '../helpers/cluster-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

const FAST = { electionTimeoutMs: [100, 200] as [number, number], heartbeatMs: 20 };

const { start, tempDir } = clusterFixture(FAST);

/** Events of one kind, recorded from now on. */
function record(c: Cluster): ClusterEvent[] {
  const seen: ClusterEvent[] = [];
  c.on('event', (e) => seen.push(e));
  return seen;
}

const installed = (events: ClusterEvent[], node: number) =>
  events.some((e) => e.type === 'raft' && e.node === node && e.event.kind === 'snapshot-received' && e.event.installed);

describe('snapshots in a cluster (§7)', () => {
  it('every node compacts on its own after snapshotEvery applied entries; the log stays short', async () => {
    const c = await start({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 3, snapshotEvery: 20 });
    await c.advance(2000);
    for (let i = 0; i < 100; i++) void c.submit(`SET k${i % 7} = ${i}`);
    await c.advance(3000);
    for (const s of c.status()) {
      expect(s.snapshotIndex, `n${s.id}`).toBeGreaterThanOrEqual(80);
      expect(s.log.length, `n${s.id}`).toBeLessThan(25);
      expect(s.log[0]?.index ?? s.snapshotIndex + 1).toBe(s.snapshotIndex + 1);
      expect(s.kv).toEqual(c.status()[0]!.kv);
      expect(s.voters).toEqual([1, 2, 3]);
    }
    expect(c.safety().violations).toBe(0);
  });

  it('compact(id) snapshots one node now; a node that was down comes back through InstallSnapshot', async () => {
    const c = await start({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 5 });
    const events = record(c);
    await c.advance(2000);
    const leader = c.leader()!;
    const down = c.ids.find((id) => id !== leader)!;
    await c.crash(down);
    for (let i = 0; i < 30; i++) void c.submit(`SET k${i} = ${i}`);
    await c.advance(2000);
    await c.compact(leader);
    const s = c.status().find((x) => x.id === leader)!;
    expect(s.snapshotIndex).toBe(s.lastApplied);
    expect(c.status().find((x) => x.id !== leader && x.id !== down)!.snapshotIndex).toBe(0); // only that node
    await c.restart(down);
    await c.advance(2000);
    expect(installed(events, down)).toBe(true);
    const back = c.status().find((x) => x.id === down)!;
    expect(back.snapshotIndex).toBeGreaterThanOrEqual(s.snapshotIndex);
    expect(back.kv).toEqual(c.status().find((x) => x.id === leader)!.kv);
    expect(c.safety().violations).toBe(0);
  });

  it('a TCP cluster with files compacts under load while a node is crashed, and the node catches up by snapshot after a restart', async () => {
    const dataDir = await tempDir('raft-tui-snap-');
    const c = await start({ nodes: 3, dataDir, snapshotEvery: 50 });
    const events = record(c);
    const leader = await waitFor('a leader', () => c.leader());
    const down = c.ids.find((id) => id !== leader)!;
    await c.crash(down);
    let n = 0;
    const load = async (count: number) => {
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) pending.push(c.submit(`SET k${n % 13} = ${n++}`));
      const results = await Promise.all(pending);
      expect(results.every((r) => (r as { ok: boolean }).ok)).toBe(true);
    };
    await load(300);
    await waitFor('the live nodes to snapshot', () => c.status().every((s) => !s.up || s.snapshotIndex >= 250));
    // The leader's folder holds snapshot files; the log file starts after a snapshot.
    const files = await readdir(join(dataDir, `node-${leader}`));
    expect(files.some((f) => f.startsWith('snapshot-'))).toBe(true);
    await c.restart(down);
    await load(50); // load goes on while it catches up
    await waitFor('the restarted node to catch up', () => {
      const s = c.status();
      const l = s.find((x) => x.id === c.leader());
      const d = s.find((x) => x.id === down)!;
      return l !== undefined && d.lastApplied === l.lastApplied && d.kv.k0 === l.kv.k0;
    });
    expect(installed(events, down)).toBe(true);
    // And it restarts from its own snapshot file.
    await c.crash(down);
    await c.restart(down);
    const again = c.status().find((x) => x.id === down)!;
    expect(again.snapshotIndex).toBeGreaterThan(0);
    await waitFor('the node to apply again', () => c.status().find((x) => x.id === down)!.kv.k0 !== undefined);
    expect(c.safety().violations).toBe(0);
  }, 30_000);
});
