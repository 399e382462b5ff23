import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterEvent, NodeStatus } from '../../src/cluster/types.js';
import { clusterFixture } from '../helpers/cluster-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

// Real clusters: every node a listener on 127.0.0.1, messages over real sockets.
const FAST = { electionTimeoutMs: [100, 200] as [number, number], heartbeatMs: 20 };

const { start, tempDir } = clusterFixture(FAST);

const upNodes = (c: Cluster): NodeStatus[] => c.status().filter((s) => s.up);

async function leaderOf(c: Cluster): Promise<number> {
  return waitFor('a leader', () => c.leader(), 10_000);
}

async function everyNodeHas(c: Cluster, key: string, value: string, among = c.ids): Promise<void> {
  await waitFor(`${key}=${value} on nodes ${among.join(',')}`, () =>
    c
      .status()
      .filter((s) => among.includes(s.id))
      .every((s) => s.kv[key] === value),
  );
}

describe('a TCP cluster', () => {
  it.each([3, 5])('elects exactly one leader among %i nodes, which the others follow', async (n) => {
    const c = await start({ nodes: n });
    const leader = await leaderOf(c);
    const term = c.status().find((s) => s.id === leader)!.term;
    await waitFor('every node to follow the leader', () =>
      c.status().every((s) => s.id === leader || (s.role === 'follower' && s.leader === leader && s.term === term)),
    );
    expect(c.status().filter((s) => s.role === 'leader' && s.term === term)).toHaveLength(1);
  });

  it('replicates a SET to every node, which applies it (first client entry at index 2, after the no-op)', async () => {
    const c = await start({ nodes: 3 });
    await leaderOf(c);
    const r = await c.submit('SET x = 1');
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(r.index).toBeGreaterThanOrEqual(2);
    await everyNodeHas(c, 'x', '1');
    const get = await c.submit('GET x');
    expect(get).toMatchObject({ ok: true, value: '1' });
    const missing = await c.submit('GET nothing');
    expect(missing).toMatchObject({ ok: true, value: null });
    for (const s of c.status()) expect(s.log.some((e) => e.command === 'SET x = 1')).toBe(true);
  });

  it('refuses an invalid command without touching the log', async () => {
    const c = await start({ nodes: 3 });
    await leaderOf(c);
    const before = c.status().map((s) => s.lastIndex);
    expect(await c.submit('SET')).toMatchObject({ ok: false, error: 'invalid' });
    expect(await c.submit('SET x = 1', { to: 7 })).toMatchObject({ ok: false, error: 'invalid' });
    expect(c.status().map((s) => s.lastIndex)).toEqual(before);
  });

  it('answers a submit to a follower with not_leader and the leader id', async () => {
    const c = await start({ nodes: 3 });
    const leader = await leaderOf(c);
    await waitFor('followers to know the leader', () => c.status().every((s) => s.leader === leader));
    const follower = c.ids.find((id) => id !== leader)!;
    expect(await c.submit('SET y = 2', { to: follower })).toMatchObject({ ok: false, error: 'not_leader', leader });
  });

  it('elects a new leader after the leader crashes, and keeps committing', async () => {
    const c = await start({ nodes: 5 });
    const first = await leaderOf(c);
    expect(await c.submit('SET a = 1')).toMatchObject({ ok: true });
    await c.crash(first);
    expect(c.status().find((s) => s.id === first)!.up).toBe(false);
    const second = await waitFor('a new leader', () => {
      const l = c.leader();
      return l !== undefined && l !== first ? l : undefined;
    });
    expect(second).not.toBe(first);
    expect(await c.submit('SET a = 2')).toMatchObject({ ok: true });
    await everyNodeHas(
      c,
      'a',
      '2',
      upNodes(c).map((s) => s.id),
    );
  });

  it('a restarted node recovers its log from its own files and catches up from the leader', async () => {
    const dir = await tempDir('raft-tui-cluster-');
    const c = await start({ nodes: 3, dataDir: dir });
    const leader = await leaderOf(c);
    expect(await c.submit('SET k = 1')).toMatchObject({ ok: true });
    await everyNodeHas(c, 'k', '1');
    const victim = c.ids.find((id) => id !== leader)!;
    const keptIndex = c.status().find((s) => s.id === victim)!.lastIndex;
    await c.crash(victim);
    const down = c.status().find((s) => s.id === victim)!;
    expect(down.up).toBe(false);
    expect(down.lastIndex).toBe(keptIndex); // what its files kept
    expect(await c.submit('SET k = 2')).toMatchObject({ ok: true });
    expect(await c.submit('SET m = 3')).toMatchObject({ ok: true });
    await c.restart(victim);
    const back = c.status().find((s) => s.id === victim)!;
    expect(back.up).toBe(true);
    expect(back.lastIndex).toBeGreaterThanOrEqual(keptIndex); // reloaded from disk, before any catch-up
    await everyNodeHas(c, 'k', '2');
    await everyNodeHas(c, 'm', '3');
    // Fsyncs take time: the checker must see each Ready as it was, not the core's later state.
    expect(c.safety()).toMatchObject({ violations: 0, first: null });
  });

  it('a whole cluster restarted from its folder keeps every committed entry', async () => {
    const dir = await tempDir('raft-tui-cluster-');
    const c1 = await start({ nodes: 3, dataDir: dir });
    await leaderOf(c1);
    for (let i = 0; i < 5; i++) expect(await c1.submit(`SET n${i} = ${i}`)).toMatchObject({ ok: true });
    await c1.stop();
    const c2 = await start({ nodes: 3, dataDir: dir });
    await leaderOf(c2);
    // A new leader commits its no-op, which commits everything before it (§5.4.2).
    for (let i = 0; i < 5; i++) await everyNodeHas(c2, `n${i}`, String(i));
    // The live checker starts from what the files held, and finds nothing wrong with it.
    expect(c2.safety()).toMatchObject({ violations: 0, first: null });
  });

  it('a minority side of a partition cannot commit, and its uncommitted entries are overwritten after heal', async () => {
    const c = await start({ nodes: 5 });
    const oldLeader = await leaderOf(c);
    expect(await c.submit('SET p = before')).toMatchObject({ ok: true });
    await everyNodeHas(c, 'p', 'before');
    const others = c.ids.filter((id) => id !== oldLeader);
    const minority = [oldLeader, others[0]!];
    const majority = others.slice(1);
    c.partition([minority, majority]);
    // The old leader accepts the proposal but can never commit it.
    const stale = await c.submit('SET p = minority', { to: oldLeader, timeoutMs: 600 });
    expect(stale.ok).toBe(false);
    const staleIndex = c.status().find((s) => s.id === oldLeader)!.lastIndex;
    const newLeader = await waitFor('a leader on the majority side', () => {
      const l = c.status().find((s) => majority.includes(s.id) && s.role === 'leader');
      return l?.id;
    });
    expect(await c.submit('SET p = majority', { to: newLeader })).toMatchObject({ ok: true });
    for (const id of minority) expect(c.status().find((s) => s.id === id)!.kv.p).toBe('before');
    c.heal();
    await everyNodeHas(c, 'p', 'majority');
    for (const s of c.status()) {
      expect(s.log.some((e) => e.command === 'SET p = minority')).toBe(false);
      expect(s.log.length).toBeGreaterThanOrEqual(staleIndex - 1);
    }
    // The live safety checker watched all of it, every Ready of every node, and found nothing.
    const safety = c.safety();
    expect(safety.checks).toBeGreaterThan(100);
    expect(safety).toMatchObject({ violations: 0, first: null });
  });
});

