import { formatValue } from '../kv/parse.js';
import type { KvOp } from '../kv/types.js';
import type { ClusterSnapshot, SubmitResult } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import type { CommandOutcome } from './types.js';

/** The sentence when no node leads: a moment of patience usually fixes it. */
export const NO_LEADER = 'no leader right now — try again in a moment';

/** A value as the result line shows it: as typed, quoted only when needed. */
function shown(value: string): string {
  return formatValue(value);
}

/** What a failure adds when the command was proposed: it is not lost, only unanswered. */
export const MAY_STILL_COMMIT = 'it was proposed and may still commit (GET or look at the log to see)';

/** The result line of a key-value command: `SET x = 1 → committed at index 7 (term 3)`. */
export function describeSubmit(op: KvOp, text: string, r: SubmitResult): CommandOutcome {
  if (!r.ok) {
    // indeterminate: proposed, so it may yet commit — never report it as simply failed.
    const maybe = r.indeterminate === true;
    switch (r.error) {
      case 'no_leader':
        return {
          ok: false,
          message: maybe ? `${text} → the leader was lost before it answered: ${MAY_STILL_COMMIT}` : `${text} → ${NO_LEADER}`,
        };
      case 'timeout':
        return {
          ok: false,
          message: maybe
            ? `${text} → no answer in time: ${MAY_STILL_COMMIT} (${r.message})`
            : `${text} → no answer in time, not applied (${r.message})`,
        };
      case 'not_leader':
        return { ok: false, message: `${text} → refused: ${r.message}${maybe ? `; ${MAY_STILL_COMMIT}` : ''}` };
      default:
        return { ok: false, message: `${text} → ${r.message}${maybe ? `: ${MAY_STILL_COMMIT}` : ''}` };
    }
  }
  const at = `index ${r.index}`;
  switch (op.type) {
    case 'set':
      return { ok: true, message: `${text} → committed at ${at} (term ${r.term})` };
    case 'get':
      return { ok: true, message: `${text} → ${r.value == null ? 'not set' : shown(r.value)} (${at})` };
    case 'del':
      return {
        ok: true,
        message: r.value == null ? `${text} → ${op.key} was not set (${at})` : `${text} → deleted (was ${shown(r.value)}) at ${at}`,
      };
    case 'cas': {
      if (r.swapped) return { ok: true, message: `${text} → swapped at ${at} (term ${r.term})` };
      const now = r.value == null ? `${op.key} is not set` : `${op.key} is ${shown(r.value)}`;
      return { ok: true, message: `${text} → not swapped: ${now} (${at})` };
    }
  }
}

/** `{1,2} | {3,4,5}`. */
export function describeGroups(groups: readonly (readonly NodeId[])[]): string {
  return groups.map((g) => `{${[...g].sort((a, b) => a - b).join(',')}}`).join(' | ');
}

/** Which side of a partition can still elect a leader and commit (§5.2: a majority of all nodes). */
export function majorityNote(groups: readonly (readonly NodeId[])[], total: number): string {
  const majority = Math.floor(total / 2) + 1;
  const winner = groups.find((g) => g.length >= majority);
  if (!winner) return `no group holds a majority (${majority} of ${total}): nothing can commit until heal`;
  return `only ${describeGroups([winner])} holds a majority (${winner.length} of ${total})`;
}

/** "term 4, vote n1, 12 entries" for what a node keeps in storage. */
export function describeKept(kept: { term: number; votedFor: NodeId | null; lastIndex: number }): string {
  const vote = kept.votedFor === null ? 'no vote' : `vote n${kept.votedFor}`;
  return `term ${kept.term}, ${vote}, ${kept.lastIndex} ${kept.lastIndex === 1 ? 'entry' : 'entries'}`;
}

/** The node's view in a snapshot. */
export function nodeIn(snapshot: ClusterSnapshot, id: NodeId): ClusterSnapshot['nodes'][number] | undefined {
  return snapshot.nodes.find((n) => n.id === id);
}

/** "ten times slower", "twice as fast", "real time". */
export function describeSpeed(factor: number): string {
  if (factor === 1) return 'real time';
  if (factor < 1) {
    const slower = 1 / factor;
    return `${Number.isInteger(slower) ? slower : slower.toFixed(1)} times slower`;
  }
  return factor === 2 ? 'twice as fast' : `${factor} times faster`;
}
