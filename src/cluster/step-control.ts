import type { NodeId, RaftCore } from '../raft/types.js';
import type { InFlightMessages } from './in-flight.js';
import { RealScheduler, type Scheduler, VirtualScheduler } from './scheduler.js';

/** How long (wall ms) a step waits for a message handed to real sockets to arrive. */
const ARRIVAL_WAIT_MS = 1000;

/** What one step needs from the cluster: its messages in flight, clock and nodes. */
export interface StepContext {
  queue: InFlightMessages;
  scheduler: Scheduler;
  /** Each node's core while up: stepping moves one clock for nodes in this process only. */
  nodes: ReadonlyMap<NodeId, { raft(): RaftCore | undefined }>;
  tickMs: number;
  /** Cluster time up to which the nodes have been ticked. */
  lastTickAt: number;
  /** One macrotask turn: lets Ready loops and promise continuations run. */
  settle: () => Promise<void>;
}

/**
 * One step while time stands still (paused, or the virtual clock between advances): deliver
 * message `which` (or the next due) and say what the receiver did; with nothing in flight and
 * no `which`, move time straight to the next timer that fires on a node (an election timeout or
 * a leader's heartbeat), in one go.
 */
export async function stepOnce(ctx: StepContext, which?: number): Promise<string> {
  const { queue } = ctx;
  const target = which === undefined ? queue.next() : queue.list().find((v) => v.id === which);
  if (!target) {
    if (which !== undefined) throw new Error(`no message #${which} is in flight${inFlightIds(queue)}`);
    return jumpToNextTimer(ctx);
  }
  const head = `#${target.id} n${target.from} → n${target.to} ${target.summary}`;
  const released = queue.release(target.id, true);
  if (!released) throw new Error(`no message #${target.id} is in flight${inFlightIds(queue)}`);
  if (released.lost) return `${head} was lost: ${released.lost}`;
  await runZeroDelayTimers(ctx);
  const outcome = released.arrival ? await withinWall(released.arrival, ARRIVAL_WAIT_MS) : undefined;
  await ctx.settle();
  return outcome ? `delivered ${head} — ${outcome}` : `delivered ${head} — not arrived yet (a delay or the network holds it)`;
}

function inFlightIds(queue: InFlightMessages): string {
  const ids = queue.list().map((v) => `#${v.id}`);
  if (ids.length === 0) return ': nothing is in flight';
  return `: in flight now ${ids.slice(0, 12).join(' ')}${ids.length > 12 ? ' …' : ''}`;
}

/** Hands over what the in-process network scheduled at zero delay (its delivery of the message). */
async function runZeroDelayTimers(ctx: StepContext): Promise<void> {
  const s = ctx.scheduler;
  if (s instanceof VirtualScheduler) await s.advance(0, ctx.settle);
  else if (s instanceof RealScheduler) s.runDueNow();
  await ctx.settle();
}

async function jumpToNextTimer(ctx: StepContext): Promise<string> {
  let best: { id: NodeId; ticks: number; leader: boolean } | undefined;
  for (const [id, node] of ctx.nodes) {
    const core = node.raft();
    if (!core) continue;
    const ticks = core.ticksUntilNextEvent();
    if (!best || ticks < best.ticks) best = { id, ticks, leader: core.status().role === 'leader' };
  }
  if (!best) return 'nothing to do: every node is down and nothing is in flight';
  const s = ctx.scheduler;
  const from = s.now();
  const at = Math.max(from, ctx.lastTickAt + best.ticks * ctx.tickMs);
  if (s instanceof VirtualScheduler) await s.advance(at - from, ctx.settle);
  else if (s instanceof RealScheduler) s.jumpTo(at);
  else return 'step cannot move this clock';
  await ctx.settle();
  const who = best.leader ? `n${best.id}'s heartbeat` : `n${best.id}'s election timeout`;
  const after = ctx.nodes.get(best.id)?.raft()?.status();
  const now = after ? ` (n${best.id} is ${after.role} in term ${after.term})` : '';
  const flying = ctx.queue.size;
  return `time moved ${Math.round(s.now() - from)} ms to ${who}${now}; ${flying} ${flying === 1 ? 'message' : 'messages'} in flight`;
}

function withinWall<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
