import { describe, expect, it } from 'vitest';
import type { InvariantName } from '../../src/check/observation.js';
import { runCheckSeed, type CheckRunResult } from '../../src/sim/check-run.js';
import { defaultSettings, seedSettings, type BugName, type CheckSettings, type SeedSettings } from '../../src/sim/check-run-settings.js';
import { FAULT_KINDS } from '../../src/sim/nemesis-kinds.js';

/** 3, 5 or 7 nodes by seed; all faults; 8 s runs. */
function sweepSettings(seed: number, timeMs = 8000): SeedSettings {
  return seedSettings(seed, { ...defaultSettings(undefined), nodes: 3 + (seed % 3) * 2, timeMs });
}

/** A line per problem in a run that should have passed. */
function problems(r: CheckRunResult): string[] {
  const out: string[] = [];
  if (r.failure) out.push(`seed ${r.seed}: ${r.failure.kind}: ${r.failure.message}`);
  if (r.linearizability && !r.linearizability.ok) out.push(`seed ${r.seed}: linearizability undecided: ${r.linearizability.message}`);
  return out;
}

describe('seeded check runs across the nemesis mix', () => {
  // 240 seeds, every fault kind, 3/5/7 nodes, with each seed's own pre-vote / check-quorum /
  // batching variation: safety after every Ready, liveness after heal, linearizability at the end.
  for (let block = 0; block < 6; block++) {
    const from = block * 40 + 1;
    const to = from + 39;
    it(`seeds ${from}-${to} pass: no invariant breaks, the history is linearizable, and the healed cluster commits`, {
      timeout: 30_000,
    }, () => {
      const found: string[] = [];
      for (let seed = from; seed <= to; seed++) found.push(...problems(runCheckSeed(sweepSettings(seed))));
      expect(found).toEqual([]);
    });
  }

  it('each fault kind on its own: injected, and the runs pass', { timeout: 30_000 }, () => {
    const found: string[] = [];
    for (const kind of FAULT_KINDS) {
      let injected = 0;
      for (let seed = 1; seed <= 4; seed++) {
        const r = runCheckSeed({ ...sweepSettings(seed, 4000), faults: [kind] });
        injected += r.faults[kind];
        for (const other of FAULT_KINDS) if (other !== kind) expect(r.faults[other], `${kind} run injected ${other}`).toBe(0);
        found.push(...problems(r).map((p) => `${kind}: ${p}`));
      }
      expect(injected, kind).toBeGreaterThan(4);
    }
    expect(found).toEqual([]);
  });

  it('a run does real work: operations answered, elections, faults of every kind, checks', () => {
    const r = runCheckSeed(sweepSettings(2, 20_000));
    expect(r.failure).toBeNull();
    expect(r.operations.ok).toBeGreaterThan(100);
    expect(r.operations.retries).toBeGreaterThan(0);
    expect(r.elections).toBeGreaterThan(3);
    for (const kind of FAULT_KINDS) expect(r.faults[kind], kind).toBeGreaterThan(0);
    expect(r.checks).toBeGreaterThan(10_000);
    expect(r.liveness).toMatchObject({ ok: true });
    expect(r.linearizability).toMatchObject({ ok: true, keys: 3 });
    expect(r.simulatedMs).toBeGreaterThanOrEqual(20_000);
  });
});

describe('determinism', () => {
  it('the same seed and settings replay the same run bit for bit, traced or not; another seed does not', () => {
    const a = runCheckSeed(sweepSettings(11));
    const lines: string[] = [];
    const b = runCheckSeed(sweepSettings(11), { trace: (at, text) => lines.push(`${at} ${text}`) });
    const c = runCheckSeed(sweepSettings(12));
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.operations).toEqual(a.operations);
    expect(b.faults).toEqual(a.faults);
    expect(c.traceHash).not.toBe(a.traceHash);
    // The trace tells the story: roles, votes, commits, faults, crashes, client calls.
    const text = lines.join('\n');
    for (const pattern of [
      /becomes leader in term/,
      /grants its vote/,
      /commits up to index/,
      /nemesis: /,
      /crashes/,
      /calls #\d+/,
      /returns/,
    ]) {
      expect(text).toMatch(pattern);
    }
  });
});

/** Bug settings for a short sweep: the preset's own time for figure8, 5 s otherwise. */
function bugSettings(bug: BugName): CheckSettings {
  const d = defaultSettings(bug);
  return bug === 'figure8' ? d : { ...d, timeMs: 5000 };
}

/** The first seed in 1..max whose run fails with the bug on. */
function firstBite(bug: BugName, max: number): CheckRunResult | undefined {
  for (let seed = 1; seed <= max; seed++) {
    const r = runCheckSeed(seedSettings(seed, bugSettings(bug)));
    if (r.failure) return r;
  }
  return undefined;
}

/** The same seed and settings with the bug off. */
function withoutBug(s: SeedSettings): SeedSettings {
  const { localReads: _, ...workload } = s.workload;
  return { ...s, bugs: {}, workload };
}

describe('the check bites when Raft is broken on purpose (--bug)', () => {
  const cases: { bug: BugName; within: number; expect: (r: CheckRunResult) => void }[] = [
    {
      bug: 'figure8',
      within: 40,
      expect: (r) => {
        expect(r.settings.nodes).toBe(3);
        expect(r.failure!.kind).toBe('safety');
        expect(['leader-completeness', 'log-matching', 'state-machine-safety', 'commit-monotonic'] as InvariantName[]).toContain(
          r.violations[0]!.invariant,
        );
      },
    },
    { bug: 'no-election-restriction', within: 20, expect: (r) => expect(r.violations[0]!.invariant).toBe('leader-completeness') },
    { bug: 'apply-before-commit', within: 5, expect: (r) => expect(r.violations[0]!.invariant).toBe('index-order') },
    {
      bug: 'unpersisted-vote',
      within: 30,
      expect: (r) =>
        expect(['term-monotonic', 'one-vote-per-term', 'election-safety'] as InvariantName[]).toContain(r.violations[0]!.invariant),
    },
    {
      bug: 'stale-read',
      within: 20,
      expect: (r) => {
        expect(r.violations).toEqual([]);
        expect(r.failure!.kind).toBe('linearizability');
      },
    },
  ];
  for (const c of cases) {
    it(`--bug ${c.bug}: caught within ${c.within} seeds, and the same seeds pass with the bug off`, { timeout: 30_000 }, () => {
      const bite = firstBite(c.bug, c.within);
      expect(bite, `no seed in 1-${c.within} failed`).toBeDefined();
      c.expect(bite!);
      for (let seed = 1; seed <= bite!.seed; seed++) {
        const clean = runCheckSeed(withoutBug(seedSettings(seed, bugSettings(c.bug))));
        expect(problems(clean), `seed ${seed} without the bug`).toEqual([]);
      }
    });
  }
});

describe('measureCheckSpeed', () => {
  it('reports simulated and wall time, their ratio, and what the runs did', async () => {
    const { measureCheckSpeed } = await import('../../src/bench/check-speed.js');
    const s = measureCheckSpeed({ seeds: 2, nodes: 3, timeS: 3 });
    expect(s.seeds).toBe(2);
    expect(s.simulatedSeconds).toBeGreaterThanOrEqual(6);
    expect(s.wallSeconds).toBeGreaterThan(0);
    expect(s.simSecondsPerWallSecond).toBeCloseTo(s.simulatedSeconds / s.wallSeconds, 5);
    expect(s.operations).toBeGreaterThan(10);
    expect(s.failures).toBe(0);
  });
});
