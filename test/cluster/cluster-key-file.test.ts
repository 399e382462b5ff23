import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_KEY_FILE, openClusterKeyFile } from '../../src/cluster/cluster-key-file.js';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';

const dirs: string[] = [];
const clusters: Cluster[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raft-tui-key-'));
  dirs.push(dir);
  return dir;
}

/** A tag that only the same secret reproduces: compares secrets without seeing them. */
const tagOf = async (dir: string): Promise<string> => (await openClusterKeyFile(dir)).mac('probe').toString('hex');

describe('the cluster key file', () => {
  it('is created with 32 random bytes, readable by its owner only, and read back the same', async () => {
    const dir = await tempDir();
    const first = await tagOf(dir);
    const info = await stat(join(dir, CLUSTER_KEY_FILE));
    expect(info.size).toBe(32);
    if (process.platform !== 'win32') expect(info.mode & 0o777).toBe(0o600);
    expect(await tagOf(dir)).toBe(first);
  });

  it('refuses a key file that group or others can read, and says how to fix it', async () => {
    const dir = await tempDir();
    await tagOf(dir);
    const path = join(dir, CLUSTER_KEY_FILE);
    await chmod(path, 0o644);
    await expect(openClusterKeyFile(dir)).rejects.toThrow(
      `can be read by other users (mode 644): the cluster key must be private. Run: chmod 600 ${path}`,
    );
    await chmod(path, 0o600);
    await expect(openClusterKeyFile(dir)).resolves.toBeDefined();
  });

  it('refuses a key file of the wrong size, and says what to do', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, CLUSTER_KEY_FILE), 'short', { mode: 0o600 });
    await expect(openClusterKeyFile(dir)).rejects.toThrow(/holds 5 bytes, not 32: it is damaged\. Restore it from a copy, or delete it/);
  });

  it('two clusters created with the same seed get different secrets', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    for (const dataDir of [a, b]) {
      const cluster = await createCluster({ nodes: 1, seed: 7, dataDir });
      await cluster.stop();
    }
    const [keyA, keyB] = [await readFile(join(a, CLUSTER_KEY_FILE)), await readFile(join(b, CLUSTER_KEY_FILE))];
    expect(keyA.length).toBe(32);
    expect(keyA.equals(keyB)).toBe(false);
  });

  it('a cluster refuses to start from a key file others can read, and releases its data folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, CLUSTER_KEY_FILE), Buffer.alloc(32, 1), { mode: 0o644 });
    await chmod(join(dir, CLUSTER_KEY_FILE), 0o644);
    await expect(createCluster({ nodes: 1, dataDir: dir })).rejects.toThrow(/chmod 600/);
    await chmod(join(dir, CLUSTER_KEY_FILE), 0o600);
    const cluster = await createCluster({ nodes: 1, dataDir: dir });
    clusters.push(cluster);
    expect(cluster.ids).toEqual([1]);
  });

  it('the secret appears in no snapshot and no event', async () => {
    const dir = await tempDir();
    const events: ClusterEvent[] = [];
    const cluster = await createCluster({ nodes: 3, dataDir: dir, seed: 3 });
    clusters.push(cluster);
    cluster.on('event', (e) => events.push(e));
    await cluster.submit('SET a = 1');
    const key = await readFile(join(dir, CLUSTER_KEY_FILE));
    const shown = JSON.stringify({ snapshot: cluster.snapshot(), status: cluster.status(), events });
    for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url'), JSON.stringify([...key])]) {
      expect(shown).not.toContain(form);
    }
  });
});
