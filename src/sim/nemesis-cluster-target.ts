import type { Cluster } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { ClusterMembership, type ClusterMembershipOptions } from './cluster-membership.js';
import type { MessageFaults, NemesisTarget } from './nemesis.js';
import type { Links } from './nemesis-topology.js';

/** A real cluster as the nemesis's target, and what is needed to stop cleanly. */
export interface ClusterTarget extends NemesisTarget {
  /** Resolves when every crash, restart and membership change asked for so far has finished. */
  settled(): Promise<void>;
  /** The nodes added and removed, with `membership` on. */
  readonly changes?: ClusterMembership;
  /** Cancels every timer the nemesis set. */
  stop(): void;
  /** The first error a crash or restart threw, if any. */
  error(): unknown;
}

/**
 * A running cluster (TCP or in-process, real clock) as the nemesis's target. Crashes and
 * restarts are asynchronous on a real cluster: they run one after another on a chain, in the
 * order asked, and the target answers `isUp` from what was asked (the nemesis's view), so a
 * restart asked right after a crash finds the node down. Links and message faults go through
 * the cluster's controls: the cluster's `heal` clears both, so each change re-applies the other.
 *
 * With `membership`, the nemesis adds and removes nodes too (thesis ch. 4, see ClusterMembership):
 * `ids` are then the nodes started and not removed. A node being removed is not restarted until
 * its removal is over (it would be stopped for good meanwhile), and a removed one never is.
 */
export function clusterTarget(
  cluster: Cluster,
  clock: () => number,
  onCrash?: (id: NodeId) => void,
  membership?: Omit<ClusterMembershipOptions, 'beforeRemove' | 'onChangeDone'>,
): ClusterTarget {
  const down = new Set<NodeId>();
  /** Down, and asked to restart while being removed: restarted if the removal is given up. */
  const deferred = new Set<NodeId>();
  const timers = new Set<NodeJS.Timeout>();
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let links: Links = { partition: null, cuts: [] };
  let messages: MessageFaults = { dropRate: 0, duplicateRate: 0, delayMs: null };
  const enqueue = (work: () => Promise<void>): void => {
    chain = chain.then(work).catch((error: unknown) => {
      failure ??= error;
    });
  };
  const apply = (): void => {
    cluster.heal();
    if (links.partition) cluster.partition(links.partition);
    for (const c of links.cuts) cluster.cut(c.from, c.to);
    if (messages.dropRate > 0 || messages.duplicateRate > 0 || messages.delayMs) cluster.setNetwork(messages);
  };
  const startRestart = (id: NodeId): void => {
    down.delete(id);
    enqueue(() => cluster.restart(id));
  };
  const changes =
    membership &&
    new ClusterMembership(cluster, {
      ...membership,
      beforeRemove: () => chain,
      onChangeDone: () => {
        for (const id of [...deferred]) {
          if (changes!.isLeaving(id)) continue;
          deferred.delete(id);
          if (changes!.isRemoved(id)) down.delete(id);
          else startRestart(id);
        }
      },
    });
  return {
    ...(changes && {
      changes,
      membership: changes,
    }),
    get ids() {
      return changes ? changes.ids() : cluster.ids;
    },
    now: clock,
    later: (ms, fn) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    leader: () => cluster.leader(),
    isUp: (id) => !down.has(id),
    crash: (id) => {
      if (down.has(id)) return;
      down.add(id);
      onCrash?.(id);
      enqueue(() => cluster.crash(id));
    },
    restart: (id) => {
      if (!down.has(id)) return;
      if (changes?.isRemoved(id)) {
        down.delete(id);
        return;
      }
      if (changes?.isLeaving(id)) {
        deferred.add(id);
        return;
      }
      startRestart(id);
    },
    setLinks: (next) => {
      links = { partition: next.partition?.map((g) => [...g]) ?? null, cuts: next.cuts.map((c) => ({ ...c })) };
      apply();
    },
    setMessages: (next) => {
      messages = { ...next };
      apply();
    },
    transfer: (_from, to) => {
      // Refusals (a target that just crashed, a transfer already under way) are part of the game.
      void cluster.transferLeadership(to).catch(() => undefined);
    },
    settled: async () => {
      await changes?.settled();
      await chain;
    },
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    error: () => failure,
  };
}
