import { majority } from '../raft/quorum.js';
import type { Message, NodeId, RaftEvent, RaftStatus } from '../raft/types.js';

type VoteEvent = Extract<RaftEvent, { kind: 'vote' }>;
type RoleEvent = Extract<RaftEvent, { kind: 'role' }>;
type AppendRejected = Extract<RaftEvent, { kind: 'append-rejected' }>;

/** What a receiver did with one delivered message, in words. */
export interface DeliveryOutcome {
  /** e.g. "n2 refused the vote: already voted for n4 in term 3". */
  outcome: string;
  /** Nothing changed that a person would miss: a heartbeat that matched, its answer. */
  routine: boolean;
}

const name = (id: NodeId): string => `n${id}`;
const names = (ids: readonly NodeId[]): string =>
  ids.length === 0
    ? 'nobody'
    : [...ids]
        .sort((a, b) => a - b)
        .map(name)
        .join(' ');

/** "n3 rejected AppendEntries: no entry at 6; hint 4" (§5.3's consistency check and back-up hint). */
export function describeAppendRejected(node: string, ev: AppendRejected): string {
  if (ev.reason === 'stale-term')
    return `${node} rejected AppendEntries from ${name(ev.leader)}: its term ${ev.term} is out of date (§5.1)`;
  const why =
    ev.conflictTerm === 0
      ? `no entry at ${ev.prevIndex} (its log ends at ${ev.lastIndex})`
      : `entry ${ev.prevIndex} has term ${ev.conflictTerm}, not ${ev.prevTerm}`;
  return `${node} rejected AppendEntries: ${why}; hint ${ev.conflictIndex}`;
}

/** "n2 refused the vote: already voted for n4 in term 3" (§5.2, §5.4.1, thesis §9.6). */
export function describeVoteAnswer(node: string, ev: VoteEvent, leader: NodeId | null): string {
  const what = ev.preVote ? 'pre-vote' : 'vote';
  if (ev.granted) return `${node} granted its ${what} to ${name(ev.candidate)} for term ${ev.term}`;
  switch (ev.reason) {
    case 'already-voted':
      return `${node} refused the ${what}: already voted for ${ev.votedFor != null ? name(ev.votedFor) : 'another node'} in term ${ev.term}`;
    case 'log-behind': {
      const theirs = ev.candidateLast ? `${ev.candidateLast.index}/t${ev.candidateLast.term}` : '?';
      const ours = ev.ourLast ? `${ev.ourLast.index}/t${ev.ourLast.term}` : '?';
      return `${node} refused the ${what}: ${name(ev.candidate)}'s log (last ${theirs}) is behind its own (${ours})`;
    }
    case 'stale-term':
      return `${node} refused the ${what}: term ${ev.term} is out of date`;
    case 'leader-active':
      // Thesis §4.2.3: a node that hears from a leader ignores elections for a while.
      return `${node} refused the ${what}: it heard from ${leader !== null ? `leader ${name(leader)}` : 'a leader'} within an election timeout`;
    case 'granted':
      return `${node} refused the ${what}`;
  }
}

function describeRoleChange(node: string, ev: RoleEvent): string | undefined {
  switch (ev.reason) {
    case 'won-election':
      return `${node} won the election for term ${ev.term} (votes ${names(ev.votes ?? [])}): now leader`;
    case 'prevote-won':
      return `${node} won the pre-vote (${names(ev.votes ?? [])}): now candidate for term ${ev.term}`;
    case 'lost-election':
      return `${node} lost the election: back to follower in term ${ev.term}`;
    case 'higher-term':
      return `${node} saw term ${ev.term}: now follower`;
    case 'leader-found':
      return `${node} follows ${ev.from !== undefined ? name(ev.from) : 'the leader'} in term ${ev.term}`;
    case 'lost-quorum':
      return `${node} stepped down: no majority heard from`;
    default:
      return undefined;
  }
}

/**
 * What the receiver of one delivered message did and why, from the events that step caused and
 * its state before and after. `voters` is the cluster's size, for "votes 2/3".
 */
export function narrateDelivery(
  m: Message,
  events: readonly RaftEvent[],
  before: RaftStatus,
  after: RaftStatus,
  voters: number,
): DeliveryOutcome {
  const node = name(m.to);
  const parts: string[] = [];
  let routine = true;
  for (const ev of events) {
    switch (ev.kind) {
      case 'role': {
        const text = describeRoleChange(node, ev);
        if (text) parts.push(text);
        routine = false;
        break;
      }
      case 'vote':
        parts.push(describeVoteAnswer(node, ev, after.leader));
        routine = false;
        break;
      case 'append-rejected':
        parts.push(describeAppendRejected(node, ev));
        routine = false;
        break;
      case 'truncate':
        parts.push(`${node} removed ${ev.count} conflicting ${ev.count === 1 ? 'entry' : 'entries'} from ${ev.from}`);
        routine = false;
        break;
      case 'append':
        parts.push(`${node} appended ${ev.from === ev.to ? `entry ${ev.from}` : `entries ${ev.from}-${ev.to}`}`);
        routine = false;
        break;
      case 'commit':
        parts.push(`${node} committed up to ${ev.index} (quorum ${names(ev.quorum)})`);
        routine = false;
        break;
      case 'snapshot-received':
        // §7: a follower too far behind is brought up to date by the leader's snapshot.
        parts.push(ev.installed ? `${node} installed the snapshot ≤ ${ev.index}` : `${node} ignored the snapshot: it has more committed`);
        routine = false;
        break;
    }
  }
  switch (m.type) {
    case 'AppendEntries':
      if (parts.length === 0 || events.every((e) => e.kind !== 'append-rejected')) {
        if (after.term === m.term && after.role === 'follower') {
          if (!events.some((e) => e.kind === 'append'))
            parts.push(`${node} accepted: its log matches up to ${m.prevLogIndex + m.entries.length}`);
          if (after.commitIndex > before.commitIndex) {
            parts.push(`commit ${before.commitIndex} → ${after.commitIndex}`);
            routine = false;
          }
        }
      }
      break;
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      if (after.votes && (after.role === 'candidate' || after.role === 'precandidate')) {
        const { granted, refused } = after.votes;
        const need = majority(voters);
        const refusedText = refused.length > 0 ? ` · refused by ${names(refused)}` : '';
        parts.push(
          `${node} has ${after.role === 'precandidate' ? 'pre-votes' : 'votes'} ${granted.length}/${need}: ${names(granted)}${refusedText}`,
        );
        routine = false;
      } else if (parts.length === 0) {
        parts.push(`${node} ignored it: no longer asking for votes`);
      }
      break;
    case 'AppendEntriesResponse': {
      const pr = after.progress?.[m.from];
      const was = before.progress?.[m.from];
      if (after.role === 'leader' && pr) {
        if (m.success) {
          if (!was || was.match !== pr.match || was.state !== pr.state) routine = false;
          parts.unshift(`${node} records ${name(m.from)} at match ${pr.match}, next ${pr.next} (${pr.state ?? 'probe'})`);
        } else {
          parts.unshift(`${node} moves ${name(m.from)}'s next index back to ${pr.next} (${pr.state ?? 'probe'})`);
          routine = false;
        }
      } else if (parts.length === 0) {
        parts.push(`${node} ignored it: no longer leader`);
      }
      break;
    }
    default:
      break;
  }
  if (parts.length === 0) parts.push(`${node} ignored it`);
  return { outcome: parts.join('; '), routine };
}
