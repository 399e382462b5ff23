/**
 * The check's clients against a real cluster: each runs one operation at a time through
 * `cluster.submit`, which finds the leader among the nodes in the cluster now and retries with
 * one session (thesis §6.3), and records call and return in wall-clock ms for the
 * linearizability checker. Reader clients only GET, by ReadIndex from the node they believe
 * leads (workload-tcp-reader.ts).
 */
import type { HistoryRecorder } from '../check/linearizability-recorder.js';
import type { Cluster } from '../cluster/types.js';
import { formatKvOp } from '../kv/parse.js';
import type { KvResult } from '../kv/types.js';
import type { Rng } from '../raft/rng.js';
import { NodeRoles } from './node-roles.js';
import type { WorkloadStats } from './workload.js';
import { describeResult, OpGenerator, outputOf } from './workload-ops.js';
import { runReader } from './workload-tcp-reader.js';

export interface TcpWorkloadOptions {
  /** Default 5. */
  clients?: number;
  /** Further clients (r1, r2, …) that only GET, by ReadIndex, from the node they believe leads; default 2. */
  readers?: number;
  /** Default 3. */
  keys?: number;
  /** Pause between one client's operations, uniform in [min, max] ms; default [0, 50]. */
  thinkMs?: [number, number];
  /** submit's timeout: without an answer by then the operation is indeterminate. Default 3000. */
  opTimeoutMs?: number;
  /** A reader's read on one node without an answer by then is asked again; default 1000. */
  attemptTimeoutMs?: number;
  /** How long a reader waits before asking again when no node leads; default 50. */
  retryDelayMs?: number;
}

/** Runs clients until `stopAt` (the recorder's clock); resolves when every client has stopped. */
export async function runTcpWorkload(
  cluster: Cluster,
  rng: Rng,
  history: HistoryRecorder,
  clock: () => number,
  stopAt: number,
  options: TcpWorkloadOptions = {},
  note?: (at: number, text: string) => void,
): Promise<WorkloadStats> {
  const stats: WorkloadStats = { invoked: 0, ok: 0, failed: 0, indeterminate: 0, attempts: 0, retries: 0 };
  const ops = new OpGenerator(rng, options.keys ?? 3);
  const [thinkMin, thinkMax] = options.thinkMs ?? [0, 50];
  const timeoutMs = options.opTimeoutMs ?? 3000;

  const client = async (name: string): Promise<void> => {
    while (clock() < stopAt) {
      const op = ops.next();
      const cmd = formatKvOp(op);
      stats.invoked++;
      const id = history.invoke(name, op);
      note?.(clock(), `${name} calls #${id} ${cmd}`);
      const r = await cluster.submit(cmd, { timeoutMs });
      if (r.ok) {
        const result: KvResult = {};
        if (r.value !== undefined) result.value = r.value;
        if (r.swapped !== undefined) result.swapped = r.swapped;
        history.complete(id, outputOf(result));
        ops.learn(op, result);
        stats.ok++;
        stats.attempts++;
        note?.(clock(), `${name} #${id} returns ${describeResult(op, result)} (index ${r.index}, term ${r.term})`);
      } else if (r.error === 'invalid') {
        // Refused by the parser or the state machine: nothing changed.
        history.fail(id, true);
        stats.failed++;
        note?.(clock(), `${name} #${id} refused: ${r.message}`);
      } else {
        // submit may have proposed it before giving up (its retries share one sequence
        // number): it may or may not have happened.
        history.fail(id, false);
        stats.indeterminate++;
        note?.(clock(), `${name} #${id} gives up: ${r.error} (indeterminate)`);
      }
      const think = rng.int(thinkMin, thinkMax);
      if (think > 0) await new Promise((resolve) => setTimeout(resolve, think));
    }
  };
  const clients = options.clients ?? 5;
  const names = Array.from({ length: clients }, (_, i) => `c${i + 1}`);
  const roles = new NodeRoles(cluster);
  const reader = {
    cluster,
    roles,
    ops,
    history,
    clock,
    rng,
    stats,
    stopAt,
    thinkMs: [thinkMin, thinkMax] as [number, number],
    opTimeoutMs: timeoutMs,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 1000,
    retryDelayMs: options.retryDelayMs ?? 50,
    note,
  };
  const readers = Array.from({ length: options.readers ?? 2 }, (_, i) => runReader(`r${i + 1}`, clients + i, reader));
  try {
    await Promise.all([...names.map(client), ...readers]);
  } finally {
    roles.dispose();
  }
  return stats;
}
