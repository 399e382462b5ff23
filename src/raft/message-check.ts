import type { Message, NodeId, Term } from './types.js';

const isNat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isOptionalNat = (v: unknown): boolean => v === undefined || isNat(v);

/**
 * The highest term a node ever holds: 2^53 − 1 − 2^20. A message with a higher term is refused
 * (here, and on the wire with a reason), and a node at this term does not campaign.
 *
 * Why a ceiling: terms are JavaScript numbers, exact up to 2^53 − 1 (Number.MAX_SAFE_INTEGER).
 * A node pushed to that term by one forged message could never campaign again (term + 1 is not
 * an exact integer any more), and the term is durable (§5.1, Figure 2), so a restart keeps it:
 * a cluster could be left without a leader for good. Why this value: a term only grows by one
 * per election, and even at 1,000 elections a second a cluster takes 285,000 years to get
 * here, so only a forged or corrupt message carries a higher term. The 2^20 terms kept above
 * it leave every term a node holds, and every term + 1 it computes, far inside exact integers.
 */
export const MAX_TERM: Term = Number.MAX_SAFE_INTEGER - 2 ** 20;

/** Whether a node at `term` may start an election for term + 1 without passing MAX_TERM. */
export function canCampaignFrom(term: Term): boolean {
  return term < MAX_TERM;
}

/**
 * Whether `m` is a well-formed message from another node to us. The sender need not be in our
 * configuration: thesis §4.1, servers process incoming RPCs without consulting their current
 * configurations (a new server must accept a leader it has not yet heard of). The core drops anything
 * else without a trace, so a garbled or misrouted message can never make `step` throw or
 * corrupt state. Entries must be consecutive after prevLogIndex, with terms that never
 * decrease and never exceed the sender's term (a leader only holds entries of its term or
 * earlier, §5.3). A term above MAX_TERM is refused.
 */
export function isValidMessage(m: unknown, self: NodeId): m is Message {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  if (x.to !== self || x.from === self || !isNat(x.from) || x.from < 1 || !isNat(x.term) || x.term > MAX_TERM) return false;
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
    if ((x.type !== 'normal' && x.type !== 'noop' && x.type !== 'config') || typeof x.data !== 'string') return false;
    last = x.term;
  }
  return true;
}

function isNodeList(v: unknown): boolean {
  return Array.isArray(v) && v.every((id) => isNat(id) && id >= 1);
}
