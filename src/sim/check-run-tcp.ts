/**
 * `raft-tui check --transport tcp`: the same nemesis and clients against a real cluster on
 * loopback TCP, with the real clock, for a few wall seconds; then heal and require liveness.
 * The cluster checks the safety invariants live after every Ready; the clients' history (in
 * wall-clock ms) is checked for linearizability at the end.
 */
import { checkLinearizability, type LinearizabilityResult } from '../check/linearizability.js';
import { HistoryRecorder } from '../check/linearizability-recorder.js';
import type { InvariantName, Violation } from '../check/observation.js';
import { createCluster } from '../cluster/create-cluster.js';
import type { Cluster, ClusterEvent } from '../cluster/types.js';
import { createRng } from '../raft/rng.js';
import { firstFailure, type CheckOutcome } from './check-run.js';
import { describeSimEvent } from './check-run-trace.js';
import { deriveSeed } from './derive-seed.js';
import type { FaultKind } from './nemesis-kinds.js';
import { Nemesis } from './nemesis.js';
import { clusterTarget } from './nemesis-cluster-target.js';
import type { SimEvent } from './types.js';
import { runTcpWorkload } from './workload-tcp.js';

export interface TcpCheckSettings {
  seed: number;
  nodes: number;
  /** Wall ms of faults and client operations. */
  timeMs: number;
  faults: readonly FaultKind[];
  /** After the heal: a leader and a new entry committed on every node within this time; default 10,000. */
  livenessMs?: number;
  /** Default [150, 300]. */
  electionTimeoutMs?: [number, number];
  /** Default 50. */
  heartbeatMs?: number;
}

export interface TcpCheckOptions {
  /** Receives the run's event trace (wall ms since the start, sentence). */
  trace?: (at: number, text: string) => void;
  /** Wall-clock budget of the linearizability search, ms; default 20,000. */
  linearizabilityTimeoutMs?: number;
}

/** What a TCP run did and found. */
export interface TcpCheckResult extends CheckOutcome {
  transport: 'tcp';
}

/** The cluster's events as the simulator's, for the shared trace sentences. */
function asSimEvent(e: ClusterEvent, at: number): SimEvent | null {
  if (e.type === 'raft') return { at, node: e.node, type: 'raft', event: e.event };
  if (e.type === 'crash') return { at, node: e.node, type: 'crash' };
  if (e.type === 'restart') return { at, node: e.node, type: 'restart', term: e.term, lastIndex: e.lastIndex };
  return null;
}

