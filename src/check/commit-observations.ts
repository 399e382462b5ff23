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

/**
 * The commits a Ready's events announced, written over `into`: the commit events themselves,
 * which carry every field of a {@link CommitObservation}. Undefined when none (then `into` is
 * left as it was). For a caller that observes every Ready and keeps nothing: `into` is
 * overwritten in place, never emptied (`length = 0` would drop its storage, so the next push
 * would allocate again).
 */
export function commitsInto(events: readonly RaftEvent[], into: CommitObservation[]): CommitObservation[] | undefined {
  let n = 0;
  for (const e of events) {
    if (e.kind !== 'commit' || !e.voters) continue;
    if (n < into.length) into[n] = e as CommitObservation;
    else into.push(e as CommitObservation);
    n++;
  }
  if (n === 0) return undefined;
  if (into.length > n) into.length = n;
  return into;
}
