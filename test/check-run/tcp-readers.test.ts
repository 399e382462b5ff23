import { describe, expect, it } from 'vitest';
import { runCheckTcp } from '../../src/sim/check-run-tcp.js';

describe('--transport tcp reader clients (thesis §6.4)', () => {
  it('only GET, by ReadIndex, from a node that became leader; their answers are in the checked history', {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = [];
    const r = await runCheckTcp(
      { seed: 1, nodes: 3, timeMs: 2000, faults: ['transfer-leader'] },
      { trace: (_at, text) => lines.push(text) },
    );
    expect(r.failure, r.failure?.message).toBeNull();
    const calls = lines.filter((l) => /^r\d+ calls /.test(l));
    expect(calls.length).toBeGreaterThan(20);
    for (const l of calls) expect(l).toMatch(/^r\d+ calls #\d+ GET k\d$/);
    const leaders = new Set(lines.flatMap((l) => /^n(\d+) becomes leader/.exec(l)?.[1] ?? []));
    const served = lines.filter((l) => /^r\d+ #\d+ returns /.test(l));
    expect(served.length).toBeGreaterThan(20);
    for (const l of served) {
      const node = /\(read by ReadIndex on n(\d+)\)$/.exec(l)?.[1];
      expect(node, l).toBeDefined();
      expect(leaders.has(node!), l).toBe(true);
    }
    // Every answered operation, the readers' among them, is in the history the checker took.
    expect(r.linearizability).toMatchObject({ ok: true, operations: r.operations.ok + r.operations.indeterminate });
  });
});