/** Runs one check on a real TCP cluster; always stops the cluster before it resolves. */
export async function runCheckTcp(settings: TcpCheckSettings, options: TcpCheckOptions = {}): Promise<TcpCheckResult> {
  const trace = options.trace;
  const electionTimeoutMs = settings.electionTimeoutMs ?? [150, 300];
  const livenessMs = settings.livenessMs ?? 10_000;
  const started = performance.now();
  const clock = (): number => Math.round((performance.now() - started) * 10) / 10;
  const cluster = await createCluster({
    nodes: settings.nodes,
    transport: 'tcp',
    seed: settings.seed,
    electionTimeoutMs,
    heartbeatMs: settings.heartbeatMs ?? 50,
    // §7: snapshots (and InstallSnapshot to nodes that were cut off) during the run, too.
    snapshotEvery: 50,
  });
  let elections = 0;
  const violations: Violation[] = [];
  const off = cluster.on('event', (e) => {
    if (e.type === 'raft' && e.event.kind === 'role' && e.event.role === 'leader') elections++;
    if (e.type === 'safety-violation') {
      const v: Violation = {
        invariant: e.invariant as InvariantName,
        message: e.message,
        at: e.at,
        evidence: e.evidence as Violation['evidence'],
      };
      violations.push(v);
      trace?.(clock(), `VIOLATION ${v.invariant}: ${v.message}`);
      return;
    }
    if (trace) {
      const sim = asSimEvent(e, clock());
      const line = sim && describeSimEvent(sim);
      if (line) trace(sim.at, line);
    }
  });
  // Thesis ch. 4: add-node and remove-node through the cluster's addNode / removeNode.
  const target = clusterTarget(cluster, clock, undefined, trace ? { note: (text) => trace(clock(), `membership: ${text}`) } : {});
  const kinds = settings.faults;
  const nemesis = new Nemesis(
    target,
    createRng(deriveSeed(settings.seed, 12)),
    { kinds, everyMs: [100, 600], lastsMs: [100, 1200], electionTimeoutMs },
    trace && ((n) => trace(n.at, `nemesis: ${n.text}`)),
  );
  const history = new HistoryRecorder(clock);
  try {
    trace?.(
      0,
      `seed ${settings.seed}: ${settings.nodes} nodes over loopback TCP, real clock, ${settings.timeMs} ms of faults: ${kinds.join(', ') || 'none'}`,
    );
    nemesis.start(settings.timeMs);
    const workload = runTcpWorkload(cluster, createRng(deriveSeed(settings.seed, 11)), history, clock, settings.timeMs, {}, trace);
    await sleep(settings.timeMs);
    nemesis.healAll();
    target.stop();
    await target.settled();
    const healedAt = clock();
    const live = await waitForLiveness(cluster, livenessMs);
    const liveness = { ok: live.ok, elapsedMs: Math.round(clock() - healedAt) };
    trace?.(
      clock(),
      live.ok
        ? `liveness: index ${live.index} committed on every node ${liveness.elapsedMs} ms after the heal`
        : `liveness: FAILED within ${liveness.elapsedMs} ms of the heal`,
    );
    const operations = await workload;
    const crashFailure = target.error();
    if (crashFailure) throw crashFailure;
    const safety = cluster.safety();
    const linearizability: LinearizabilityResult = checkLinearizability(history.history(), {
      timeoutMs: options.linearizabilityTimeoutMs ?? 20_000,
    });
    trace?.(
      clock(),
      linearizability.ok
        ? `linearizable: ${linearizability.operations} operations on ${linearizability.keys} keys`
        : `NOT LINEARIZABLE: ${linearizability.message}`,
    );
    if (safety.violations > 0 && violations.length === 0 && safety.first) {
      violations.push({
        invariant: safety.first.invariant as InvariantName,
        message: safety.first.message,
        at: clock(),
        evidence: { nodes: [] },
      });
    }
    return {
      transport: 'tcp',
      seed: settings.seed,
      simulatedMs: clock(),
      violations,
      checks: safety.checks,
      liveness,
      linearizability,
      operations,
      elections,
      faults: { ...nemesis.injected },
      membership: { ...target.changes!.stats },
      failure: firstFailure(violations, liveness, linearizability),
    };
  } finally {
    target.stop();
    target.changes?.dispose();
    off();
    await cluster.stop();
  }
}

/**
 * Submits a marker command until one commits, then waits until every node has it committed
 * (same index and term); gives up after `limitMs`.
 */
async function waitForLiveness(cluster: Cluster, limitMs: number): Promise<{ ok: boolean; index?: number }> {
  const deadline = performance.now() + limitMs;
  let attempt = 0;
  while (performance.now() < deadline) {
    const r = await cluster.submit(`SET liveness = ${++attempt}`, { timeoutMs: Math.max(1, Math.min(2000, deadline - performance.now())) });
    if (!r.ok) continue;
    const everywhere = (): boolean =>
      cluster
        .status()
        // Removed nodes are stopped for good (thesis §4.2.2): the cluster is the rest. A node
        // whose snapshot covers the index holds the committed entry there too (§7).
        .every(
          (n) =>
            n.removed ||
            (n.up &&
              n.commitIndex >= r.index &&
              (n.log[r.index - n.snapshotIndex - 1]?.term === r.term ||
                (r.index === n.snapshotIndex && n.snapshotTerm === r.term) ||
                r.index < n.snapshotIndex)),
        );
    while (performance.now() < deadline) {
      if (everywhere()) return { ok: true, index: r.index };
      await sleep(20);
    }
  }
  return { ok: false };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
