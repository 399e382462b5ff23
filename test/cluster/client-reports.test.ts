import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { ClusterEvent } from '../../src/cluster/types.js';

type ClientEvent = Extract<ClusterEvent, { type: 'client' }>;

/** A client says what it goes through: the dashboard prints it, so a person sees what a client sees. */
describe('client reports', () => {
  it('reports a redirect from a node that is not the leader any more', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 3 });
    const seen: ClientEvent[] = [];
    c.on('event', (e) => {
      if (e.type === 'client') seen.push(e);
    });
    const first = c.submit('SET a = 1');
    await c.advance(3000);
    expect(await first).toMatchObject({ ok: true });
    const old = c.leader()!;
    // The client remembers the old leader; once it is back as a follower, it points elsewhere.
    await c.crash(old);
    await c.advance(3000);
    await c.restart(old);
    await c.advance(1000);
    const second = c.submit('SET b = 2');
    await c.advance(3000);
    expect(await second).toMatchObject({ ok: true });
    const redirect = seen.find((e) => e.what === 'redirect');
    expect(redirect).toMatchObject({ command: 'SET b = 2', from: old, to: c.leader() });
    await c.stop();
  });

  it('reports a retry once per reason and the timeout when no majority is up', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 4 });
    await c.advance(3000);
    const seen: ClientEvent[] = [];
    c.on('event', (e) => {
      if (e.type === 'client') seen.push(e);
    });
    const others = c.ids.filter((id) => id !== c.leader());
    for (const id of others) await c.crash(id);
    const r = c.submit('SET lost = 1', { timeoutMs: 2000 });
    await c.advance(3000);
    expect(await r).toMatchObject({ ok: false });
    const retries = seen.filter((e) => e.what === 'retry').map((e) => (e.what === 'retry' ? e.reason : ''));
    expect(retries.length).toBeGreaterThan(0);
    for (let i = 1; i < retries.length; i++) expect(retries[i]).not.toBe(retries[i - 1]);
    expect(seen.at(-1)).toMatchObject({ what: 'timeout', command: 'SET lost = 1' });
    await c.stop();
  });
});
