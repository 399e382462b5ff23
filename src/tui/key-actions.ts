/**
 * What the cluster keys type for you: each one becomes an ordinary console line ("crash 2",
 * "partition 1,3,4,5 | 2", "heal"), run like a typed one, so the keys also teach the language.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';

/** "crash 2" for a node that is up, "restart 2" for one that is down. */
export function crashLine(snapshot: ClusterSnapshot, id: NodeId): string {
  const node = snapshot.nodes.find((n) => n.id === id);
  return node && !node.up ? `restart ${id}` : `crash ${id}`;
}

/** Whether a node is cut off from every other node by the current partition. */
export function isIsolated(snapshot: ClusterSnapshot, id: NodeId): boolean {
  const groups = snapshot.faults.partition;
  if (!groups) return false;
  const own = groups.find((g) => g.includes(id));
  return !own || own.length === 1;
}

function partitionLine(groups: NodeId[][]): string {
  return `partition ${groups.map((g) => [...g].sort((a, b) => a - b).join(',')).join(' | ')}`;
}

/**
 * "isolate 2" for a connected node; for an isolated one, the line that lets it back in: it
 * joins the largest other group, and when that leaves no partition and no other fault, "heal".
 */
export function isolateLine(snapshot: ClusterSnapshot, id: NodeId): string {
  if (!isIsolated(snapshot, id)) return `isolate ${id}`;
  const all = snapshot.nodes.map((n) => n.id);
  const groups = (snapshot.faults.partition ?? []).map((g) => g.filter((x) => x !== id)).filter((g) => g.length > 0);
  // Nodes named in no group are alone too; they stay alone.
  const named = new Set(groups.flat());
  const alone = all.filter((x) => x !== id && !named.has(x)).map((x) => [x]);
  const rest = [...groups, ...alone];
  let largest = 0;
  rest.forEach((g, i) => {
    if (g.length > (rest[largest]?.length ?? 0)) largest = i;
  });
  const merged = rest.map((g, i) => (i === largest ? [...g, id] : g));
  if (merged.length <= 1) {
    const f = snapshot.faults;
    const otherFaults = f.cuts.length > 0 || f.dropRate > 0 || f.duplicateRate > 0 || f.delayMs !== null;
    return otherFaults ? partitionLine([all]) : 'heal';
  }
  return partitionLine(merged);
}

/** "pause" or "resume". */
export function pauseLine(snapshot: ClusterSnapshot): string {
  return snapshot.paused ? 'resume' : 'pause';
}
