import type { Index, NodeId, RaftEvent, Term } from './types.js';

export type VoteReason = Extract<RaftEvent, { kind: 'vote' }>['reason'];

/** What a voter knows when a RequestVote or PreVote of a current or later term arrives. */
export interface VoteQuestion {
  preVote: boolean;
  candidate: NodeId;
  /** The term asked for. */
  term: Term;
  candidateLastIndex: Index;
  candidateLastTerm: Term;
  ourTerm: Term;
  votedFor: NodeId | null;
  /** The leader we know of in our term, if any. */
  leader: NodeId | null;
  /** §5.4.1 comparison of the candidate's last (term, index) with ours. */
  isUpToDate: (lastIndex: Index, lastTerm: Term) => boolean;
  skipElectionRestriction: boolean;
}

/** Whether to grant a vote or pre-vote, and why (§5.2, §5.4.1, thesis §9.6). */
export function decideVote(q: VoteQuestion): VoteReason {
  // §5.2: one vote per term, first come first served; asking again gets the same answer.
  // A node that knows this term's leader has no vote to give: the term already has a leader.
  // A pre-vote for a later term commits us to nothing, so an earlier vote does not matter.
  const canVote = q.votedFor === q.candidate || (q.votedFor === null && q.leader === null) || (q.preVote && q.term > q.ourTerm);
  if (!canVote) return q.votedFor !== null ? 'already-voted' : 'leader-active';
  // §5.4.1 election restriction: only a candidate whose log is at least as up to date as ours.
  if (!q.skipElectionRestriction && !q.isUpToDate(q.candidateLastIndex, q.candidateLastTerm)) return 'log-behind';
  return 'granted';
}
