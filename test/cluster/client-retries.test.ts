import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, SubmitResult } from '../../src/cluster/types.js';
import { decodeEnvelope } from '../../src/kv/envelope.js';
import { FileStorage } from '../../src/storage/file-storage.js';

const FAST = { electionTimeoutMs: [100, 200] as [number, number], heartbeatMs: 20 };
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'raft-tui-client-'));
  dirs.push(d);
  return d;
}

/** A virtual-clock cluster with a leader elected. */
async function virtualCluster(seed: number, extra: Parameters<typeof createCluster>[0] = {}): Promise<{ c: Cluster; leader: number }> {
  const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed, ...extra });
  await c.advance(3000);
  const leader = c.leader();
  if (leader === undefined) throw new Error('no leader after 3 s');
  return { c, leader };
}

/** Cuts every follower's messages to the leader: it stays leader (heartbeats still arrive), but cannot commit. */
function cutAcks(c: Cluster, leader: number): void {
  for (const id of c.ids) if (id !== leader) c.cut(id, leader);
}

const copiesOf = (c: Cluster, node: number, command: string): number =>
  c
    .status()
    .find((s) => s.id === node)!
    .log.filter((e) => e.command === command).length;

/** The client ids in the nodes' logs on disk (any node: a commit needs only a majority). */
async function clientIdsIn(dir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const node of ['node-1', 'node-2', 'node-3']) {
    const s = await FileStorage.open(join(dir, node));
    for (const e of s.load().entries) {
      const d = decodeEnvelope(e.data);
      if (d.ok) ids.add(d.envelope.client);
    }
    await s.close();
  }
  return ids;
}

describe('client ids', () => {
  it('differ between two clusters started with the same seed', async () => {
    const ids: Set<string>[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = await tempDir();
      const c = await createCluster({ nodes: 3, transport: 'memory', dataDir: dir, seed: 7, ...FAST });
      expect((await c.submit('SET k = v', { timeoutMs: 10_000 })).ok).toBe(true);
      await c.stop();
      ids.push(await clientIdsIn(dir));
    }
    expect(ids[0]?.size).toBe(1);
    expect(ids[1]?.size).toBe(1);
    expect([...ids[0]!][0]).toMatch(/^c[0-9a-f]{16}$/);
    expect([...ids[0]!][0]).not.toBe([...ids[1]!][0]);
  });

  it('a data folder reopened with the same seed applies a new SET (not answered from the old session)', async () => {
    const dir = await tempDir();
    const first = await createCluster({ nodes: 3, transport: 'memory', dataDir: dir, seed: 11, ...FAST });
    expect((await first.submit('SET x = 1', { timeoutMs: 10_000 })).ok).toBe(true);
    expect((await first.submit('SET x = 2', { timeoutMs: 10_000 })).ok).toBe(true);
    await first.stop();
    const again = await createCluster({ nodes: 3, transport: 'memory', dataDir: dir, seed: 11, ...FAST });
    try {
      const r = await again.submit('SET x = 3', { timeoutMs: 10_000 });
      expect(r.ok).toBe(true);
      const get = await again.submit('GET x', { timeoutMs: 10_000 });
      expect(get).toMatchObject({ ok: true, value: '3' });
    } finally {
      await again.stop();
    }
  });
});

