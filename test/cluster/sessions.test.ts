import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, type RaftCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster } from '../../src/cluster/types.js';
import { encodeEnvelope } from '../../src/kv/index.js';
import { waitFor } from '../helpers/wait-for.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('client sessions (thesis §6.3)', () => {
  it('a retried request (same client and sequence number) is applied once and answered with the first result', async () => {
    cluster = await createCluster({ nodes: 3, electionTimeoutMs: [100, 200], heartbeatMs: 20 });
    const c = cluster as RaftCluster;
    const leader = await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET x = 1')).toMatchObject({ ok: true });
    // The same CAS twice, as a client whose first answer was lost would send it. Applied twice,
    // the second would fail (x is 2 by then); applied once, both answers say it swapped.
    const request = encodeEnvelope({ client: 'retrying-client', seq: 1, ack: 1, cmd: 'CAS x 1 2' });
    const first = await c.proposeRaw(leader, request);
    const second = await c.proposeRaw(leader, request);
    expect(first).toMatchObject({ swapped: true });
    expect(second).toMatchObject({ swapped: true });
    await waitFor('x = 2 everywhere', () => c.status().every((s) => s.kv.x === '2'));
    // Both copies are in every log; every state machine skipped the second.
    for (const s of c.status()) expect(s.log.filter((e) => e.command === 'CAS x 1 2')).toHaveLength(2);
    // A fresh request from that client still applies: x is 2, so this CAS swaps to 3.
    const next = await c.proposeRaw(leader, encodeEnvelope({ client: 'retrying-client', seq: 2, ack: 2, cmd: 'CAS x 2 3' }));
    expect(next).toMatchObject({ swapped: true });
  });

  it('a client that retries through message loss still sees each CAS take effect exactly once', async () => {
    cluster = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 7 });
    const c = cluster;
    c.setNetwork({ dropRate: 0.25 });
    // A chain of CAS: each expects the value the previous one wrote. A lost answer makes the
    // client retry with the same sequence number; a double apply would break the chain.
    const results: boolean[] = [];
    const run = (async () => {
      for (let i = 0; i < 15; i++) {
        const r = await c.submit(i === 0 ? 'SET n = 0' : `CAS n ${i - 1} ${i}`, { timeoutMs: 60_000 });
        results.push(r.ok && (i === 0 || r.swapped === true));
      }
    })();
    for (let t = 0; t < 600 && results.length < 15; t++) await c.advance(1000);
    await run;
    expect(results).toEqual(Array(15).fill(true));
    c.heal();
    await c.advance(2000);
    const leader = c.leader()!;
    expect(c.status().find((s) => s.id === leader)!.kv.n).toBe('14');
  });
});
