/**
 * The cluster's message counts as the header shows them: they never go down. A node's
 * transport counts from zero again after a crash and restart; what it had counted before is
 * kept here and added back, so the total only grows.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';

type Counts = ClusterSnapshot['messages'];

export interface MessageTotals {
  /** The snapshot with `messages` counted across restarts (the same object when nothing changed). */
  apply(snapshot: ClusterSnapshot): ClusterSnapshot;
}

export function createMessageTotals(): MessageTotals {
  /** Per node: the counts it had before each reset, summed, and its last counts. */
  const carried = new Map<NodeId, Counts>();
  const last = new Map<NodeId, Counts>();
  const keys = ['sent', 'received', 'filtered'] as const;
  return {
    apply(snapshot) {
      const total: Counts = { sent: 0, received: 0, filtered: 0 };
      for (const node of snapshot.nodes) {
        const now = node.counters;
        const before = last.get(node.id);
        const carry = carried.get(node.id) ?? { sent: 0, received: 0, filtered: 0 };
        for (const k of keys) if (before && now[k] < before[k]) carry[k] += before[k];
        carried.set(node.id, carry);
        last.set(node.id, { sent: now.sent, received: now.received, filtered: now.filtered });
        for (const k of keys) total[k] += carry[k] + now[k];
      }
      // Counts the snapshot has beyond its nodes' (none today) are kept as they are.
      for (const k of keys) total[k] = Math.max(total[k], snapshot.messages[k]);
      const same = keys.every((k) => total[k] === snapshot.messages[k]);
      return same ? snapshot : { ...snapshot, messages: total };
    },
  };
}
