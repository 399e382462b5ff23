import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { ClusterEvent } from '../../src/cluster/types.js';

describe('a virtual-clock cluster', () => {
  it('does nothing until advance(), then elects a leader in simulated time', async () => {
    const c = await createCluster({ nodes: 5, transport: 'memory', clock: 'virtual', seed: 1 });
    expect(c.leader()).toBeUndefined();
    await c.advance(100);
    expect(c.leader()).toBeUndefined(); // below the minimum election timeout of 150 ms
    await c.advance(2000);
    expect(c.leader()).toBeDefined();
    await c.stop();
  });

  it('tells listeners of every commit and every apply, with the command', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 5 });
    const events: ClusterEvent[] = [];
    c.on('event', (e) => events.push(e));
    const pending = c.submit('SET e = 1');
    await c.advance(3000);
    const r = await pending;
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const committed = events.filter((e) => e.type === 'committed' && e.command === 'SET e = 1');
    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatchObject({ index: r.index, quorum: expect.arrayContaining([c.leader()]) });
    const appliedBy = events.flatMap((e) => (e.type === 'applied' && e.index === r.index ? [e.node] : []));
    expect(appliedBy.sort()).toEqual([1, 2, 3]);
    expect(events.some((e) => e.type === 'raft' && e.event.kind === 'role' && e.event.role === 'leader')).toBe(true);
    await c.stop();
  });

  it('settles a submit made before advance() during it', async () => {
    const c = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 2 });
    const pending = c.submit('SET x = 1');
    await c.advance(3000);
    expect(await pending).toMatchObject({ ok: true, index: 2 });
    expect(c.status().every((s) => s.kv.x === '1')).toBe(true);
    await c.stop();
  });

  it('replays bit for bit from the same seed', async () => {
    const run = async (seed: number): Promise<string> => {
      const c = await createCluster({ nodes: 5, transport: 'memory', clock: 'virtual', seed });
      const trace: string[] = [];
      c.on('event', (e: ClusterEvent) => trace.push(JSON.stringify(e)));
      c.setNetwork({ dropRate: 0.1, delayMs: [1, 20] });
      const submits = [c.submit('SET a = 1'), c.submit('SET b = 2')];
      await c.advance(2000);
      c.partition([
        [1, 2],
        [3, 4, 5],
      ]);
      await c.advance(2000);
      c.heal();
      await c.advance(2000);
      await Promise.all(submits);
      trace.push(JSON.stringify(c.status()));
      await c.stop();
      return trace.join('\n');
    };
    const a = await run(42);
    expect(await run(42)).toBe(a);
    expect(await run(43)).not.toBe(a);
  });

  it('refuses advance() on the real clock and virtual time over TCP', async () => {
    await expect(createCluster({ clock: 'virtual' })).rejects.toThrow(/needs transport 'memory'/);
    const c = await createCluster({ nodes: 1, transport: 'memory' });
    await expect(c.advance(10)).rejects.toThrow(/virtual/);
    await c.stop();
  });

  it('refuses virtual time over real files: a write to disk cannot wait for time that races ahead', async () => {
    for (const clock of ['virtual', 'paced'] as const)
      await expect(createCluster({ clock, transport: 'memory', dataDir: '/nonexistent/raft-tui' })).rejects.toThrow(
        `clock '${clock}' keeps node state in memory (or on simulated disks: disks): real files cannot wait for virtual time. Leave out dataDir, or use clock 'real'`,
      );
  });
});