describe('a data folder', () => {
  it('is claimed by one cluster at a time, and free again after stop()', async () => {
    const dir = await tempDir('raft-tui-cluster-');
    const first = await start({ nodes: 1, dataDir: dir, transport: 'memory' });
    await expect(createCluster({ nodes: 1, dataDir: dir, transport: 'memory' })).rejects.toThrow(/already in use/);
    await first.stop();
    const second = await start({ nodes: 1, dataDir: dir, transport: 'memory' });
    await waitFor('a leader', () => second.leader());
  });
});

describe('storage recovery at start', () => {
  it('reports a torn tail cut off at start to listeners that subscribe after createCluster resolves', async () => {
    const dir = await tempDir('raft-tui-cluster-');
    const c1 = await start({ nodes: 1, dataDir: dir, transport: 'memory' });
    await waitFor('a leader', () => c1.leader());
    expect(await c1.submit('SET t = 1')).toMatchObject({ ok: true });
    await c1.stop();
    // A crash in the middle of the last write: its record is cut short.
    const log = join(dir, 'node-1', 'log.bin');
    const bytes = await readFile(log);
    await writeFile(log, bytes.subarray(0, bytes.length - 3));
    const c2 = await start({ nodes: 1, dataDir: dir, transport: 'memory' });
    const reports: ClusterEvent[] = [];
    c2.on('event', (e) => {
      if (e.type === 'storage-recovery') reports.push(e);
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ type: 'storage-recovery', node: 1, file: log, droppedBytes: expect.any(Number) });
  });
});
