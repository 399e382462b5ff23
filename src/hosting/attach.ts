import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLUSTER_KEY_FILE, readKeyFile } from '../cluster/cluster-key-file.js';
import type { ClusterOptions } from '../cluster/types.js';
import { parseHostPort } from './address.js';
import { readEndpoints } from './endpoints-file.js';
import { ProcessCluster } from './process-cluster.js';

/**
 * `raft-tui --attach TARGET`: a cluster over nodes that run elsewhere. TARGET is a folder that
 * `raft-tui launch` runs (its nodes.json and cluster.key), or admin addresses
 * `HOST:PORT,HOST:PORT,…` for nodes 1, 2, … with the key from `keyFile`.
 */
export async function attachCluster(target: string, keyFile: string | undefined, options: ClusterOptions = {}): Promise<ProcessCluster> {
  const isDir = await stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const endpoints = isDir
    ? await readEndpoints(target)
    : target.split(',').map((a, i) => {
        parseHostPort(a, `--attach address ${i + 1}`);
        return { id: i + 1, listen: '', admin: a.trim() };
      });
  const path = keyFile ?? (isDir ? join(target, CLUSTER_KEY_FILE) : undefined);
  if (!path) throw new Error('--attach with addresses needs --key-file: the cluster key the nodes were started with');
  const key = await readKeyFile(path);
  if (!key) throw new Error(`${path} does not exist: give the cluster's key file (raft-tui launch writes DIR/${CLUSTER_KEY_FILE})`);
  const { electionTimeoutMs, heartbeatMs } = options;
  return ProcessCluster.attach(endpoints, key, {
    ...(electionTimeoutMs ? { electionTimeoutMs } : {}),
    ...(heartbeatMs ? { heartbeatMs } : {}),
  });
}
