/**
 * The check's reader clients against a real cluster, as in the simulator's workload: each only
 * GETs, by ReadIndex (thesis §6.4), and only from a node that believes it leads; it stays with
 * the node that answered it until that node stops answering, as a real client keeps its
 * connection. When that node is a leader cut off in a minority, the reader keeps asking it while
 * the majority's new leader commits writes: the window in which a read path that skips
 * confirming leadership serves a stale value, which the linearizability check then catches.
 */
import type { HistoryRecorder } from '../check/linearizability-recorder.js';
import type { Cluster } from '../cluster/types.js';
import { formatKvOp } from '../kv/parse.js';
import type { KvResult } from '../kv/types.js';
import type { Rng } from '../raft/rng.js';
import type { NodeId } from '../raft/types.js';
import type { NodeRoles } from './node-roles.js';
import type { WorkloadStats } from './workload.js';
import { describeResult, type OpGenerator, outputOf } from './workload-ops.js';

/** What a reader needs, shared by every client of the run. */
export interface ReaderContext {
  cluster: Cluster;
  roles: NodeRoles;
  ops: OpGenerator;
  history: HistoryRecorder;
  clock: () => number;
  rng: Rng;
  stats: WorkloadStats;
  /** No operation starts at or after this time (the recorder's clock). */
  stopAt: number;
  thinkMs: [number, number];
  /** An operation without an answer by then is given up. */
  opTimeoutMs: number;
  /** How long one read on one node may take before the reader asks again. */
  attemptTimeoutMs: number;
  /** How long to wait before asking again when no node leads. */
  retryDelayMs: number;
  note?: ((at: number, text: string) => void) | undefined;
}

/** Runs reader `name` until `ctx.stopAt`; `start` spreads the readers' first guesses. */
export async function runReader(name: string, start: number, ctx: ReaderContext): Promise<void> {
  const { cluster, roles, history, clock, stats, note } = ctx;
  let guess: NodeId | undefined;
  let roundRobin = start;
  while (clock() < ctx.stopAt) {
    const op = ctx.ops.nextGet();
    const cmd = formatKvOp(op);
    stats.invoked++;
    const id = history.invoke(name, op);
    note?.(clock(), `${name} calls #${id} ${cmd}`);
    const deadline = clock() + ctx.opTimeoutMs;
    let attempt = 0;
    let redirects = 0;
    let answered = false;
    while (!answered && clock() < deadline) {
      const members = roles.members();
      const target = guess ?? members[roundRobin++ % members.length]!;
      if (!roles.leads(target)) {
        // A node that does not lead names the leader it knows of; here, the one of the highest term.
        const leader = cluster.leader();
        guess = leader !== target && redirects < members.length ? leader : undefined;
        redirects++;
        if (guess === undefined) {
          redirects = 0;
          await sleep(Math.min(ctx.retryDelayMs, deadline - clock()));
        }
        continue;
      }
      redirects = 0;
      attempt++;
      stats.attempts++;
      if (attempt > 1) stats.retries++;
      note?.(clock(), `${name} #${id} read by ReadIndex on n${target}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      const r = await cluster.submit(cmd, { to: target, timeoutMs: Math.max(1, Math.min(ctx.attemptTimeoutMs, deadline - clock())) });
      if (r.ok) {
        const result: KvResult = { value: r.value ?? null };
        const servedBy = `read by ReadIndex on n${target}`;
        history.complete(id, outputOf(result), servedBy);
        ctx.ops.learn(op, result);
        stats.ok++;
        answered = true;
        guess = target;
        note?.(clock(), `${name} #${id} returns ${describeResult(op, result)} (${servedBy})`);
      } else {
        guess = undefined;
        // Asked again at once after a timeout (it waited already), after a pause otherwise.
        if (r.error !== 'timeout') await sleep(Math.min(ctx.retryDelayMs, deadline - clock()));
      }
    }
    if (!answered) {
      // A GET changes nothing: one without an answer is left out of the history.
      history.fail(id, true);
      stats.failed++;
      note?.(clock(), `${name} #${id} gives up: no node that leads answered (${attempt} reads asked)`);
    }
    const think = ctx.rng.int(ctx.thinkMs[0], ctx.thinkMs[1]);
    if (think > 0) await sleep(think);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
