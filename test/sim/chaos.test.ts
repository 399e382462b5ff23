import { describe, expect, it } from 'vitest';
import type { InvariantName } from '../../src/check/observation.js';
import { runChaos, type ChaosOptions, type ChaosResult } from '../../src/sim/chaos.js';
import { measureSimSpeed } from '../../src/sim/measure.js';
import type { SimBugs } from '../../src/sim/types.js';

/** 3, 5 or 7 nodes, by seed. */
function nodesFor(seed: number): number {
  return 3 + (seed % 3) * 2;
}

/**
 * The settings each seed runs with: 3, 5 or 7 nodes; pre-vote and check-quorum each off for
 * some seeds; small batches and windows for some (more, smaller AppendEntries in flight); and
 * for a third of them the leader's own write takes 1-7 ms while its AppendEntries fly (thesis
 * §10.2.1), so crashes can cut it short.
 */
function optionsFor(seed: number): ChaosOptions {
  return {
    seed,
    nodes: nodesFor(seed),
    preVote: seed % 4 !== 1,
    checkQuorum: seed % 5 !== 2,
    ...(seed % 7 === 3 && { coreOptions: { maxBatchEntries: 1, maxInflight: 2 } }),
    ...(seed % 3 === 0 && { leaderWriteMs: 1 + (seed % 7) }),
  };
}

/** Runs seeds [from, to] and returns a line per seed that broke safety or liveness. */
function failures(from: number, to: number): string[] {
  const out: string[] = [];
  for (let seed = from; seed <= to; seed++) {
    const r = runChaos(optionsFor(seed));
    const v = r.violations[0];
    if (v) out.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
    else if (!r.liveness?.ok) out.push(`seed ${seed}: no leader and commit within 10 s after heal (${JSON.stringify(r.liveness)})`);
  }
  return out;
}

/** The first seed in [1, maxSeeds] whose run breaks an invariant, with what broke. */
function firstBite(bugs: SimBugs, maxSeeds: number, extra: Partial<ChaosOptions> = {}): { seed: number; result: ChaosResult } | undefined {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const result = runChaos({ seed, nodes: nodesFor(seed), bugs, ...extra });
    if (result.violations.length > 0) return { seed, result };
  }
  return undefined;
}

/**
 * Where the Figure 8 bug shows: one entry per AppendEntries (a follower can hold an old-term
 * entry without the new leader's no-op), fast fault churn, pre-vote off, 3 nodes.
 */
const FIGURE_8_SETTINGS: Partial<ChaosOptions> = {
  nodes: 3,
  coreOptions: { maxBatchEntries: 1, maxInflight: 1 },
  faults: { everyMs: [5, 60] },
  durationMs: 30_000,
  preVote: false,
  electionTimeoutMs: [100, 400],
  heartbeatMs: 100,
};

describe('seeded chaos: partitions, cuts, crashes, restarts, drop/duplicate/delay, concurrent proposals', () => {
  // 400 seeds: safety checked after every Ready, then liveness after healing everything.
  for (let block = 0; block < 8; block++) {
    const from = block * 50 + 1;
    const to = from + 49;
    it(`seeds ${from}-${to}: no invariant breaks, and a leader commits a new entry everywhere after heal`, { timeout: 30_000 }, () => {
      expect(failures(from, to)).toEqual([]);
    });
  }

  it('does real work: elections, commits and checks in every run', () => {
    const r = runChaos({ seed: 42 });
    expect(r.violations).toEqual([]);
    expect(r.checks).toBeGreaterThan(1000);
    for (const [name, count] of Object.entries(r.checksBy)) expect(count, name).toBeGreaterThan(0);
    expect(r.maxTerm).toBeGreaterThan(2);
    expect(r.crashes).toBeGreaterThan(0);
    expect(r.committed).toBeGreaterThan(20);
    expect(r.liveness).toMatchObject({ ok: true });
    expect(r.liveness!.elapsedMs).toBeLessThan(10_000);
  });
});