describe('client retries', () => {
  it('with a slow leader, a command is proposed once, not once per attempt timeout', async () => {
    const { c, leader } = await virtualCluster(3, { checkQuorum: false });
    try {
      cutAcks(c, leader);
      const pending = c.submit('SET slow = 1', { timeoutMs: 30_000 });
      // 5 s of no commits: 8 attempt timeouts (2 × 300 ms) with the same leader in the same term.
      await c.advance(5000);
      expect(c.leader()).toBe(leader);
      c.heal();
      await c.advance(2000);
      expect(await pending).toMatchObject({ ok: true });
      expect(copiesOf(c, leader, 'SET slow = 1')).toBe(1);
    } finally {
      await c.stop();
    }
  });

  it('proposes again when the leader changes, and the command is applied once', async () => {
    const { c, leader } = await virtualCluster(4);
    try {
      c.partition([[leader], c.ids.filter((id) => id !== leader)]);
      const pending = c.submit('SET moved = 1', { timeoutMs: 30_000 });
      await c.advance(5000);
      c.heal();
      await c.advance(3000);
      const r = await pending;
      expect(r).toMatchObject({ ok: true });
      const now = c.leader()!;
      expect(now).not.toBe(leader);
      expect(copiesOf(c, now, 'SET moved = 1')).toBe(1);
      expect(c.status().every((s) => s.kv.moved === '1')).toBe(true);
    } finally {
      await c.stop();
    }
  });
});

describe('indeterminate', () => {
  const failed = (r: SubmitResult): Extract<SubmitResult, { ok: false }> => {
    if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
    return r;
  };

  it('false when the command certainly did not take effect', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 5 });
    try {
      // No leader ever reached: before any election can finish.
      const early = c.submit('SET a = 1', { timeoutMs: 100 });
      await c.advance(100);
      expect(failed(await early)).toMatchObject({ error: 'no_leader', indeterminate: false });
      expect(failed(await c.submit('SET a = 1', { to: 1 }))).toMatchObject({ error: 'no_leader', indeterminate: false });
      expect(failed(await c.submit('SET'))).toMatchObject({ error: 'invalid', indeterminate: false });
      await c.advance(3000);
      const leader = c.leader()!;
      const follower = c.ids.find((id) => id !== leader)!;
      expect(failed(await c.submit('SET a = 1', { to: follower }))).toMatchObject({ error: 'not_leader', leader, indeterminate: false });
      await c.crash(follower);
      expect(failed(await c.submit('SET a = 1', { to: follower }))).toMatchObject({ error: 'down', indeterminate: false });
    } finally {
      await c.stop();
    }
  });

  it('true for a timeout after the command was proposed (false for a read)', async () => {
    const { c, leader } = await virtualCluster(6, { checkQuorum: false });
    try {
      cutAcks(c, leader);
      const viaClient = c.submit('SET t = 1', { timeoutMs: 1000 });
      const viaTo = c.submit('SET t = 2', { to: leader, timeoutMs: 1000 });
      // A read (ReadIndex, thesis §6.4) changes nothing: never indeterminate.
      const read = c.submit('GET t', { timeoutMs: 1000 });
      await c.advance(1500);
      expect(failed(await viaClient)).toMatchObject({ error: 'timeout', indeterminate: true });
      expect(failed(await viaTo)).toMatchObject({ error: 'timeout', indeterminate: true });
      expect(failed(await read)).toMatchObject({ error: 'timeout', indeterminate: false });
    } finally {
      await c.stop();
    }
  });

  it('true when the leader is lost (crash, then no leader): and the command does commit later', async () => {
    const { c, leader } = await virtualCluster(8, { checkQuorum: false });
    try {
      cutAcks(c, leader);
      const pending = c.submit('SET later = 1', { timeoutMs: 1000 });
      await c.advance(100); // the entry reaches the followers; their acks are lost
      await c.crash(leader);
      // And no new leader while the client waits: the two followers cannot reach each other.
      c.partition(c.ids.map((id) => [id]));
      await c.advance(1000);
      const r = failed(await pending);
      expect(['down', 'no_leader', 'timeout']).toContain(r.error);
      expect(r.indeterminate).toBe(true);
      // It was in a majority's logs: the next leader commits it.
      c.heal();
      await c.advance(3000);
      expect(
        c
          .status()
          .filter((s) => s.up)
          .every((s) => s.kv.later === '1'),
      ).toBe(true);
    } finally {
      await c.stop();
    }
  });
});
