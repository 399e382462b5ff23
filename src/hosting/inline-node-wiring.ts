import type { ClusterClock } from '../cluster/cluster-clock.js';
import type { ClusterMembers } from '../cluster/cluster-members.js';
import type { EventStream } from '../cluster/event-stream.js';
import type { LiveChecker } from '../cluster/live-checker.js';
import type { SimulatedDisks } from '../cluster/mid-write-crash.js';
import type { NodeTransports } from '../cluster/node-transports.js';
import type { ResolvedOptions } from '../cluster/options.js';
import type { RaftNarration } from '../cluster/raft-narration.js';
import { momentTiming } from '../cluster/node-host.js';
import type { InlineNodeEnv } from './inline-node.js';

/** The cluster's parts an inline node is wired to. */
export interface InlineClusterParts {
  options: ResolvedOptions;
  time: ClusterClock;
  disks: SimulatedDisks | undefined;
  members: ClusterMembers;
  transports: NodeTransports;
  events: EventStream;
  narration: RaftNarration;
  checker: LiveChecker;
  /** Something changed: the dashboard redraws, waiters on cluster state look again. */
  markDirty(): void;
}

/**
 * What every inline node of one cluster shares: its Ready loop reports to the cluster's events,
 * narration and live checker; it boots from the cluster's members and opens its endpoint on the
 * cluster's network.
 */
export function inlineNodeWiring(c: InlineClusterParts): InlineNodeEnv {
  return {
    options: c.options,
    scheduler: c.time.scheduler,
    disks: c.disks,
    // Virtual time: each Ready at the moment of its input, no event-loop turn per message; what
    // timers deliver to a node at one moment makes one Ready (MomentTiming).
    timing: c.time.virtual ? momentTiming(c.time.virtual) : 'per-turn',
    hooks: {
      // Told only: the onChange that ends the same Ready marks the cluster dirty, once a Ready.
      onRaftEvents: (node, events) => c.narration.raftEvents(node, events),
      onApplied: (node, entries) => c.narration.applied(node, entries),
      onChange: () => c.markDirty(),
      onReadyHandled: (node, status, rd) => c.checker.observe(node, status, rd),
      onFailure: (node, message) =>
        c.events.emit({ type: 'storage-recovery', node, file: '', offset: 0, droppedBytes: 0, reason: `stopped: ${message}` }),
      explainDelivery: (node, m) => c.narration.delivery(node, m),
      onWaitersSettled: () => c.time.virtual?.requestSettle(),
    },
    bootstrap: () => c.members.bootstrap,
    manifest: () => c.members.manifest,
    transport: (node, port) => c.transports.make(node, port),
    storageReport: (node, r, atStart) => c.events.storageReport(node, r, atStart),
    starting: (node, storage) => c.checker.starting(node, storage),
    speed: () => c.time.speed,
    isRemoved: (node) => c.members.removed.has(node),
  };
}
