/**
 * One seed of `raft-tui check` in the deterministic simulator: clients and a nemesis for a
 * while, every safety invariant checked after every Ready, then heal and require liveness, then
 * check the clients' history for linearizability.
 */
import { InvariantChecker } from '../check/invariants.js';
import { checkLinearizability, type LinearizabilityResult } from '../check/linearizability.js';
import { HistoryRecorder } from '../check/linearizability-recorder.js';
import type { Violation } from '../check/observation.js';
import { createRng } from '../raft/rng.js';
import { checkLiveness } from './chaos.js';
import { describeSimEvent } from './check-run-trace.js';
import { describeSeedSettings, type SeedSettings } from './check-run-settings.js';
import { deriveSeed } from './derive-seed.js';
import { FAULT_KINDS, type FaultKind } from './nemesis-kinds.js';
import { Nemesis } from './nemesis.js';
import { simulatorTarget } from './nemesis-sim-target.js';
import { SimMembership, type MembershipStats } from './sim-membership.js';
import { Simulator } from './simulator.js';
import { SimWorkload, type WorkloadStats } from './workload.js';

/** Why a run failed, with its evidence: the first problem found. */
export type CheckFailure =
  | { kind: 'safety'; message: string; violation: Violation }
  | { kind: 'linearizability'; message: string; key: string; result: Extract<LinearizabilityResult, { ok: false }> }
  | { kind: 'liveness'; message: string; elapsedMs: number }
  /** The run itself threw: a bug switch can break the core's own assertions. */
  | { kind: 'error'; message: string };

/** What one run did and found, in the simulator or on a real cluster. */
export interface CheckOutcome {
  seed: number;
  /** How long the whole run took (chaos, heal, liveness, settling): virtual ms, or wall ms on a real cluster. */
  simulatedMs: number;
  /** Safety violations (at most a few: the run stops at the first). */
  violations: Violation[];
  /** Individual invariant checks performed. */
  checks: number;
  /** null when a safety violation stopped the run first. */
  liveness: { ok: boolean; elapsedMs: number } | null;
  /** null when a safety violation stopped the run first. */
  linearizability: LinearizabilityResult | null;
  operations: WorkloadStats;
  /** Leaders elected. */
  elections: number;
  faults: Record<FaultKind, number>;
  /**
   * §7: snapshots nodes took, snapshots installed from a leader, and snapshot writes a crash cut
   * short (the simulator only: a real cluster does not count them).
   */
  snapshots?: { taken: number; installed: number; cutWrites: number };
  /** Thesis ch. 4: the membership changes the nemesis made. */
  membership?: MembershipStats;
  /** The first failure, or null when the seed passed. */
  failure: CheckFailure | null;
}

/** What one seed did and found in the simulator. */
export interface CheckRunResult extends CheckOutcome {
  settings: SeedSettings;
  /** A hash of everything the run did: the same seed and settings give the same hash. */
  traceHash: string;
}

export interface CheckRunOptions {
  /** Wall-clock budget of the linearizability search, ms; default 20,000. */
  linearizabilityTimeoutMs?: number;
  /** Receives the run's event trace, line by line (virtual ms, sentence). Slower. */
  trace?: (at: number, text: string) => void;
}

/** The liveness marker: a plain command (no session) on a key the clients never use. */
const marker = (attempt: number): string => `SET liveness = ${attempt}`;

