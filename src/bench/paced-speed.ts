import { createCluster } from '../cluster/create-cluster.js';

/**
 * The paced clock (`--sim`) let loose: a 5-node cluster with `speed: Infinity` and 100 random
 * SETs a second runs its virtual time as fast as the cluster can; reported as cluster ms per
 * wall ms. This is the path `--example`, the examples' tests and replays take (the Cluster with
 * its hosts, client and live safety checker), not the bare simulator above.
 */
export async function measurePacedSpeed(simulatedMs: number): Promise<{ what: string; result: string; target: string }> {
  const cluster = await createCluster({ nodes: 5, clock: 'paced', speed: Number.POSITIVE_INFINITY, seed: 5 });
  const start = performance.now();
  cluster.setLoad(100);
  while (cluster.snapshot().takenAt < simulatedMs) await new Promise((r) => setTimeout(r, 5));
  const wall = performance.now() - start;
  const reached = cluster.snapshot().takenAt;
  await cluster.stop();
  return {
    what: 'paced clock (--sim) at full speed: 5 nodes, 100 SETs/s, checker on',
    result: `${Math.round(reached / wall).toLocaleString('en-US')}× real time`,
    target: '(reported)',
  };
}
