/**
 * What the cluster keys type for you: each one becomes an ordinary console line ("crash 2",
 * "isolate 2", "rejoin 2", "pause"), run like a typed one, so the keys also teach the language.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import { isIsolated } from '../console/isolation.js';
import type { NodeId } from '../raft/types.js';

/** "crash 2" for a node that is up, "restart 2" for one that is down. */
export function crashLine(snapshot: ClusterSnapshot, id: NodeId): string {
  const node = snapshot.nodes.find((n) => n.id === id);
  return node && !node.up ? `restart ${id}` : `crash ${id}`;
}

/** "isolate 2" for a connected node, "rejoin 2" for an isolated one. */
export function isolateLine(snapshot: ClusterSnapshot, id: NodeId): string {
  return isIsolated(snapshot.faults, id) ? `rejoin ${id}` : `isolate ${id}`;
}

/** "pause" or "resume". */
export function pauseLine(snapshot: ClusterSnapshot): string {
  return snapshot.paused ? 'resume' : 'pause';
}
