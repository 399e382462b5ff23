import type { Entry, Index, NodeId } from '../raft/types.js';
import type { EntryEvidence } from './observation.js';

/** Whether two log entries are the same entry: same term, type and command (index is implied). */
export function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.term === b.term && a.type === b.type && a.data === b.data;
}

/** An entry as evidence: whose log, which index, and what was there (null: nothing). */
export function entryEvidence(node: NodeId, index: Index, entry: Entry | undefined): EntryEvidence {
  return { node, index, entry: entry ? { term: entry.term, type: entry.type, data: entry.data } : null };
}

/** A short text form of an entry for messages: `3:SET x = 1` (term:command), or `none`. */
export function describeEntry(entry: Entry | undefined): string {
  if (entry === undefined) return 'none';
  return `${entry.term}:${entry.type === 'noop' ? '(noop)' : JSON.stringify(entry.data)}`;
}
