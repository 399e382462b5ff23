import type { NetworkFaults } from '../net/types.js';
import type { NodeId } from '../raft/types.js';

/**
 * Isolation as partition arithmetic, the same way the dashboard shows it: a node is isolated
 * when the partition puts it in a group of its own (or names it in no group).
 */

/** Whether the partition leaves `id` with no other node to talk to. */
export function isIsolated(faults: NetworkFaults, id: NodeId): boolean {
  if (!faults.partition) return false;
  const own = faults.partition.find((g) => g.includes(id));
  return !own || own.length === 1;
}

/** The partition with `id` moved into a group of its own; every other group stays as it was. */
export function isolatedGroups(faults: NetworkFaults, ids: readonly NodeId[], id: NodeId): NodeId[][] {
  const others = faults.partition
    ? faults.partition.map((g) => g.filter((x) => x !== id)).filter((g) => g.length > 0)
    : [ids.filter((x) => x !== id)];
  return [...others.filter((g) => g.length > 0), [id]];
}

/**
 * The partition with `id` moved into the largest other group (ties: the first). Nodes named
 * in no group were alone and stay alone. null when that leaves one group holding every node:
 * no partition at all.
 */
export function rejoinedGroups(faults: NetworkFaults, ids: readonly NodeId[], id: NodeId): NodeId[][] | null {
  const named = (faults.partition ?? []).map((g) => g.filter((x) => x !== id)).filter((g) => g.length > 0);
  const seen = new Set(named.flat());
  const groups = [...named, ...ids.filter((x) => x !== id && !seen.has(x)).map((x) => [x])];
  let largest = 0;
  groups.forEach((g, i) => {
    if (g.length > groups[largest]!.length) largest = i;
  });
  const merged = groups.length === 0 ? [[id]] : groups.map((g, i) => (i === largest ? [...g, id] : g));
  return merged.length === 1 && merged[0]!.length === ids.length ? null : merged;
}
