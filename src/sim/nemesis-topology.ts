/**
 * Who can talk to whom under each partition-like fault, as pure functions of a node order: a
 * partition into groups, or one-way cuts (messages from `from` to `to` are lost).
 */
import type { NodeId } from '../raft/types.js';

/** A one-way cut, as the fault filter takes it. */
export interface Cut {
  from: NodeId;
  to: NodeId;
}

/** A link layout: groups that cannot reach each other, and/or one-way cuts. */
export interface Links {
  partition: NodeId[][] | null;
  cuts: Cut[];
}

/** Both directions between every node of `a` and every node of `b`. */
function cutBetween(a: readonly NodeId[], b: readonly NodeId[]): Cut[] {
  const cuts: Cut[] = [];
  for (const x of a) {
    for (const y of b) {
      cuts.push({ from: x, to: y }, { from: y, to: x });
    }
  }
  return cuts;
}

/** `node` alone; everyone else together. */
export function isolate(node: NodeId, ids: readonly NodeId[]): Links {
  return { partition: [[node], ids.filter((id) => id !== node)], cuts: [] };
}

/**
 * `node` with `others` (together a minority) cut off from everyone else: a leader stranded with
 * a few followers. It can still commit nothing, but until it learns of a newer term it believes
 * it leads, which is when a broken read path answers from it (thesis §6.4).
 */
export function strand(node: NodeId, others: readonly NodeId[], ids: readonly NodeId[]): Links {
  const minority = [node, ...others.filter((id) => id !== node)];
  return { partition: [minority, ids.filter((id) => !minority.includes(id))], cuts: [] };
}

/**
 * `node` hears no one and reaches only `heir`: as it hands leadership over (thesis §3.10) its
 * TimeoutNow gets out, but not one message of the new term comes back, so it still believes it
 * leads while the heir's majority commits (until check-quorum, if on, steps it down).
 */
export function strandAfterHandoff(node: NodeId, heir: NodeId, ids: readonly NodeId[]): Links {
  const cuts: Cut[] = [];
  for (const id of ids) {
    if (id === node) continue;
    cuts.push({ from: id, to: node });
    if (id !== heir) cuts.push({ from: node, to: id });
  }
  return { partition: null, cuts };
}

/** The first ⌊n/2⌋ nodes of `order` (a minority) against the rest (a majority). */
export function halves(order: readonly NodeId[]): Links {
  const half = Math.floor(order.length / 2);
  return { partition: [order.slice(0, half), order.slice(half)], cuts: [] };
}

/**
 * Two halves that cannot reach each other, and `order[0]`, the bridge, which reaches both. With
 * 5 nodes each half plus the bridge is a majority: two leaders may each believe they have one,
 * but only one can hold the bridge's vote in a term (§5.2).
 */
export function bridge(order: readonly NodeId[]): Links {
  const rest = order.slice(1);
  const half = Math.floor(rest.length / 2);
  return { partition: null, cuts: cutBetween(rest.slice(0, half), rest.slice(half)) };
}

/**
 * Each node sees a majority (itself included), and no two nodes see the same one: nodes on a
 * ring in `order` reach their neighbours up to k places away each side, and no one farther,
 * with k = ⌈(m - 1) / 2⌉ for a majority m. That needs 2k + 1 < n (5 nodes and more: with 5, a
 * node reaches the two next to it). With 3 nodes no symmetric layout works, so the views are
 * one-way, as in Jepsen's majorities ring: node i hears only from node i + 1 (views {1,2},
 * {2,3}, {3,1}).
 */
export function majoritiesRing(order: readonly NodeId[]): Links {
  const n = order.length;
  if (n < 3) return { partition: null, cuts: [] };
  const majority = Math.floor(n / 2) + 1;
  const k = Math.ceil((majority - 1) / 2);
  const cuts: Cut[] = [];
  if (2 * k + 1 < n) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = Math.min((i - j + n) % n, (j - i + n) % n);
        if (d > k) cuts.push({ from: order[j]!, to: order[i]! });
      }
    }
    return { partition: null, cuts };
  }
  // One-way views: node i hears from i .. i + majority - 1 on the ring, from no one else.
  for (let i = 0; i < n; i++) {
    for (let d = majority; d < n; d++) cuts.push({ from: order[(i + d) % n]!, to: order[i]! });
  }
  return { partition: null, cuts };
}

/** `node` hears no one (it can still send): a leader keeps sending heartbeats it gets no answer to. */
export function deaf(node: NodeId, ids: readonly NodeId[]): Links {
  return { partition: null, cuts: ids.filter((id) => id !== node).map((id) => ({ from: id, to: node })) };
}

/** `node` can hear everyone but reaches no one. */
export function mute(node: NodeId, ids: readonly NodeId[]): Links {
  return { partition: null, cuts: ids.filter((id) => id !== node).map((id) => ({ from: node, to: id })) };
}

/**
 * The set of nodes each node hears from (itself included) under `links`: how a test checks
 * what a layout does.
 */
export function viewsOf(links: Links, ids: readonly NodeId[]): Map<NodeId, NodeId[]> {
  const group = new Map<NodeId, number>();
  links.partition?.forEach((g, i) => g.forEach((id) => group.set(id, i)));
  const views = new Map<NodeId, NodeId[]>();
  for (const to of ids) {
    views.set(
      to,
      ids.filter((from) => {
        if (from === to) return true;
        if (links.partition && (group.get(from) === undefined || group.get(from) !== group.get(to))) return false;
        return !links.cuts.some((c) => c.from === from && c.to === to);
      }),
    );
  }
  return views;
}