describe('thesis §10.2.1: the leader writes its log while it replicates it', () => {
  it('a leader that crashes before its own write lands loses those entries, and safety holds', { timeout: 30_000 }, () => {
    let lost = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = runChaos({ seed, nodes: nodesFor(seed), leaderWriteMs: 8, faults: { everyMs: [10, 100], lossy: false } });
      expect(r.violations.map((v) => `seed ${seed}: ${v.message}`)).toEqual([]);
      expect(r.liveness, `seed ${seed}`).toMatchObject({ ok: true });
      lost += r.lostWrites;
    }
    // The window is real: crashes did cut leaders' writes short while followers had the entries.
    expect(lost).toBeGreaterThan(10);
  });
});

describe('determinism', () => {
  it('the same seed replays the same run bit for bit; another seed does not', () => {
    const a = runChaos({ seed: 77, nodes: 5 });
    const b = runChaos({ seed: 77, nodes: 5 });
    const c = runChaos({ seed: 78, nodes: 5 });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.simulatedMs).toBe(a.simulatedMs);
    expect(b.committed).toBe(a.committed);
    expect(b.checks).toBe(a.checks);
    expect(c.traceHash).not.toBe(a.traceHash);
  });
});

describe('the checker bites when Raft is broken on purpose', () => {
  it('bugs.unpersistedVote: a vote or term lost in a crash is caught within a bounded sweep', { timeout: 30_000 }, () => {
    const bite = firstBite({ unpersistedVote: true }, 300, { faults: { everyMs: [10, 100], lossy: false } });
    expect(bite, 'no seed in 1-300 produced a violation').toBeDefined();
    const v = bite!.result.violations[0]!;
    expect(['term-monotonic', 'one-vote-per-term', 'election-safety'] as InvariantName[]).toContain(v.invariant);
    expect(v.evidence.nodes.length).toBeGreaterThan(0);
  });

  it('bugs.commitOldTermByCounting (Figure 8): a committed entry missing from a later leader is caught', { timeout: 30_000 }, () => {
    // One entry per AppendEntries, so a follower can hold an old-term entry without the new
    // leader's no-op; fast fault churn makes the Figure 8 sequence of leaders likely.
    const bite = firstBite({ commitOldTermByCounting: true }, 300, FIGURE_8_SETTINGS);
    expect(bite, 'no seed in 1-300 produced a violation').toBeDefined();
    const v = bite!.result.violations[0]!;
    expect(['leader-completeness', 'log-matching', 'state-machine-safety', 'commit-monotonic'] as InvariantName[]).toContain(v.invariant);
    expect(v.evidence.index).toBeGreaterThan(0);
  });

  it('the same Figure 8 settings without the bug break nothing', { timeout: 30_000 }, () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = runChaos({ seed, ...FIGURE_8_SETTINGS });
      expect(r.violations, `seed ${seed}`).toEqual([]);
      expect(r.liveness?.ok, `seed ${seed}`).toBe(true);
    }
  });

  it('bugs.skipElectionRestriction (§5.4.1 off): a leader without committed entries is caught', () => {
    const bite = firstBite({ skipElectionRestriction: true }, 100);
    expect(bite).toBeDefined();
    expect(bite!.result.violations[0]!.invariant).toBe('leader-completeness');
  });

  it('bugs.applyBeforeCommit: applied beyond commit is caught', () => {
    const bite = firstBite({ applyBeforeCommit: true }, 10);
    expect(bite).toBeDefined();
    expect(bite!.result.violations[0]!.invariant).toBe('index-order');
  });
});

describe('measureSimSpeed', () => {
  it('reports simulated and wall time, their ratio, and what was committed', () => {
    const idle = measureSimSpeed({ simulatedMs: 5000 });
    expect(idle.simulatedMs).toBe(5000);
    expect(idle.wallMs).toBeGreaterThan(0);
    expect(idle.ratio).toBeCloseTo(idle.simulatedMs / idle.wallMs, 5);
    expect(idle.committed).toBe(1);
    const busy = measureSimSpeed({ simulatedMs: 5000, proposalsPerSecond: 100, faults: true, check: true });
    expect(busy.committed).toBeGreaterThan(50);
  });
});
