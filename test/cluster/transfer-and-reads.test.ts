import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterOptions } from '../../src/cluster/types.js';

async function virtual(options: ClusterOptions = {}): Promise<Cluster> {
  const c = await createCluster({ nodes: 5, transport: 'memory', clock: 'virtual', seed: 11, ...options });
  await c.advance(2000);
  expect(c.leader()).toBeDefined();
  return c;
}

/** Runs `p` while advancing the virtual clock `ms`. */
async function during<T>(c: Cluster, p: Promise<T>, ms = 3000): Promise<T> {
  await c.advance(ms);
  return p;
}

describe('Cluster.transferLeadership (thesis §3.10)', () => {
  it('hands leadership to every other node in turn, with commits in between', async () => {
    const c = await virtual();
    for (const to of c.ids) {
      const r = await during(c, c.transferLeadership(to));
      expect(r).toEqual({ ok: true, leader: to });
      expect(c.leader()).toBe(to);
      expect(await during(c, c.submit(`SET led = ${to}`))).toMatchObject({ ok: true });
    }
    expect(c.status().every((s) => s.kv.led === '5')).toBe(true);
    await c.stop();
  });

  it('refuses at once a node that is down, unknown, or when there is no leader', async () => {
    const c = await virtual();
    const leader = c.leader()!;
    const other = c.ids.find((id) => id !== leader)!;
    await c.crash(other);
    // No advance(): each answer comes without any cluster time passing.
    expect(await c.transferLeadership(other)).toEqual({
      ok: false,
      message: `node ${other} is down: leadership can only go to a running voter (restart ${other} first)`,
    });
    expect(await c.transferLeadership(8)).toEqual({ ok: false, message: 'unknown node 8: this cluster has nodes 1-5' });
    expect(await c.transferLeadership(leader)).toEqual({ ok: true, leader });
    await c.stop();
  });

  it('is abandoned when the target cannot take over, and the leader takes commands again', async () => {
    const c = await virtual();
    const leader = c.leader()!;
    const target = c.ids.find((id) => id !== leader)!;
    c.partition([c.ids.filter((id) => id !== target), [target]]);
    const r = await during(c, c.transferLeadership(target), 1000);
    expect(r).toEqual({
      ok: false,
      message: `node ${target} did not take over within an election timeout: the transfer was abandoned and node ${leader} leads on`,
    });
    expect(c.leader()).toBe(leader);
    expect(await during(c, c.submit('SET after = 1'))).toMatchObject({ ok: true });
    await c.stop();
  });
});

describe("reads: 'readindex' (thesis §6.4)", () => {
  it('answers GET without writing the log; reads: log commits it as an entry', async () => {
    for (const reads of ['readindex', 'log'] as const) {
      const c = await virtual({ reads });
      const set = await during(c, c.submit('SET x = 1'));
      expect(set).toMatchObject({ ok: true });
      const before = c.status().find((s) => s.id === c.leader())!.lastIndex;
      const got = await during(c, c.submit('GET x'));
      expect(got).toMatchObject({ ok: true, value: '1' });
      const after = c.status().find((s) => s.id === c.leader())!.lastIndex;
      expect(after - before).toBe(reads === 'log' ? 1 : 0);
      if (reads === 'readindex' && set.ok && got.ok) expect(got.index).toBe(set.index);
      await c.stop();
    }
  });

  it('a follower asked directly forwards the read to the leader and answers from its own state', async () => {
    const c = await virtual();
    await during(c, c.submit('SET y = 2'));
    const follower = c.ids.find((id) => id !== c.leader())!;
    expect(await during(c, c.submit('GET y', { to: follower }))).toMatchObject({ ok: true, value: '2' });
    await c.stop();
  });

  it('a deposed leader cut off from the majority never answers a stale GET (check-quorum off)', async () => {
    const c = await virtual({ checkQuorum: false, preVote: false });
    await during(c, c.submit('SET z = old'));
    const old = c.leader()!;
    const others = c.ids.filter((id) => id !== old);
    c.partition([[old], others]);
    // The majority elects a new leader and overwrites z.
    const write = await during(c, c.submit('SET z = new', { timeoutMs: 4000 }), 4000);
    expect(write).toMatchObject({ ok: true });
    const fresh = c.status().find((s) => s.role === 'leader' && s.id !== old)!;
    expect(fresh).toBeDefined();
    // Without check-quorum the old leader still thinks it leads; asked directly, it must not answer.
    expect(c.status().find((s) => s.id === old)!.role).toBe('leader');
    const stale = await during(c, c.submit('GET z', { to: old, timeoutMs: 2000 }), 2500);
    expect(stale).toMatchObject({ ok: false });
    c.heal();
    expect(await during(c, c.submit('GET z'))).toMatchObject({ ok: true, value: 'new' });
    await c.stop();
  });
});
