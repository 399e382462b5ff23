import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MANIFEST_FILE_NAME } from '../../src/cluster/cluster-manifest.js';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import { describeEvent } from '../../src/tui/describe-event.js';
import { waitFor } from '../helpers/wait-for.js';

const FAST = { electionTimeoutMs: [100, 200] as [number, number], heartbeatMs: 20 };
let clusters: Cluster[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  clusters = [];
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'raft-tui-lost-'));
  dirs.push(d);
  return d;
}
async function start(options: Parameters<typeof createCluster>[0]): Promise<Cluster> {
  const c = await createCluster({ ...FAST, ...options });
  clusters.push(c);
  return c;
}
const manifestOf = async (path: string): Promise<{ clusterId: string; members: number[]; createdAt: string }> =>
  JSON.parse(await readFile(path, 'utf8'));

describe('a node whose folder was lost', () => {
  it('with one node behind: the empty node is refused, stays down with the reason, and no acknowledged write is lost (TCP, files)', async () => {
    const dir = await tempDir();
    const first = await start({ nodes: 3, dataDir: dir });
    const leader = await waitFor('a leader', () => first.leader());
    const [behind, wiped] = first.ids.filter((id) => id !== leader) as [number, number];
    // n{behind} misses every write; the leader and n{wiped} hold them all.
    first.partition([[behind], first.ids.filter((id) => id !== behind)]);
    const acked: number[] = [];
    for (let i = 0; i < 100; i++) if ((await first.submit(`SET k${i} = ${i}`, { timeoutMs: 10_000 })).ok) acked.push(i);
    expect(acked.length).toBe(100);
    await first.stop();

    await rm(join(dir, `node-${wiped}`), { recursive: true });
    const again = await start({ nodes: 3, dataDir: dir });
    const events: ClusterEvent[] = [];
    again.on('event', (e) => events.push(e));
    // The only node with the writes is away at first: under the old rule the empty node's
    // vote let the node that is behind win, and its log replaced everyone's.
    again.partition([[leader], [behind, wiped]]);
    const refusal = events.find((e) => e.type === 'storage-recovery' && e.node === wiped);
    expect(refusal).toBeDefined();
    expect(describeEvent(refusal!)?.text).toMatch(
      new RegExp(
        `^n${wiped} refused to start: .*node-${wiped} has lost ${MANIFEST_FILE_NAME}, log.bin, hard-state.bin, but the cluster manifest .* says node ${wiped} has been a member`,
      ),
    );
    expect(again.status().find((s) => s.id === wiped)!.up).toBe(false);
    // What the dashboard's panel reads: down, and refused (not "crashed, disk kept").
    expect(again.snapshot().nodes.find((n) => n.id === wiped)).toMatchObject({
      up: false,
      refused: expect.stringMatching(/^refused to start/),
    });
    await expect(again.restart(wiped)).rejects.toThrow(/refused to start: .* Restore its folder from a backup/);
    expect(again.status().find((s) => s.id === wiped)!.up).toBe(false);
    // Alone, the node that is behind cannot be elected: watch three maximum election timeouts.
    await new Promise((r) => setTimeout(r, 3 * FAST.electionTimeoutMs[1]));
    expect(again.leader()).toBeUndefined();
    again.heal();
    const reader = await waitFor('a leader after heal', () => again.leader());
    expect(reader).toBe(leader);
    await waitFor('every acknowledged write on both nodes up', () =>
      again
        .status()
        .filter((s) => s.up)
        .every((s) => acked.every((i) => s.kv[`k${i}`] === String(i))),
    );
  }, 60_000);

  it('an emptied folder (files deleted, folder kept) is refused the same way; its manifest alone is not enough either', async () => {
    const dir = await tempDir();
    const first = await start({ nodes: 3, dataDir: dir, transport: 'memory' });
    expect((await first.submit('SET a = 1', { timeoutMs: 10_000 })).ok).toBe(true);
    await first.stop();
    for (const f of await readdir(join(dir, 'node-2'))) await rm(join(dir, 'node-2', f));
    // Node 3 keeps its manifest but lost its log.
    await rm(join(dir, 'node-3', 'log.bin'));
    const again = await start({ nodes: 3, dataDir: dir, transport: 'memory' });
    const up = again.status().map((s) => s.up);
    expect(up).toEqual([true, false, false]);
    await expect(again.restart(3)).rejects.toThrow(/node-3 has lost log\.bin, but the cluster manifest/);
  });

  it('a new data folder gets a random cluster id in every folder; two clusters with the same seed differ', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = await tempDir();
      const c = await start({ nodes: 3, dataDir: dir, transport: 'memory', seed: 42 });
      await c.stop();
      const root = await manifestOf(join(dir, MANIFEST_FILE_NAME));
      expect(root).toMatchObject({ members: [1, 2, 3], clusterId: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(Date.parse(root.createdAt)).not.toBeNaN();
      for (const id of [1, 2, 3]) expect(await manifestOf(join(dir, `node-${id}`, MANIFEST_FILE_NAME))).toEqual(root);
      ids.push(root.clusterId);
    }
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('refuses to start a folder with another number of nodes, naming the members', async () => {
    const dir = await tempDir();
    await (await start({ nodes: 3, dataDir: dir, transport: 'memory' })).stop();
    await expect(createCluster({ nodes: 5, dataDir: dir, transport: 'memory' })).rejects.toThrow(
      /holds a cluster of nodes 1-3 .* not nodes 1-5: start it with --nodes 3/,
    );
  });

  it('a node folder from another cluster is refused', async () => {
    const a = await tempDir();
    const b = await tempDir();
    await (await start({ nodes: 3, dataDir: a, transport: 'memory' })).stop();
    await (await start({ nodes: 3, dataDir: b, transport: 'memory' })).stop();
    await rm(join(a, 'node-1'), { recursive: true });
    await import('node:fs/promises').then((fs) => fs.cp(join(b, 'node-1'), join(a, 'node-1'), { recursive: true }));
    const c = await start({ nodes: 3, dataDir: a, transport: 'memory' });
    expect(c.status()[0]!.up).toBe(false);
    await expect(c.restart(1)).rejects.toThrow(/node-1 belongs to another cluster/);
  });

  it('a folder from before manifests is adopted as it is', async () => {
    const dir = await tempDir();
    const first = await start({ nodes: 3, dataDir: dir, transport: 'memory' });
    expect((await first.submit('SET old = 1', { timeoutMs: 10_000 })).ok).toBe(true);
    await first.stop();
    await rm(join(dir, MANIFEST_FILE_NAME));
    for (const id of [1, 2, 3]) await rm(join(dir, `node-${id}`, MANIFEST_FILE_NAME));
    const again = await start({ nodes: 3, dataDir: dir, transport: 'memory' });
    expect(again.status().every((s) => s.up)).toBe(true);
    await waitFor('the old write applied', () => again.status().every((s) => s.kv.old === '1'));
    const root = await manifestOf(join(dir, MANIFEST_FILE_NAME));
    for (const id of [1, 2, 3]) expect(await manifestOf(join(dir, `node-${id}`, MANIFEST_FILE_NAME))).toEqual(root);
  });
});
