import { performance } from 'node:perf_hooks';
import { createRng } from '../raft/rng.js';
import { scheduleFaults } from './chaos-schedule.js';
import { deriveSeed } from './derive-seed.js';
import { Simulator } from './simulator.js';
import { InvariantChecker } from '../check/invariants.js';

export interface SimSpeedOptions {
  /** Default 5. */
  nodes?: number;
  /** Default 1. */
  seed?: number;
  /** Virtual ms to simulate; default 60000. */
  simulatedMs?: number;
  /** Proposals per virtual second, each to the current leader; default 0 (idle). */
  proposalsPerSecond?: number;
  /** Random faults (partitions, crashes, drop / duplicate / delay) every 200–1000 ms; default false. */
  faults?: boolean;
  /** Feed an invariant checker after every Ready; default false. */
  check?: boolean;
}

export interface SimSpeed {
  simulatedMs: number;
  wallMs: number;
  /** Simulated ms per wall ms. */
  ratio: number;
  /** The highest index any node applied: entries committed during the run. */
  committed: number;
}

/** How fast the simulator runs: simulated time per wall time for one seeded workload. */
export function measureSimSpeed(options: SimSpeedOptions = {}): SimSpeed {
  const seed = options.seed ?? 1;
  const simulatedMs = options.simulatedMs ?? 60_000;
  const sim = new Simulator({
    nodes: options.nodes ?? 5,
    seed,
    ...(options.check && { checker: new InvariantChecker() }),
  });
  const rng = createRng(deriveSeed(seed, 4));
  if (options.faults) scheduleFaults(sim, rng, simulatedMs, { everyMs: [200, 1000] });
  const perSecond = options.proposalsPerSecond ?? 0;
  if (perSecond > 0) {
    const gap = 1000 / perSecond;
    let n = 0;
    const propose = (at: number): void => {
      if (at >= simulatedMs) return;
      sim.schedule(at, () => {
        const leader = sim.leader();
        if (leader !== undefined) sim.propose(leader, `SET k${n % 16} = ${n}`);
        n++;
        propose(at + gap);
      });
    };
    propose(gap);
  }
  const started = performance.now();
  sim.runFor(simulatedMs);
  const wallMs = performance.now() - started;
  return {
    simulatedMs,
    wallMs,
    ratio: simulatedMs / Math.max(wallMs, 1e-3),
    committed: sim.stats().highestApplied,
  };
}
