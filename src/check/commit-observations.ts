import type { Index, NodeId, RaftEvent } from '../raft/types.js';

/** One commit as the safety checker sees it: who counted, among which voters (thesis §4.2.1). */
export interface CommitObservation {
  index: Index;
  quorum: NodeId[];
  voters: NodeId[];
}

/** The commits a Ready's events announced; undefined when none (the common case, no allocation). */
export function commitsOf(events: readonly RaftEvent[]): CommitObservation[] | undefined {
  let out: CommitObservation[] | undefined;
  for (const e of events) {
    if (e.kind !== 'commit' || !e.voters) continue;
    out ??= [];
    out.push({ index: e.index, quorum: e.quorum, voters: e.voters });
  }
  return out;
}
