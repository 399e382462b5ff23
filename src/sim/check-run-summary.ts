/**
 * The tally of many check runs: what the summary table and `--json` report — runs, time,
 * client operations, elections, faults by kind, invariant checks, linearizability and
 * liveness verdicts — and the failing runs themselves.
 */
import type { CheckFailure, CheckOutcome } from './check-run.js';
import { FAULT_KINDS, type FaultKind } from './nemesis-kinds.js';
import { type MembershipStats, zeroMembershipStats } from './sim-membership.js';
import type { WorkloadStats } from './workload.js';

/** One failing run, as reported. */
export interface FailedRun {
  seed: number;
  failure: CheckFailure;
}

/** Sums of every run so far. */
export interface CheckTally {
  runs: number;
  passed: number;
  failed: number;
  /** ms of run time: virtual in the simulator, wall on a real cluster. */
  simulatedMs: number;
  operations: WorkloadStats;
  elections: number;
  faults: Record<FaultKind, number>;
  /** §7, simulator runs only. */
  snapshots: { taken: number; installed: number; cutWrites: number };
  /** Thesis ch. 4: nodes added, promoted, removed. */
  membership: MembershipStats;
  invariantChecks: number;
  safetyViolations: number;
  linearizability: { linearizable: number; violations: number; unknown: number; skipped: number };
  liveness: { ok: number; failed: number; skipped: number };
  failures: FailedRun[];
}

export function emptyTally(): CheckTally {
  return {
    runs: 0,
    passed: 0,
    failed: 0,
    simulatedMs: 0,
    operations: { invoked: 0, ok: 0, failed: 0, indeterminate: 0, attempts: 0, retries: 0 },
    elections: 0,
    snapshots: { taken: 0, installed: 0, cutWrites: 0 },
    membership: zeroMembershipStats(),
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    invariantChecks: 0,
    safetyViolations: 0,
    linearizability: { linearizable: 0, violations: 0, unknown: 0, skipped: 0 },
    liveness: { ok: 0, failed: 0, skipped: 0 },
    failures: [],
  };
}

/** Adds one run's outcome to the tally. */
export function addOutcome(t: CheckTally, o: CheckOutcome): void {
  t.runs++;
  if (o.failure) {
    t.failed++;
    t.failures.push({ seed: o.seed, failure: o.failure });
  } else {
    t.passed++;
  }
  t.simulatedMs += o.simulatedMs;
  for (const k of Object.keys(t.operations) as (keyof WorkloadStats)[]) t.operations[k] += o.operations[k];
  t.elections += o.elections;
  if (o.snapshots) {
    t.snapshots.taken += o.snapshots.taken;
    t.snapshots.installed += o.snapshots.installed;
    t.snapshots.cutWrites += o.snapshots.cutWrites;
  }
  if (o.membership) for (const k of Object.keys(t.membership) as (keyof MembershipStats)[]) t.membership[k] += o.membership[k];
  for (const k of FAULT_KINDS) t.faults[k] += o.faults[k];
  t.invariantChecks += o.checks;
  t.safetyViolations += o.violations.length;
  const lin = o.linearizability;
  if (lin === null) t.linearizability.skipped++;
  else if (lin.ok) t.linearizability.linearizable++;
  else if (lin.unknown) t.linearizability.unknown++;
  else t.linearizability.violations++;
  if (o.liveness === null) t.liveness.skipped++;
  else if (o.liveness.ok) t.liveness.ok++;
  else t.liveness.failed++;
}

/** Adds a run that threw instead of finishing. */
export function addError(t: CheckTally, seed: number, error: unknown): void {
  t.runs++;
  t.failed++;
  t.linearizability.skipped++;
  t.liveness.skipped++;
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  t.failures.push({ seed, failure: { kind: 'error', message: `the run threw: ${message}` } });
}

/** Total faults injected. */
export function faultTotal(t: CheckTally): number {
  let n = 0;
  for (const k of FAULT_KINDS) n += t.faults[k];
  return n;
}
