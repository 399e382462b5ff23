import { afterEach, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster } from '../../src/cluster/types.js';
import { waitFor } from '../helpers/wait-for.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('the real clock: pause, step, resume, speed', () => {
  it('pause freezes time and keeps messages in flight; step delivers one at a time; resume goes on', async () => {
    cluster = await createCluster({ nodes: 3, electionTimeoutMs: [100, 200], heartbeatMs: 20 });
    const c = cluster;
    const leader = await waitFor('a leader', () => c.leader());
    const pending = c.submit('SET p = 1', { timeoutMs: 30_000 });
    c.pause();
    expect(c.snapshot().paused).toBe(true);
    const frozen = c.status().map((s) => [s.role, s.term, s.commitIndex]);
    // Paused well past several election timeouts: nothing may move.
    await new Promise((r) => setTimeout(r, 600));
    expect(c.status().map((s) => [s.role, s.term, s.commitIndex])).toEqual(frozen);
    expect(c.leader()).toBe(leader);
    // Each step is one delivery (or one jump to the next timer), and says which.
    const said: string[] = [];
    for (let i = 0; i < 12; i++) said.push(await c.step());
    expect(said.some((s) => /^delivered #\d+ n\d → n\d AppendEntries /.test(s))).toBe(true);
    // A delivery names the message and what the receiver did; a jump names the timer.
    for (const s of said)
      expect(s).toMatch(/^(delivered #\d+ n\d → n\d \w+ .+ — n\d .+|time moved \d+ ms to n\d's (election timeout|heartbeat) .+)$/);
    c.resume();
    expect(await pending).toMatchObject({ ok: true });
    await waitFor('p = 1 everywhere', () => c.status().every((s) => s.kv.p === '1'));
  });

  it('step refuses politely unless paused, and speed rejects nonsense', async () => {
    cluster = await createCluster({ nodes: 1, transport: 'memory' });
    expect(await cluster.step()).toMatch(/not paused/);
    expect(() => cluster!.setSpeed(0)).toThrow(/speed must be above 0/);
    cluster.setSpeed(0.5);
    expect(cluster.snapshot().speed).toBe(0.5);
  });

  it('a slower speed stretches election timeouts in wall time', async () => {
    cluster = await createCluster({ nodes: 3, transport: 'memory', electionTimeoutMs: [100, 200], heartbeatMs: 20, speed: 0.1 });
    const c = cluster;
    // At a tenth of real speed the first election cannot finish before 1 s of wall time.
    const started = Date.now();
    await waitFor('a leader', () => c.leader(), 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('stop()', () => {
  it('answers a request still waiting for a leader with down, instead of leaving it pending', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', electionTimeoutMs: [100, 200], heartbeatMs: 20 });
    c.partition([[1], [2], [3]]); // no majority anywhere: the request can only wait
    const pending = c.submit('SET x = 1', { timeoutMs: 60_000 });
    await waitFor('the leaderless cluster to be asked', () => c.snapshot().nodes.every((n) => n.role !== 'leader'));
    await c.stop();
    expect(await pending).toMatchObject({ ok: false, error: 'down' });
    expect(await c.submit('SET y = 2')).toMatchObject({ ok: false, error: 'down' });
  });

  it('answers reads waiting for a leader that cannot confirm them with down', async () => {
    // Without check-quorum an isolated leader keeps leading, and its reads can only wait.
    const c = await createCluster({ nodes: 3, transport: 'memory', electionTimeoutMs: [100, 200], heartbeatMs: 20, checkQuorum: false });
    const leader = await waitFor('a leader', () => c.leader());
    c.partition([[leader], c.ids.filter((id) => id !== leader)]);
    const asked = c.submit('GET x', { to: leader, timeoutMs: 60_000 });
    const anywhere = c.submit('GET x', { timeoutMs: 60_000 });
    await c.stop();
    expect(await asked).toMatchObject({ ok: false, error: 'down' });
    expect(await anywhere).toMatchObject({ ok: false, error: 'down' });
  });
});
