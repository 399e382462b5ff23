import type { Cluster } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import type { MessageFaults, NemesisTarget } from './nemesis.js';
import type { Links } from './nemesis-topology.js';

/** A real cluster as the nemesis's target, and what is needed to stop cleanly. */
export interface ClusterTarget extends NemesisTarget {
  /** Resolves when every crash and restart asked for so far has finished. */
  settled(): Promise<void>;
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
 */
export function clusterTarget(cluster: Cluster, clock: () => number, onCrash?: (id: NodeId) => void): ClusterTarget {
  const down = new Set<NodeId>();
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
  return {
    ids: cluster.ids,
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
      down.delete(id);
      enqueue(() => cluster.restart(id));
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
    settled: () => chain,
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    error: () => failure,
  };
}
