import type { ConfigChange, NodeId, ProposeResult, RaftCore, RaftStatus } from '../raft/types.js';
import type { ChangeWaiters } from './change-waiters.js';

/**
 * A node as a membership change reaches it: its core's status, and a change proposed on it. Only
 * nodes hosted in this process offer both (InlineNode); node processes cannot change membership yet.
 */
export interface MemberNode {
  raft(): RaftCore | undefined;
  proposeConfigChange(change: ConfigChange): ProposeResult;
}

/** What adding and removing nodes needs of the cluster. */
export interface MembershipContext {
  node(id: NodeId): MemberNode | undefined;
  leader(): NodeId | undefined;
  changes: ChangeWaiters;
  now(): number;
  /** How long a whole change may take (cluster ms) before it is given up. */
  timeoutMs: number;
  /** How long to wait between looks at the cluster while nothing else wakes us (cluster ms). */
  pollMs: number;
  /** A sentence for the event stream: what happens and why. */
  tell(node: NodeId, step: MembershipStep): void;
}

export type MembershipStep = 'joining' | 'learner' | 'caught-up' | 'voter' | 'removing' | 'removed';

/** The leader's status, when there is a leader. */
function leaderStatus(c: MembershipContext): RaftStatus | undefined {
  const id = c.leader();
  return id === undefined ? undefined : c.node(id)?.raft()?.status();
}

/** A configuration the leader holds committed (thesis §4.1: one change at a time, each committed). */
function committed(s: RaftStatus): boolean {
  return (s.configIndex ?? 0) <= s.commitIndex;
}

/**
 * Makes one single-server change (thesis §4.1) and returns once the leader holds it committed:
 * proposes it on whoever leads, and again after a leader change if it was lost, until `done`
 * holds of a committed configuration. Rejects when the change is impossible or time runs out.
 */
async function changeConfiguration(c: MembershipContext, change: ConfigChange, done: (s: RaftStatus) => boolean): Promise<void> {
  const deadline = c.now() + c.timeoutMs;
  let lastProblem = 'no leader';
  for (;;) {
    const s = leaderStatus(c);
    if (s && committed(s) && done(s)) return;
    if (c.now() >= deadline) throw new Error(`the configuration change did not commit in time (${lastProblem})`);
    if (s && committed(s)) {
      const r = c.node(s.id)!.proposeConfigChange(change);
      if (!r.ok) {
        if (r.reason === 'invalid-change') throw new Error(r.message ?? 'the change was refused');
        lastProblem = r.message ?? 'the leader refused it';
      } else {
        lastProblem = `its entry at index ${r.index} has not committed`;
      }
    }
    await c.changes.until(() => {
      const now = leaderStatus(c);
      return now !== undefined && committed(now) && done(now);
    }, c.pollMs);
  }
}

/**
 * Thesis §4.2.1: `id` (already started, with an empty log) joins as a learner, catches up with
 * the leader's log, and is then promoted to voter.
 */
export async function addMember(c: MembershipContext, id: NodeId): Promise<void> {
  c.tell(id, 'joining');
  await changeConfiguration(c, { type: 'add-learner', node: id }, (s) => s.learners.includes(id) || s.voters.includes(id));
  c.tell(id, 'learner');
  // Caught up: it holds everything the leader had committed when we looked (thesis §4.2.1
  // waits for rounds of replication to shrink; one round to the commit index is enough here).
  const target = leaderStatus(c)?.commitIndex ?? 0;
  const caughtUp = () => {
    const s = c.node(id)?.raft()?.status();
    return s !== undefined && s.lastIndex >= target && s.commitIndex >= target;
  };
  if (!(await c.changes.until(caughtUp, c.timeoutMs))) throw new Error(`node ${id} did not catch up with the leader's log in time`);
  c.tell(id, 'caught-up');
  await changeConfiguration(c, { type: 'promote', node: id }, (s) => s.voters.includes(id));
  c.tell(id, 'voter');
}

/** Thesis §4.2.2: takes `id` out of the configuration (a leader steps down once that commits). */
export async function removeMember(c: MembershipContext, id: NodeId): Promise<void> {
  c.tell(id, 'removing');
  await changeConfiguration(c, { type: 'remove', node: id }, (s) => !s.voters.includes(id) && !s.learners.includes(id));
  c.tell(id, 'removed');
}
