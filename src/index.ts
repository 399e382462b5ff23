/**
 * raft-tui's public programmatic API: create a cluster, drive it, watch it.
 *
 * ```ts
 * import { createCluster } from 'raft-tui';
 * const cluster = await createCluster({ nodes: 3 });
 * await cluster.submit('SET x = 1');
 * await cluster.stop();
 * ```
 */
export { createCluster } from './cluster/create-cluster.js';
export type * from './cluster/types.js';
export type { NetworkFaults } from './net/types.js';
export type { NodeId, Term, Index, Role, Entry, RaftEvent } from './raft/types.js';
