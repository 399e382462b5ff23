import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterOptions } from '../../src/cluster/types.js';

/**
 * The clusters and folders a test file starts: every one is stopped, and every folder removed,
 * after each test, whatever the test did. `defaults` are the file's own options (its timeouts).
 */
export function clusterFixture<C extends Cluster = Cluster>(defaults: ClusterOptions) {
  let clusters: Cluster[] = [];
  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(clusters.map((c) => c.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    clusters = [];
    dirs = [];
  });
  return {
    async start(options: ClusterOptions): Promise<C> {
      const c = await createCluster({ ...defaults, ...options });
      clusters.push(c);
      return c as C;
    },
    async tempDir(prefix = 'raft-tui-test-'): Promise<string> {
      const d = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
  };
}

/** Whether a process with this id is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
