import { InvariantChecker } from '../check/invariants.js';
import type { InvariantName, Violation } from '../check/observation.js';
import { createRng } from '../raft/rng.js';
import type { Index, NodeId, RaftConfig, RaftCore } from '../raft/types.js';
import { scheduleFaults, scheduleProposals, type FaultPlan } from './chaos-schedule.js';
import { deriveSeed } from './derive-seed.js';
import { SimMembership, type MembershipStats } from './sim-membership.js';
import { Simulator } from './simulator.js';
import type { SimBugs, SimulatorOptions } from './types.js';

export interface ChaosOptions {
  seed: number;
  /** Default 5. */
  nodes?: number;
  /** Virtual ms of faults and proposals; default 5000. */
  durationMs?: number;
  /** Default: a fault every 20–200 ms, of every kind. */
  faults?: FaultPlan;
  /** Client proposals per virtual second during the chaos; default 50. */
  proposalsPerSecond?: number;
  /**
   * After the chaos everything is healed and restarted: within this many virtual ms a leader
   * must be elected and a new entry committed on every node. Default 10000.
   */
  livenessMs?: number;
  /** Stop at the first violation (default true): a broken run has nothing more to show. */
  stopOnViolation?: boolean;
  bugs?: SimBugs;
  preVote?: boolean;
  checkQuorum?: boolean;
  electionTimeoutMs?: [number, number];
  heartbeatMs?: number;
  createCore?: (config: RaftConfig) => RaftCore;
  coreOptions?: SimulatorOptions['coreOptions'];
  /** Thesis §10.2.1: the leader's own write takes this long while its AppendEntries fly. */
  leaderWriteMs?: number;
  /** §7: each node snapshots after this many applied entries; default never. */
  snapshotEvery?: number;
  /** Thesis ch. 4: the faults also add and remove nodes (default false). */
  membership?: boolean;
}

export interface ChaosResult {
  seed: number;
  nodes: number;
  violations: Violation[];
  /** Invariant checks performed, in all and per invariant. */
  checks: number;
  checksBy: Record<InvariantName, number>;
  /** Highest term any node reached, and how many crashes the run had. */
  maxTerm: number;
  crashes: number;
  /** Crashes that cut a leader's own write short (leaderWriteMs > 0). */
  lostWrites: number;
  /** null when the run stopped on a violation before the liveness phase. */
  liveness: {
    ok: boolean;
    /** Virtual ms from the heal until the new entry was committed everywhere (or the limit). */
    elapsedMs: number;
    leader?: NodeId;
    index?: Index;
  } | null;
  /** Virtual ms the whole run took. */
  simulatedMs: number;
  /** The highest commit index any node reached. */
  committed: Index;
  traceHash: string;
  /** §7: snapshots taken by nodes and installed from a leader. */
  snapshots: { taken: number; installed: number };
  /** Thesis ch. 4: nodes added and removed (runChaos: zeros unless `membership` is on). */
  membership?: MembershipStats;
}

/**
 * One seeded chaos run: random partitions, cuts, crashes and restarts, drop / duplicate / delay
 * and concurrent proposals, with every safety invariant checked after every Ready; then all is
 * healed and the cluster must elect a leader and commit a new entry on every node in bounded
 * virtual time (liveness).
 */
export function runChaos(options: ChaosOptions): ChaosResult {
  const checker = new InvariantChecker({ maxViolations: 50 });
  const nodes = options.nodes ?? 5;
  const sim = new Simulator({
    ...chaosSimulatorOptions(options, nodes, checker),
    ...(options.leaderWriteMs !== undefined && { leaderWriteMs: options.leaderWriteMs }),
    ...(options.snapshotEvery !== undefined && { snapshotEvery: options.snapshotEvery }),
  });
  const rng = createRng(deriveSeed(options.seed, 3));
  const duration = options.durationMs ?? 5000;
  const membership = new SimMembership(sim, { pollMs: options.heartbeatMs ?? 50 });
  const plan = options.faults ?? { everyMs: [20, 200] };
  scheduleFaults(sim, rng, duration, options.membership ? { ...plan, membership } : plan);
  scheduleProposals(sim, rng, duration, options.proposalsPerSecond ?? 50);
  const stop = options.stopOnViolation ?? true;
  let crashes = 0;
  sim.onEvent((e) => {
    if (e.type === 'crash') crashes++;
  });
  const result = (liveness: ChaosResult['liveness']): ChaosResult => ({
    ...chaosTally(sim, checker, { seed: options.seed, nodes, crashes, liveness }),
    lostWrites: sim.stats().lostWrites,
    membership: { ...membership.stats },
  });

  if (stop) sim.runUntil(() => !checker.ok, duration);
  else sim.runFor(duration);
  if (!checker.ok) return result(null);

  // What is left after the heal must be the cluster itself: removed nodes still running stop.
  membership.retireLingering();
  const liveness = checkLiveness(sim, options.livenessMs ?? 10_000, () => stop && !checker.ok);
  return result(stop && !checker.ok ? null : liveness);
}

