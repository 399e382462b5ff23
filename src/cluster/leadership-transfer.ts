import type { NodeId, RaftCore, Term } from '../raft/types.js';
import type { ChangeWaiters } from './change-waiters.js';

/**
 * A node as a transfer reaches it: NodeHosting's `up` and `transferLeadership`, and its core's
 * status, which only nodes hosted in this process offer (InlineNode).
 */
export interface TransferNode {
  readonly up: boolean;
  raft(): RaftCore | undefined;
  transferLeadership(to: NodeId): Promise<{ ok: true } | { ok: false; message: string }>;
}

/** What a leadership transfer needs of the cluster. */
export interface TransferContext {
  node(id: NodeId): TransferNode | undefined;
  leader(): NodeId | undefined;
  changes: ChangeWaiters;
  /** How long to wait for the target to take over: past this the leader has abandoned it. */
  timeoutMs: number;
  /** "unknown node 7: this cluster has nodes 1-5". */
  unknownNode(id: NodeId): string;
  /** Whether `id` was removed from the cluster (thesis §4.2.2). */
  isRemoved(id: NodeId): boolean;
}

export type TransferOutcome = { ok: true; leader: NodeId } | { ok: false; message: string };

/**
 * Thesis §3.10: hands leadership from the current leader to `to` and resolves once `to` leads
 * (or with the reason it will not). A target that is down or not a voter is refused at once.
 */
export async function transferLeadership(c: TransferContext, to: NodeId): Promise<TransferOutcome> {
  const target = c.node(to);
  if (!target) return { ok: false, message: c.unknownNode(to) };
  if (c.isRemoved(to)) return { ok: false, message: `node ${to} was removed from the cluster: leadership can only go to a voter` };
  if (!target.up) return { ok: false, message: `node ${to} is down: leadership can only go to a running voter (restart ${to} first)` };
  const from = c.leader();
  if (from === undefined) return { ok: false, message: 'there is no leader to hand over from right now: wait for one and try again' };
  if (from === to) return { ok: true, leader: to };
  const leaderHost = c.node(from)!;
  const term = leaderHost.raft()!.status().term;
  const started = await leaderHost.transferLeadership(to);
  if (!started.ok) return started;
  const leads = (id: NodeId, after: Term) => {
    const s = c.node(id)?.raft()?.status();
    return s !== undefined && s.role === 'leader' && s.term > after;
  };
  const abandoned = () => {
    const s = leaderHost.raft()?.status();
    return s !== undefined && s.role === 'leader' && s.term === term && s.transferee == null;
  };
  await c.changes.until(() => leads(to, term) || abandoned(), c.timeoutMs);
  if (leads(to, term)) return { ok: true, leader: to };
  return {
    ok: false,
    message: `node ${to} did not take over within an election timeout: the transfer was abandoned${abandoned() ? ` and node ${from} leads on` : ''}`,
  };
}
