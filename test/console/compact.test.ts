import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../src/console/parse.js';
import { executeConsoleLine } from '../../src/console/run.js';
import { FakeCluster } from './fake-cluster.js';

describe('compact [<id>]', () => {
  it('parses with or without a node id, and names a bad id', () => {
    const ctx = { ids: [1, 2, 3] };
    expect(parseConsoleLine('compact', ctx)).toEqual({ ok: true, command: { kind: 'compact' } });
    expect(parseConsoleLine('COMPACT 2', ctx)).toEqual({ ok: true, command: { kind: 'compact', id: 2 } });
    const bad = parseConsoleLine('compact 7', ctx);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/7/);
    expect(parseConsoleLine('compact 1 2', ctx).ok).toBe(false);
  });

  it('asks the cluster to compact and says where each snapshot now stands', async () => {
    const cluster = new FakeCluster(3);
    cluster.commitIndex = 40;
    const one = await executeConsoleLine(cluster, 'compact 2');
    expect(cluster.calls).toEqual(['compact 2']);
    expect(one).toEqual({ ok: true, message: 'snapshot: n2 ▣ ≤ 40 t1' });
    const all = await executeConsoleLine(cluster, 'compact');
    expect(all.message).toBe('snapshot: n1 ▣ ≤ 40 t1, n2 ▣ ≤ 40 t1 (nothing new applied), n3 ▣ ≤ 40 t1');
  });

  it('refuses a node that is down', async () => {
    const cluster = new FakeCluster(3);
    cluster.node(2).up = false;
    const outcome = await executeConsoleLine(cluster, 'compact 2');
    expect(outcome).toEqual({ ok: false, message: 'n2 is down (restart 2 first)' });
    expect(cluster.calls).toEqual([]);
  });
});
