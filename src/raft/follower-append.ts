import type { RaftLog } from './raft-log.js';
import type { AppendEntries, Index, Term } from './types.js';

/** What a follower did with one AppendEntries: the answer's fields, and what changed. */
export type AppendOutcome =
  | { kind: 'reject'; conflictTerm: Term; conflictIndex: Index }
  | {
      kind: 'accept';
      /** The last index now known to match the leader's log. */
      lastNew: Index;
      /** The first index written, 0 when every entry was already present. */
      appendedFrom: Index;
      /** How many of our entries a conflict removed. */
      truncated: number;
    }
  /** A conflict at or below our commit index: impossible from a real leader (§5.4), ignored. */
  | { kind: 'ignore' };

/** The common outcome: a caller-owned object that {@link acceptAppend} refills. */
export type AcceptedAppend = Extract<AppendOutcome, { kind: 'accept' }>;

/**
 * The §5.3 AppendEntries receiver, for a message from the leader of our current term: the
 * consistency check, conflict truncation, appending, and advancing the commit index. An
 * accepted message is told in `accepted`, refilled (one per follower, not one per message).
 */
export function acceptAppend(log: RaftLog, m: AppendEntries, accepted: AcceptedAppend): AppendOutcome {
  if (m.prevLogIndex < log.snapshotIndex) {
    // §7: our snapshot holds committed entries only, and committed entries match the leader's
    // log (§5.4 Leader Completeness): skip the entries it covers and check from its end.
    const skip = log.snapshotIndex - m.prevLogIndex;
    if (skip >= m.entries.length) {
      // Nothing new: say our log matches up to the snapshot, so the leader moves past it.
      const commit = Math.min(m.leaderCommit, log.snapshotIndex);
      if (commit > log.commit) log.commit = commit;
      return accept(accepted, log.snapshotIndex, 0, 0);
    }
    const covered = m.entries[skip - 1]!;
    if (covered.term !== log.snapshotTerm) return { kind: 'ignore' }; // impossible from a real leader
    m = { ...m, prevLogIndex: log.snapshotIndex, prevLogTerm: log.snapshotTerm, entries: m.entries.slice(skip) };
  }
  if (!log.matchTerm(m.prevLogIndex, m.prevLogTerm)) {
    // §5.3 consistency check failed. The hint lets the leader skip a whole term per round
    // trip: the term we hold at prevLogIndex and where it starts (or where our log ends).
    const last = log.lastIndex();
    if (m.prevLogIndex > last) return { kind: 'reject', conflictTerm: 0, conflictIndex: last + 1 };
    const conflictTerm = log.term(m.prevLogIndex);
    return { kind: 'reject', conflictTerm, conflictIndex: log.firstIndexOfTerm(conflictTerm, m.prevLogIndex) };
  }
  const lastNew = m.prevLogIndex + m.entries.length;
  // §5.3: skip entries we already hold; truncate only from the first real conflict, so an
  // old or duplicated AppendEntries never cuts a longer log that matches.
  const conflict = log.findConflict(m.entries);
  let truncated = 0;
  if (conflict !== 0) {
    // §5.4 Leader Completeness: a committed entry never conflicts with the leader's log.
    if (conflict <= log.commit) return { kind: 'ignore' };
    truncated = log.overwrite(m.entries, conflict - m.prevLogIndex - 1);
  }
  // §5.3: commitIndex = min(leaderCommit, index of last new entry) — only entries this
  // message proved to match the leader's log may be marked committed.
  const commit = Math.min(m.leaderCommit, lastNew);
  if (commit > log.commit) log.commit = commit;
  return accept(accepted, lastNew, conflict, truncated);
}

function accept(into: AcceptedAppend, lastNew: Index, appendedFrom: Index, truncated: number): AcceptedAppend {
  into.lastNew = lastNew;
  into.appendedFrom = appendedFrom;
  into.truncated = truncated;
  return into;
}
