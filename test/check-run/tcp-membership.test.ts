import { describe, expect, it } from 'vitest';
import { runCheckTcp } from '../../src/sim/check-run-tcp.js';

describe('--transport tcp changes the membership (thesis ch. 4) through the cluster’s addNode and removeNode', () => {
  it('three seconds of add-node and remove-node: nodes added and promoted, others removed; linearizable and live', {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = [];
    const r = await runCheckTcp(
      { seed: 3, nodes: 5, timeMs: 3000, faults: ['add-node', 'remove-node'] },
      { trace: (_at, text) => lines.push(text) },
    );
    expect(r.failure, r.failure?.message).toBeNull();
    expect(r.violations).toEqual([]);
    expect(r.linearizability).toMatchObject({ ok: true });
    expect(r.liveness).toMatchObject({ ok: true });
    expect(r.membership!.added).toBeGreaterThanOrEqual(1);
    expect(r.membership!.promoted).toBeGreaterThanOrEqual(1);
    expect(r.membership!.removed).toBeGreaterThanOrEqual(1);
    expect(r.membership!.keptRunning).toBe(0);
    expect(r.faults['add-node'] + r.faults['remove-node']).toBeGreaterThan(2);
    expect(lines[0]).toMatch(/faults: add-node, remove-node$/);
    // New ids only: the first added node is n6, whatever was removed before it.
    expect(lines).toContain('membership: n6 starts empty and joins');
    expect(lines.some((l) => /^membership: n6 caught up and is a voter/.test(l))).toBe(true);
    expect(lines.some((l) => /^membership: n\d is out of the configuration and stopped/.test(l))).toBe(true);
    expect(r.operations.ok).toBeGreaterThan(20);
  });
});
