import type { ConfigChange, Index, NodeId, ProposeResult } from '../raft/types.js';
import type { ChangeWaiters } from './change-waiters.js';

/** What a membership change reads of a node: its log's progress and the configuration it holds. */
export interface MemberStatus {
  id: NodeId;
  lastIndex: Index;
  commitIndex: Index;
  voters: readonly NodeId[];
  learners: readonly NodeId[];
  /** The index of the configuration it holds (0 or absent: the one it started from). */
  configIndex?: Index;
}

/** What adding and removing nodes needs of the cluster, however its nodes are hosted. */
export interface MembershipContext {
  /** A node's status while it is up (for a node in another process: as it last said). */
  status(id: NodeId): MemberStatus | undefined;
  /** Asks node `id` (the leader) to append a configuration change (thesis §4.1). */
  propose(id: NodeId, change: ConfigChange): ProposeResult | Promise<ProposeResult>;
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
function leaderStatus(c: MembershipContext): MemberStatus | undefined {
  const id = c.leader();
  return id === undefined ? undefined : c.status(id);
}

/** A configuration the leader holds committed (thesis §4.1: one change at a time, each committed). */
function committed(s: MemberStatus): boolean {
  return (s.configIndex ?? 0) <= s.commitIndex;
}

/**
 * Makes one single-server change (thesis §4.1) and returns once the leader holds it committed:
 * proposes it on whoever leads, and again after a leader change if it was lost, until `done`
 * holds of a committed configuration. Rejects when the change is impossible or time runs out.
 */
async function changeConfiguration(c: MembershipContext, change: ConfigChange, done: (s: MemberStatus) => boolean): Promise<void> {
  const deadline = c.now() + c.timeoutMs;
  let lastProblem = 'no leader';
  for (;;) {
    const s = leaderStatus(c);
    if (s && committed(s) && done(s)) return;
    if (c.now() >= deadline) throw new Error(`the configuration change did not commit in time (${lastProblem})`);
    if (s && committed(s)) {
      const r = await c.propose(s.id, change);
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
    const s = c.status(id);
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
