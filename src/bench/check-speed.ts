import { performance } from 'node:perf_hooks';
import { runCheckSeed } from '../sim/check-run.js';
import { defaultSettings, seedSettings } from '../sim/check-run-settings.js';

export interface CheckSpeedOptions {
  /** Seeds to run (1 … seeds); default 20. */
  seeds?: number;
  /** Default 5. */
  nodes?: number;
  /** Simulated seconds of faults and clients per seed; default 60. */
  timeS?: number;
}

export interface CheckSpeed {
  /** Simulated seconds per wall second, the whole check included (clients, nemesis, checkers). */
  simSecondsPerWallSecond: number;
  simulatedSeconds: number;
  wallSeconds: number;
  seeds: number;
  /** Client operations answered, and the runs that failed (should be 0). */
  operations: number;
  failures: number;
}

/**
 * How fast `raft-tui check` runs: seeds of the default check (every fault, 5 clients, safety
 * invariants after every Ready, liveness, linearizability), simulated time per wall time. A
 * short warm-up first, so the figure measures the check and not the JIT.
 */
export function measureCheckSpeed(options: CheckSpeedOptions = {}): CheckSpeed {
  const seeds = options.seeds ?? 20;
  const settings = { ...defaultSettings(undefined), nodes: options.nodes ?? 5, timeMs: Math.round((options.timeS ?? 60) * 1000) };
  for (let seed = 1000; seed < 1003; seed++) runCheckSeed(seedSettings(seed, { ...settings, timeMs: 10_000 }));
  let simulatedMs = 0;
  let operations = 0;
  let failures = 0;
  const started = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runCheckSeed(seedSettings(seed, settings));
    simulatedMs += r.simulatedMs;
    operations += r.operations.ok;
    if (r.failure) failures++;
  }
  const wallMs = performance.now() - started;
  return {
    simSecondsPerWallSecond: simulatedMs / Math.max(wallMs, 1e-3),
    simulatedSeconds: simulatedMs / 1000,
    wallSeconds: wallMs / 1000,
    seeds,
    operations,
    failures,
  };
}

/** The `npm run bench` row: 5 nodes, every fault, 60 s seeds. */
export function checkSpeedFigure(quick: boolean): { what: string; result: string; target: string } {
  const s = measureCheckSpeed({ seeds: quick ? 5 : 30, nodes: 5, timeS: 60 });
  const failed = s.failures > 0 ? `, ${s.failures} FAILED` : '';
  return {
    what: `raft-tui check: 5 nodes, every fault, ${s.seeds} seeds × 60 s`,
    result: `${Math.round(s.simSecondsPerWallSecond).toLocaleString('en-US')} simulated s per wall s${failed}`,
    target: '≥ 1,000',
  };
}