/** Runs one seed. Same settings → same run, bit for bit (see `traceHash`). */
export function runCheckSeed(settings: SeedSettings, options: CheckRunOptions = {}): CheckRunResult {
  const trace = options.trace;
  const checker = new InvariantChecker({ maxViolations: 10 });
  let sim: Simulator | undefined;
  const history = new HistoryRecorder(() => sim?.now ?? 0);
  const workload = new SimWorkload(createRng(deriveSeed(settings.seed, 11)), history, settings.workload, trace);
  sim = new Simulator({
    nodes: settings.nodes,
    seed: settings.seed,
    checker,
    stateMachine: workload.stateMachine,
    bugs: settings.bugs,
    preVote: settings.preVote,
    checkQuorum: settings.checkQuorum,
    electionTimeoutMs: settings.electionTimeoutMs,
    heartbeatMs: settings.heartbeatMs,
    ...(settings.coreOptions && { coreOptions: settings.coreOptions }),
    leaderWriteMs: settings.leaderWriteMs,
    snapshotEvery: settings.snapshotEvery,
  });
  const s = sim;
  workload.attach(s);
  if (trace) {
    trace(0, `seed ${settings.seed}: ${describeSeedSettings(settings)}; faults: ${settings.faults.join(', ') || 'none'}`);
    s.onEvent((e) => {
      const line = describeSimEvent(e);
      if (line !== null) trace(e.at, line);
    });
  }
  const membership = new SimMembership(s, {
    pollMs: settings.heartbeatMs,
    onRetire: (id) => workload.nodeCrashed(id),
    ...(trace && { note: (text: string) => trace(s.now, `membership: ${text}`) }),
  });
  const nemesis = new Nemesis(
    simulatorTarget(s, (id) => workload.nodeCrashed(id), membership),
    createRng(deriveSeed(settings.seed, 12)),
    { kinds: settings.faults, everyMs: settings.everyMs, lastsMs: settings.lastsMs, electionTimeoutMs: settings.electionTimeoutMs },
    trace && ((n) => trace(n.at, `nemesis: ${n.text}`)),
  );
  nemesis.start(settings.timeMs);
  workload.start(settings.timeMs);

  const broken = (): boolean => !checker.ok;
  let liveness: CheckRunResult['liveness'] = null;
  let linearizability: LinearizabilityResult | null = null;
  if (!s.runUntil(broken, settings.timeMs)) {
    nemesis.healAll();
    const live = checkLiveness(s, settings.livenessMs, broken, marker);
    if (checker.ok) {
      liveness = { ok: live.ok, elapsedMs: live.elapsedMs };
      trace?.(
        s.now,
        live.ok
          ? `liveness: n${live.leader} leads and index ${live.index} is committed everywhere, ${live.elapsedMs} ms after the heal`
          : `liveness: FAILED, no leader with a new entry committed everywhere within ${live.elapsedMs} ms of the heal`,
      );
      // Let the operations still in flight finish on the healed cluster.
      s.runUntil(() => workload.inFlight === 0 || broken(), 2 * settings.livenessMs);
    }
  }
  workload.finish();
  if (checker.ok) {
    linearizability = checkLinearizability(history.history(), { timeoutMs: options.linearizabilityTimeoutMs ?? 20_000 });
    if (trace)
      trace(
        s.now,
        linearizability.ok
          ? `linearizable: ${linearizability.operations} operations on ${linearizability.keys} keys`
          : `NOT LINEARIZABLE: ${linearizability.message}`,
      );
  }
  const stats = s.stats();
  return {
    seed: settings.seed,
    settings,
    simulatedMs: s.now,
    violations: checker.violations,
    checks: checker.checks,
    liveness,
    linearizability,
    operations: { ...workload.stats },
    elections: stats.elections,
    faults: { ...nemesis.injected },
    failure: firstFailure(checker.violations, liveness, linearizability),
    traceHash: s.traceHash(),
    snapshots: { taken: stats.snapshotsTaken, installed: stats.snapshotsInstalled, cutWrites: stats.cutSnapshots },
    membership: { ...membership.stats },
  };
}

/** The first problem of a run: a safety violation, then liveness, then linearizability. */
export function firstFailure(
  violations: readonly Violation[],
  liveness: CheckRunResult['liveness'],
  linearizability: LinearizabilityResult | null,
): CheckFailure | null {
  const v = violations[0];
  if (v) return { kind: 'safety', message: `${v.invariant}: ${v.message}`, violation: v };
  if (liveness && !liveness.ok) {
    return {
      kind: 'liveness',
      message: `no leader with a new entry committed on every node within ${liveness.elapsedMs} ms after healing every fault`,
      elapsedMs: liveness.elapsedMs,
    };
  }
  // A search that ran out of time proves nothing either way: counted apart, not a failure.
  if (linearizability && !linearizability.ok && !linearizability.unknown) {
    return { kind: 'linearizability', message: linearizability.message, key: linearizability.key, result: linearizability };
  }
  return null;
}

/** An all-zero count per fault kind, to add runs into. */
export function zeroFaultCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
}
