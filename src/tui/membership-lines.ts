/**
 * What a panel says about a node's membership (thesis ch. 4): a learner's title says LEARNER
 * and its body how far behind the leader's log it is; a removed node's says REMOVED.
 */
import type { ClusterSnapshot, NodeView } from '../cluster/types.js';
import type { Line, Span } from './spans.js';

export const LEARNER_COLOR = 'cyan';
export const REMOVED_COLOR = 'gray';

/** Whether the node believes it is a learner: in its own configuration, not (yet) a voter. */
export function isLearner(node: NodeView): boolean {
  return node.up && node.learners.includes(node.id);
}

/** The title's word for a node whose membership says more than its role; undefined otherwise. */
export function membershipLabel(node: NodeView): Span | undefined {
  if (node.removed) return { text: 'REMOVED', color: REMOVED_COLOR, bold: true };
  if (isLearner(node)) return { text: 'LEARNER', color: LEARNER_COLOR, bold: true };
  return undefined;
}

/** "no vote yet: 12 entries behind n1" — thesis §4.2.1: it is promoted to voter once caught up. */
export function learnerLine(node: NodeView, snapshot: ClusterSnapshot, compact: boolean): Line {
  const leader = snapshot.nodes.find((n) => n.id === snapshot.leader);
  const behind = leader ? Math.max(0, leader.lastIndex - node.lastIndex) : undefined;
  const lag: Span =
    behind === undefined
      ? { text: 'no leader to learn from', color: 'gray' }
      : behind === 0
        ? { text: compact ? 'caught up' : `caught up with n${leader!.id}`, color: 'gray' }
        : { text: `${behind} ${behind === 1 ? 'entry' : 'entries'} behind${compact ? '' : ` n${leader!.id}`}`, bold: true };
  return [{ text: compact ? 'learns: ' : 'no vote yet: ', color: LEARNER_COLOR }, lag];
}

/** A removed node's body: why it is stopped, and that its id will not come back. */
export function removedLines(node: NodeView, compact: boolean): Line[] {
  const lines: Line[] = [[{ text: compact ? 'removed' : 'removed from the cluster', color: REMOVED_COLOR, bold: true }]];
  if (compact) lines.push([{ text: 'id not reused', color: 'gray' }]);
  else lines.push([{ text: `its id n${node.id} is never reused`, color: 'gray' }], [{ text: 'add makes a new node', color: 'gray' }]);
  return lines;
}
