import { describe, expect, it } from 'vitest';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import type { ProcessCluster } from '../../src/hosting/process-cluster.js';
import { alive, clusterFixture } from '../helpers/cluster-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

// Every node its own OS process (`raft-tui node`, from the built dist/): real files, real TCP,
// crash = SIGKILL. The same behaviour the in-process cluster tests check.
const { start, tempDir } = clusterFixture<ProcessCluster>({
  electionTimeoutMs: [150, 300],
  heartbeatMs: 30,
  hosting: 'processes',
});

async function everyUpNodeHas(c: Cluster, key: string, value: string): Promise<void> {
  await waitFor(`${key}=${value} on every node that is up`, () =>
    c
      .status()
      .filter((s) => s.up)
      .every((s) => s.kv[key] === value),
  );
}

describe("hosting: 'processes'", { timeout: 60_000 }, () => {
  it('runs each node as its own process, elects one leader, and stop() leaves no child behind', async () => {
    const c = await start({ nodes: 3 });
    const pids = c.pids();
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(process.pid);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    const leader = await waitFor('a leader', () => c.leader());
    const term = c.status().find((s) => s.id === leader)!.term;
    await waitFor('every node to follow it', () => c.status().every((s) => s.id === leader || (s.leader === leader && s.term === term)));
    expect(c.status().filter((s) => s.role === 'leader' && s.term === term)).toHaveLength(1);
    await c.stop();
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('replicates a SET to every process, answers GET, and refuses bad commands', async () => {
    const c = await start({ nodes: 3 });
    await waitFor('a leader', () => c.leader());
    const r = await c.submit('SET x = 1');
    expect(r).toMatchObject({ ok: true });
    await everyUpNodeHas(c, 'x', '1');
    expect(await c.submit('GET x')).toMatchObject({ ok: true, value: '1' });
    expect(await c.submit('SET')).toMatchObject({ ok: false, error: 'invalid' });
    for (const s of c.status()) expect(s.log.some((e) => e.command === 'SET x = 1')).toBe(true);
    const leader = c.leader()!;
    const follower = c.ids.find((id) => id !== leader)!;
    await waitFor('followers to know the leader', () => c.status().every((s) => s.leader === leader));
    expect(await c.submit('SET y = 2', { to: follower })).toMatchObject({ ok: false, error: 'not_leader', leader });
  });

  it('transferLeadership hands leadership to the named node process and resolves once it leads (§3.10)', async () => {
    const c = await start({ nodes: 3 });
    const leader = await waitFor('a leader', () => c.leader());
    const target = c.ids.find((id) => id !== leader)!;
    await waitFor('the target to know the leader', () => c.status().find((s) => s.id === target)?.leader === leader);
    expect(await c.transferLeadership(target)).toEqual({ ok: true, leader: target });
    expect(c.leader()).toBe(target);
    expect(await c.submit('SET t = 1')).toMatchObject({ ok: true });
    expect(await c.transferLeadership(99)).toMatchObject({ ok: false, message: expect.stringMatching(/unknown node 99/) });
  });

  it('crash of the leader is a SIGKILL of its process; a new leader keeps committing; restart respawns it from its files', async () => {
    const dir = await tempDir();
    const c = await start({ nodes: 3, dataDir: dir });
    const first = await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET a = 1')).toMatchObject({ ok: true });
    await everyUpNodeHas(c, 'a', '1');
    const keptIndex = c.status().find((s) => s.id === first)!.lastIndex;
    const pid = c.pids()[first - 1]!;
    await c.crash(first);
    expect(alive(pid)).toBe(false);
    expect(c.status().find((s) => s.id === first)).toMatchObject({ up: false, lastIndex: keptIndex });
    const second = await waitFor('a new leader', () => {
      const l = c.leader();
      return l !== undefined && l !== first ? l : undefined;
    });
    expect(second).not.toBe(first);
    expect(await c.submit('SET a = 2')).toMatchObject({ ok: true });
    await c.restart(first);
    const back = c.status().find((s) => s.id === first)!;
    expect(back.up).toBe(true);
    expect(back.lastIndex).toBeGreaterThanOrEqual(keptIndex); // from its files, before any catch-up
    expect(c.pids()).toHaveLength(3);
    expect(c.pids()).not.toContain(pid);
    await everyUpNodeHas(c, 'a', '2');
    expect(c.safety().violations).toBe(0);
    expect(c.safety().checks).toBeGreaterThan(10);
  });

  it('a minority side of a partition cannot commit; healing repairs it', async () => {
    const c = await start({ nodes: 5 });
    const oldLeader = await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET p = before')).toMatchObject({ ok: true });
    await everyUpNodeHas(c, 'p', 'before');
    const others = c.ids.filter((id) => id !== oldLeader);
    const minority = [oldLeader, others[0]!];
    const majority = others.slice(1);
    c.partition([minority, majority]);
    const stale = await c.submit('SET p = minority', { to: oldLeader, timeoutMs: 800 });
    expect(stale.ok).toBe(false);
    const newLeader = await waitFor(
      'a leader on the majority side',
      () => c.status().find((s) => majority.includes(s.id) && s.role === 'leader')?.id,
    );
    expect(await c.submit('SET p = majority', { to: newLeader })).toMatchObject({ ok: true });
    for (const id of minority) expect(c.status().find((s) => s.id === id)!.kv.p).toBe('before');
    c.heal();
    await everyUpNodeHas(c, 'p', 'majority');
    for (const s of c.status()) expect(s.log.some((e) => e.command === 'SET p = minority')).toBe(false);
    expect(c.safety()).toMatchObject({ violations: 0, first: null });
  });

  it('SIGKILL of the leader in the middle of load loses no acknowledged write', async () => {
    const dir = await tempDir();
    const c = await start({ nodes: 3, dataDir: dir });
    await waitFor('a leader', () => c.leader());
    const acked = new Map<string, string>();
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}k${i % 5}`;
        const value = `${i}`;
        const r = await c.submit(`SET ${key} = ${value}`, { timeoutMs: 3000 });
        if (r.ok) acked.set(key, value);
      }
    });
    await waitFor('some acknowledged writes', () => acked.size >= 10);
    const victim = c.leader()!;
    await c.crash(victim);
    const before = acked.size;
    await waitFor('writes acknowledged by a new leader', () => acked.size > before || c.leader() !== undefined, 10_000);
    await c.restart(victim);
    stop = true;
    await Promise.all(writers);
    // Every acknowledged write is there (the last one per key wins: each writer writes its keys in order).
    await waitFor('every node to hold every acknowledged write', () =>
      c.status().every((s) => [...acked].every(([k, v]) => s.kv[k] === v)),
    );
    expect(c.safety()).toMatchObject({ violations: 0, first: null });
  });

  it('streams the nodes’ events and says what crash means', async () => {
    const c = await start({ nodes: 3 });
    const events: ClusterEvent[] = [];
    c.on('event', (e) => events.push(e));
    await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET e = 1')).toMatchObject({ ok: true });
    await waitFor('a committed event for SET e = 1', () => events.some((e) => e.type === 'committed' && e.command === 'SET e = 1'));
    expect(c.crashMeaning(1)).toMatch(/SIGKILL/);
  });
});
