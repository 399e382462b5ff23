import { describe, expect, it } from 'vitest';
import { runCheck, type CheckIo } from '../../src/cli/check-command.js';
import { runCheckTcp } from '../../src/sim/check-run-tcp.js';
import { FAULT_KINDS } from '../../src/sim/nemesis-kinds.js';

describe('--transport tcp: the nemesis and clients against a real cluster on 127.0.0.1', () => {
  it('a few seconds of every fault: safety checked live, the history linearizable, the healed cluster commits', {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = [];
    const r = await runCheckTcp({ seed: 3, nodes: 5, timeMs: 3000, faults: FAULT_KINDS }, { trace: (_at, text) => lines.push(text) });
    expect(r.failure, r.failure?.message).toBeNull();
    expect(r.violations).toEqual([]);
    expect(r.checks).toBeGreaterThan(1000);
    expect(r.operations.ok).toBeGreaterThan(20);
    expect(r.linearizability).toMatchObject({ ok: true });
    expect(r.liveness).toMatchObject({ ok: true });
    expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(2);
    expect(r.elections).toBeGreaterThan(0);
    expect(r.simulatedMs).toBeGreaterThanOrEqual(3000);
    expect(lines.some((l) => l.startsWith('nemesis: '))).toBe(true);
    expect(lines.some((l) => /becomes leader/.test(l))).toBe(true);
  });

  it('runCheck --transport tcp: exit 0, and the summary names the transport and the membership changes', { timeout: 30_000 }, async () => {
    const out: string[] = [];
    const io: CheckIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => true }, isTTY: false, env: {} };
    expect(await runCheck({ transport: 'tcp', time: 1.5, nodes: 3, faults: 'crashes,halves,membership' }, io)).toBe(0);
    const text = out.join('');
    expect(text).toContain('loopback TCP');
    expect(text).toMatch(/runs\s+1 \(1 passed, 0 failed\)/);
    // A real cluster stops a removed node at once: nothing is left running.
    expect(text).toMatch(/membership \(ch\. 4\)\s+\d+ nodes? added \(\d+ promoted to voter\), \d+ removed \(\d+ of them the leader\)\n/);
  });
});
