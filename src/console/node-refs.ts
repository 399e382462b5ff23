import type { Cluster } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { NO_LEADER } from './describe.js';
import type { NodeRef } from './types.js';

/** Node ids a command acts on, or why they cannot be named now. */
export type Resolved = { ok: true; ids: NodeId[] } | { ok: false; message: string };

/**
 * The nodes `leader` or `followers` name at this moment (a number names itself). `followers`
 * is every node but the leader, up or down; both need a leader to exist.
 */
export function resolveRef(cluster: Cluster, ref: NodeRef): Resolved {
  if (typeof ref === 'number') return { ok: true, ids: [ref] };
  const leader = cluster.leader();
  if (leader === undefined)
    return { ok: false, message: ref === 'leader' ? NO_LEADER : `no leader right now, so no followers — try again in a moment` };
  return { ok: true, ids: ref === 'leader' ? [leader] : cluster.ids.filter((id) => id !== leader) };
}

/** Partition groups with `leader` and `followers` resolved; no node may end up in two groups. */
export function resolveGroups(
  cluster: Cluster,
  groups: readonly (readonly NodeRef[])[],
): { ok: true; groups: NodeId[][] } | { ok: false; message: string } {
  const seen = new Set<NodeId>();
  const out: NodeId[][] = [];
  for (const group of groups) {
    const ids: NodeId[] = [];
    for (const ref of group) {
      const r = resolveRef(cluster, ref);
      if (!r.ok) return r;
      for (const id of r.ids) {
        if (seen.has(id))
          return {
            ok: false,
            message: `n${id} is in two groups${typeof ref === 'string' ? ` (${ref} names it)` : ''}: a node can be in one group only`,
          };
        seen.add(id);
        ids.push(id);
      }
    }
    out.push(ids);
  }
  return { ok: true, groups: out };
}
