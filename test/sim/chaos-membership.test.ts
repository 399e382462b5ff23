import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosOptions } from '../../src/sim/chaos.js';

/** 3, 5 or 7 nodes by seed, pre-vote and check-quorum off for some, nodes added and removed. */
function optionsFor(seed: number): ChaosOptions {
  return { seed, nodes: 3 + (seed % 3) * 2, preVote: seed % 4 !== 1, checkQuorum: seed % 5 !== 2, membership: true };
}

describe('seeded chaos with membership changes (thesis ch. 4)', () => {
  it('seeds 1-100: nodes are added and removed (leaders too) among the faults, no invariant breaks, and the healed cluster commits', {
    timeout: 30_000,
  }, () => {
    const found: string[] = [];
    const total = { added: 0, promoted: 0, removed: 0, removedLeaders: 0, keptRunning: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const r = runChaos(optionsFor(seed));
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r.membership![k];
      const v = r.violations[0];
      if (v) found.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
      else if (!r.liveness?.ok) found.push(`seed ${seed}: no leader and commit everywhere after heal (${JSON.stringify(r.liveness)})`);
    }
    expect(found).toEqual([]);
    expect(total.added).toBeGreaterThan(50);
    expect(total.promoted).toBeGreaterThan(40);
    expect(total.removed).toBeGreaterThan(50);
    expect(total.removedLeaders).toBeGreaterThan(10);
    expect(total.keptRunning).toBeGreaterThan(10);
  });

  it('the same seed replays the same run, membership changes included', () => {
    const a = runChaos(optionsFor(7));
    const b = runChaos(optionsFor(7));
    expect(a.membership!.added + a.membership!.removed).toBeGreaterThan(0);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.membership).toEqual(a.membership);
    expect(runChaos({ ...optionsFor(7), membership: false }).traceHash).not.toBe(a.traceHash);
  });
});
