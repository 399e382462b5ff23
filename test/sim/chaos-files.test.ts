import { describe, expect, it } from 'vitest';
import { runChaosOnFiles } from '../../src/sim/chaos-files.js';

/**
 * The real NodeHost and the real FileStorage on a file system that crashes honestly: what was
 * written and not fsync'd may be lost, torn or reordered at a crash, and a rename may be undone.
 * This is what catches a missing fsync or a message sent before its state is on disk.
 */
describe('seeded chaos on crash-honest files (real NodeHost + FileStorage)', () => {
  it('seeds 1-16: no invariant breaks, every restart recovers, and a new entry commits everywhere after heal', {
    timeout: 60_000,
  }, async () => {
    const totals = { lostWrites: 0, tornWrites: 0, lostNames: 0, crashes: 0 };
    const failures: string[] = [];
    for (let seed = 1; seed <= 16; seed++) {
      const r = await runChaosOnFiles({ seed, nodes: 3 + (seed % 3) * 2, durationMs: 4000 });
      const v = r.violations[0];
      if (v) failures.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
      else if (r.openFailures.length > 0) failures.push(`seed ${seed}: recovery failed: ${r.openFailures[0]}`);
      else if (!r.liveness?.ok) failures.push(`seed ${seed}: no leader and commit within 10 s after heal`);
      totals.lostWrites += r.files.lostWrites;
      totals.tornWrites += r.files.tornWrites;
      totals.lostNames += r.files.lostNames;
      totals.crashes += r.files.crashes;
    }
    expect(failures).toEqual([]);
    // The crashes hit the file system's failure modes, not only quiet moments.
    expect(totals.crashes).toBeGreaterThan(100);
    expect(totals.lostWrites).toBeGreaterThan(10);
    expect(totals.tornWrites).toBeGreaterThan(5);
    expect(totals.lostNames).toBeGreaterThan(3);
  });

  it('replays: the same seed on files gives the same run', async () => {
    const a = await runChaosOnFiles({ seed: 5, nodes: 5, durationMs: 2000 });
    const b = await runChaosOnFiles({ seed: 5, nodes: 5, durationMs: 2000 });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.files).toEqual(a.files);
    expect(b.committed).toBe(a.committed);
  });
});
