import { DEFAULT_SNAPSHOT_CHUNK_CHARS } from '../raft/index.js';
import type { Message } from '../raft/types.js';

/** "7-9", "7" or "" for the indexes of the entries an AppendEntries carries. */
function range(first: number, count: number): string {
  if (count === 0) return '';
  return count === 1 ? `${first}` : `${first}-${first + count - 1}`;
}

/**
 * One message in a line, for the in-flight view and the step narration:
 * "AppendEntries prev 6/t2 entries 7-9 commit 6", "RequestVote term 3 last 6/t2",
 * "RequestVoteResponse granted", "AppendEntriesResponse rejected at 6, hint 4/t2".
 */
export function summarizeMessage(m: Message): string {
  switch (m.type) {
    case 'RequestVote':
    case 'PreVote':
      return `${m.type} term ${m.term} last ${m.lastLogIndex}/t${m.lastLogTerm}`;
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return `${m.type} ${m.granted ? 'granted' : 'refused'} term ${m.term}`;
    case 'AppendEntries': {
      const n = m.entries.length;
      const what = n === 0 ? 'heartbeat' : `${n === 1 ? 'entry' : 'entries'} ${range(m.prevLogIndex + 1, n)}`;
      return `AppendEntries prev ${m.prevLogIndex}/t${m.prevLogTerm} ${what} commit ${m.leaderCommit}`;
    }
    case 'AppendEntriesResponse': {
      if (m.success) return `AppendEntriesResponse ok up to ${m.index}`;
      // A refusal with no hint is the answer to a leader of an older term (§5.1).
      if (m.conflictIndex === 0) return `AppendEntriesResponse rejected: stale term (now ${m.term})`;
      const hint = m.conflictTerm > 0 ? `${m.conflictIndex}/t${m.conflictTerm}` : `${m.conflictIndex}`;
      return `AppendEntriesResponse rejected at ${m.index}, hint ${hint}`;
    }
    case 'InstallSnapshot': {
      // §7: the snapshot goes in chunks of the core's size (the cluster keeps the default).
      const chunks = Math.max(1, Math.ceil(m.size / DEFAULT_SNAPSHOT_CHUNK_CHARS));
      const chunk = Math.min(chunks, Math.floor(m.offset / DEFAULT_SNAPSHOT_CHUNK_CHARS) + 1);
      return `InstallSnapshot ≤${m.lastIncludedIndex}/t${m.lastIncludedTerm} chunk ${chunk}/${chunks} (${m.offset + m.data.length} of ${m.size} chars)`;
    }
    case 'InstallSnapshotResponse':
      return `InstallSnapshotResponse ≤${m.lastIncludedIndex}/t${m.lastIncludedTerm} holds ${m.offset} chars`;
    case 'TimeoutNow':
      // Thesis §3.10: the leader tells the transfer target to campaign at once.
      return `TimeoutNow term ${m.term}`;
    case 'ReadIndex':
      // Thesis §6.4: a follower forwards a read to the leader.
      return `ReadIndex read #${m.readId}`;
    case 'ReadIndexResponse':
      return m.ok ? `ReadIndexResponse read #${m.readId} at ${m.index}` : `ReadIndexResponse read #${m.readId} refused`;
  }
}
