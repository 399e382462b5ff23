/**
 * Readable lines for the event trace of one check run (`raft-tui check --seed S --trace`):
 * roles, votes, commits, truncations, crashes, restarts and violations, one sentence each.
 */
import type { RaftEvent } from '../raft/types.js';
import type { SimEvent } from './types.js';

function list(ids: readonly number[] | undefined): string {
  return ids?.length ? ids.map((id) => `n${id}`).join(', ') : 'nobody';
}

function describeRaft(node: number, e: RaftEvent): string | null {
  switch (e.kind) {
    case 'role': {
      const why: Record<typeof e.reason, string> = {
        'election-timeout': `heard from no leader for ${e.ticks ?? '?'} ticks`,
        'prevote-won': `won the pre-vote (${list(e.votes)})`,
        'won-election': `won the election with votes from ${list(e.votes)}`,
        'higher-term': `saw term ${e.term}${e.from !== undefined ? ` from n${e.from}` : ''}`,
        'lost-quorum': 'lost touch with a majority (check-quorum)',
        'leader-found': e.from !== undefined ? `heard from leader n${e.from}` : 'heard from a leader',
        'lost-election': 'lost the election',
        restart: 'restarted',
        removed: 'was removed from the configuration, which is now committed (§4.2.2)',
        transfer: `was handed leadership by n${e.from ?? '?'} (TimeoutNow, thesis §3.10)`,
        'timeout-now': 'its election timer was made to fire',
      };
      return `n${node} becomes ${e.role} in term ${e.term}: ${why[e.reason]}`;
    }
    case 'vote': {
      const what = e.preVote ? 'pre-vote' : 'vote';
      if (e.granted) return `n${node} grants its ${what} to n${e.candidate} for term ${e.term}`;
      let why: string = e.reason;
      if (e.reason === 'log-behind' && e.candidateLast && e.ourLast) {
        why = `its log (last ${e.candidateLast.index}@${e.candidateLast.term}) is behind ours (${e.ourLast.index}@${e.ourLast.term})`;
      } else if (e.reason === 'already-voted') {
        why = `already voted for n${e.votedFor ?? '?'}`;
      }
      return `n${node} refuses its ${what} to n${e.candidate} for term ${e.term}: ${why}`;
    }
    case 'commit':
      return `n${node} commits up to index ${e.index} (term ${e.term}), counted on ${list(e.quorum)}`;
    case 'truncate':
      return `n${node} drops ${e.count} conflicting entr${e.count === 1 ? 'y' : 'ies'} from index ${e.from} (§5.3)`;
    case 'append':
    case 'append-rejected':
      return null;
    case 'snapshot-taken':
      return `n${node} snapshots its state up to index ${e.index} (term ${e.term}) and drops ${e.compacted} entries (§7)`;
    case 'snapshot-send':
      return `n${node} sends its snapshot up to ${e.index} (term ${e.term}) to n${e.to}: its next entry was compacted away (§7)`;
    case 'snapshot-received':
      return e.installed
        ? `n${node} installs the snapshot up to ${e.index} (term ${e.term}) from n${e.leader}, keeping ${e.kept} entries after it (§7)`
        : `n${node} ignores a snapshot up to ${e.index} from n${e.leader}: its commit index is already past it`;
    case 'transfer':
      return `n${node} ${transferWords(e.phase)} n${e.to} in term ${e.term} (§3.10)`;
  }
}

function transferWords(phase: Extract<RaftEvent, { kind: 'transfer' }>['phase']): string {
  if (phase === 'started') return 'starts handing leadership to';
  if (phase === 'timeout-now') return 'sends TimeoutNow to';
  return 'abandons its leadership transfer to';
}

/** One simulator event as a sentence, or null for events too frequent to be worth a line. */
export function describeSimEvent(e: SimEvent): string | null {
  switch (e.type) {
    case 'raft':
      return describeRaft(e.node, e.event);
    case 'crash':
      return `n${e.node} crashes (keeps term, vote and log)`;
    case 'restart':
      return `n${e.node} restarts from storage: term ${e.term}, ${e.lastIndex} entries`;
    case 'join':
      return `n${e.node} starts with an empty log, in no configuration yet (thesis §4.2.1)`;
    case 'retire':
      return `n${e.node} stops for good: it was removed from the configuration (thesis §4.2.2)`;
    case 'violation':
      return `VIOLATION ${e.violation.invariant}: ${e.violation.message}`;
  }
}
