import type { Message, NodeId, Term } from './types.js';

const isNat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isOptionalNat = (v: unknown): boolean => v === undefined || isNat(v);

/**
 * Whether `m` is a well-formed message from one of our peers to us. The core drops anything
 * else without a trace, so a garbled or misrouted message can never make `step` throw or
 * corrupt state. Entries must be consecutive after prevLogIndex, with terms that never
 * decrease and never exceed the sender's term (a leader only holds entries of its term or
 * earlier, §5.3).
 */
export function isValidMessage(m: unknown, self: NodeId, peers: ReadonlySet<unknown>): m is Message {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  if (x.to !== self || x.from === self || !peers.has(x.from) || !isNat(x.term)) return false;
  switch (x.type) {
    case 'RequestVote':
      return (
        isNat(x.lastLogIndex) &&
        isNat(x.lastLogTerm) &&
        x.lastLogTerm <= x.term &&
        (x.transfer === undefined || typeof x.transfer === 'boolean')
      );
    case 'PreVote':
      return isNat(x.lastLogIndex) && isNat(x.lastLogTerm) && x.lastLogTerm <= x.term;
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return typeof x.granted === 'boolean';
    case 'AppendEntries':
      return (
        isNat(x.prevLogIndex) &&
        isNat(x.prevLogTerm) &&
        isNat(x.leaderCommit) &&
        x.prevLogTerm <= x.term &&
        (x.prevLogIndex !== 0 || x.prevLogTerm === 0) &&
        isOptionalNat(x.readRound) &&
        areValidEntries(x.entries, x.prevLogIndex, x.prevLogTerm, x.term)
      );
    case 'AppendEntriesResponse':
      return (
        typeof x.success === 'boolean' && isNat(x.index) && isNat(x.conflictTerm) && isNat(x.conflictIndex) && isOptionalNat(x.readRound)
      );
    case 'InstallSnapshot':
      // §7: a snapshot covers at least one entry, of a term no newer than its sender's; each
      // chunk lies inside the snapshot, and `done` marks exactly the one that ends it.
      return (
        isNat(x.lastIncludedIndex) &&
        x.lastIncludedIndex >= 1 &&
        isNat(x.lastIncludedTerm) &&
        x.lastIncludedTerm >= 1 &&
        x.lastIncludedTerm <= x.term &&
        isNodeList(x.voters) &&
        isNodeList(x.learners) &&
        isNat(x.offset) &&
        isNat(x.size) &&
        typeof x.data === 'string' &&
        x.offset + x.data.length <= x.size &&
        x.done === (x.offset + x.data.length === x.size)
      );
    case 'InstallSnapshotResponse':
      return isNat(x.lastIncludedIndex) && isNat(x.lastIncludedTerm) && isNat(x.offset);
    case 'TimeoutNow':
      return true;
    case 'ReadIndex':
      return isNat(x.readId);
    case 'ReadIndexResponse':
      return isNat(x.readId) && typeof x.ok === 'boolean' && isNat(x.index);
    default:
      return false;
  }
}

function areValidEntries(v: unknown, prevIndex: number, prevTerm: Term, term: Term): boolean {
  if (!Array.isArray(v)) return false;
  let last = prevTerm;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (typeof e !== 'object' || e === null) return false;
    const x = e as Record<string, unknown>;
    if (x.index !== prevIndex + 1 + i) return false;
    if (!isNat(x.term) || x.term < 1 || x.term < last || x.term > term) return false;
    if ((x.type !== 'normal' && x.type !== 'noop') || typeof x.data !== 'string') return false;
    last = x.term;
  }
  return true;
}

function isNodeList(v: unknown): boolean {
  return Array.isArray(v) && v.every((id) => isNat(id) && id >= 1);
}
