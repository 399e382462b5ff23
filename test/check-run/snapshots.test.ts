import { describe, expect, it } from 'vitest';
import { runCheckSeed } from '../../src/sim/check-run.js';
import { defaultSettings, seedSettings } from '../../src/sim/check-run-settings.js';
import { runChaos } from '../../src/sim/chaos.js';

describe('raft-tui check with snapshots (§7)', () => {
  it('every run snapshots and installs snapshots across partitions, crashes cut some snapshot writes short, and all pass', () => {
    let cut = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const settings = seedSettings(seed, defaultSettings(undefined));
      expect(settings.snapshotEvery).toBeLessThanOrEqual(40);
      const r = runCheckSeed(settings);
      expect(r.failure, `seed ${seed}`).toBeNull();
      expect(r.snapshots!.taken, `seed ${seed}`).toBeGreaterThan(20);
      expect(r.snapshots!.installed, `seed ${seed}`).toBeGreaterThan(5);
      cut += r.snapshots!.cutWrites;
    }
    expect(cut).toBeGreaterThan(0);
  }, 60_000);
});

describe('chaos with snapshots (§7)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])(
    'seed %i: a snapshot every 5 entries, every invariant holds, the healed cluster commits',
    (seed) => {
      const r = runChaos({ seed, snapshotEvery: 5, durationMs: 4000 });
      expect(r.violations, `seed ${seed}`).toEqual([]);
      expect(r.liveness?.ok, `seed ${seed}`).toBe(true);
      expect(r.snapshots.taken).toBeGreaterThan(10);
    },
  );
});