/** The simulator settings every chaos run takes from its options. */
export function chaosSimulatorOptions(options: ChaosOptions, nodes: number, checker: InvariantChecker): SimulatorOptions {
  return {
    nodes,
    seed: options.seed,
    checker,
    ...(options.bugs && { bugs: options.bugs }),
    ...(options.preVote !== undefined && { preVote: options.preVote }),
    ...(options.checkQuorum !== undefined && { checkQuorum: options.checkQuorum }),
    ...(options.electionTimeoutMs && { electionTimeoutMs: options.electionTimeoutMs }),
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
    ...(options.createCore && { createCore: options.createCore }),
    ...(options.coreOptions && { coreOptions: options.coreOptions }),
  };
}

/** What every chaos run reports, read off its simulator and checker once the run is over. */
export function chaosTally(
  sim: Simulator,
  checker: InvariantChecker,
  run: { seed: number; nodes: number; crashes: number; liveness: ChaosResult['liveness'] },
): Omit<ChaosResult, 'lostWrites' | 'membership'> {
  return {
    seed: run.seed,
    nodes: run.nodes,
    violations: checker.violations,
    checks: checker.checks,
    checksBy: { ...checker.checksBy },
    maxTerm: Math.max(...sim.status().map((n) => n.term)),
    crashes: run.crashes,
    liveness: run.liveness,
    simulatedMs: sim.now,
    committed: Math.max(...sim.ids.map((id) => sim.commitIndex(id))),
    traceHash: sim.traceHash(),
    snapshots: { taken: sim.stats().snapshotsTaken, installed: sim.stats().snapshotsInstalled },
  };
}

/**
 * Heals every fault, restarts every node, then proposes a marker entry to the leader (again if
 * it is lost to a leader change) until it is committed on every node or `limitMs` pass.
 * `marker` gives the entry data of each attempt (default `liveness N`).
 */
export function checkLiveness(
  sim: Simulator,
  limitMs: number,
  broken: () => boolean,
  marker: (attempt: number) => string = (attempt) => `liveness ${attempt}`,
): NonNullable<ChaosResult['liveness']> {
  sim.heal();
  for (const id of sim.ids) sim.restart(id);
  const start = sim.now;
  const deadline = start + limitMs;
  let attempt = 0;
  while (sim.now < deadline && !broken()) {
    if (!sim.runUntil(() => sim.leader() !== undefined || broken(), deadline - sim.now)) break;
    const leader = sim.leader();
    if (leader === undefined) break;
    const data = marker(++attempt);
    const r = sim.propose(leader, data);
    if (!r.ok) {
      sim.runFor(sim.tickMs);
      continue;
    }
    // Committed everywhere, and the marker there on some node: committed entries agree (the
    // checker sees to that), so a node whose snapshot already covers the index holds it too (§7).
    const everywhere = (): boolean =>
      sim.ids.every((id) => sim.commitIndex(id) >= r.index) &&
      sim.ids.some((id) => sim.commitIndex(id) >= r.index && sim.entryAt(id, r.index)?.data === data);
    // A leader change can drop the uncommitted marker: try again after a while.
    const retryAt = Math.min(deadline, sim.now + 1000);
    if (sim.runUntil(() => everywhere() || broken(), retryAt - sim.now) && everywhere()) {
      return { ok: true, elapsedMs: sim.now - start, leader, index: r.index };
    }
  }
  return { ok: false, elapsedMs: sim.now - start };
}
