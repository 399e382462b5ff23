import type { ResolvedOptions } from '../cluster/options.js';
import type { Cluster } from '../cluster/types.js';
import { ProcessCluster } from './process-cluster.js';

/** `createCluster({ hosting: 'processes' })`: every node its own OS process, all of them started. */
export async function startProcessCluster(options: ResolvedOptions): Promise<Cluster> {
  const cluster = new ProcessCluster(options);
  await cluster.start();
  return cluster;
}
