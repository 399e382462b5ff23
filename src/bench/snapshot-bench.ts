import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster } from '../cluster/create-cluster.js';
import type { Cluster } from '../cluster/types.js';

/**
 * The measurements behind log compaction (§7): memory under a long load, restart time of a
 * folder that has seen that load, and how fast a follower far behind catches up by snapshot.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function leaderOf(c: Cluster, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = c.leader();
    if (l !== undefined) return l;
    if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Submits `count` SETs over `keys` keys with `concurrency` requests outstanding. */
async function load(c: Cluster, from: number, count: number, keys: number, concurrency: number): Promise<number> {
  let next = from;
  const end = from + count;
  let failed = 0;
  const worker = async () => {
    while (next < end) {
      const i = next++;
      const r = await c.submit(`SET k${i % keys} = ${i}`, { timeoutMs: 10_000 });
      if (!r.ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

/** Restarts of the folder measured: each waits for an election, whose timeouts are random. */
const RESTARTS = 5;

export interface MemoryFigures {
  early: { commands: number; rssMb: number };
  late: { commands: number; rssMb: number };
  failed: number;
  /**
   * Restarts of the same folder, one after another: ms from createCluster to the first commit.
   * The first runs the recovery code for the first time in this process; the later ones show
   * the spread of the election timeouts.
   */
  restartsMs: number[];
  snapshotIndex: number;
}

/**
 * RSS after `early` and after `total` commands (5 nodes, TCP, files with fsync, `keys` keys),
 * then the time a fresh cluster on the same folder takes to its first commit ({@link RESTARTS}
 * restarts, one after another).
 */
export async function measureMemoryAndRestart(o: { nodes: number; early: number; total: number; keys: number }): Promise<MemoryFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'raft-tui-bench-snap-'));
  try {
    let c = await createCluster({ nodes: o.nodes, dataDir, seed: 2 });
    let failed = 0;
    let early: MemoryFigures['early'];
    let late: MemoryFigures['late'];
    try {
      await leaderOf(c);
      failed += await load(c, 0, o.early, o.keys, 2000);
      early = { commands: o.early, rssMb: rssMb() };
      failed += await load(c, o.early, o.total - o.early, o.keys, 2000);
      late = { commands: o.total, rssMb: rssMb() };
    } finally {
      await c.stop();
    }
    // One restart is one draw of the election timeouts: take several.
    const restarts: number[] = [];
    let snapshotIndex = 0;
    for (let i = 0; i < RESTARTS; i++) {
      const t = performance.now();
      c = await createCluster({ nodes: o.nodes, dataDir, seed: 3 + i });
      try {
        const r = await c.submit(`SET after = restart ${i + 1}`, { timeoutMs: 10_000 });
        restarts.push(performance.now() - t);
        if (!r.ok) throw new Error(`no commit after restart ${i + 1}: ${r.message}`);
        snapshotIndex = Math.min(...c.status().map((s) => s.snapshotIndex));
      } finally {
        await c.stop();
      }
    }
    return { early, late, failed, restartsMs: restarts, snapshotIndex };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * A follower `behind` entries behind (crashed while they committed) is restarted: ms until it
 * has applied what the leader has, and whether a snapshot brought it there.
 */
export async function measureCatchUp(o: { nodes: number; behind: number; keys: number }): Promise<{ ms: number; bySnapshot: boolean }> {
  const c = await createCluster({ nodes: o.nodes, seed: 4 });
  try {
    const leader = await leaderOf(c);
    const down = c.ids.find((id) => id !== leader)!;
    await c.crash(down);
    await load(c, 0, o.behind, o.keys, 2000);
    let bySnapshot = false;
    c.on('event', (e) => {
      if (e.type === 'raft' && e.node === down && e.event.kind === 'snapshot-received' && e.event.installed) bySnapshot = true;
    });
    const target = Math.max(...c.snapshot().nodes.map((s) => s.lastApplied));
    const t = performance.now();
    await c.restart(down);
    const deadline = t + 30_000;
    while ((c.snapshot().nodes.find((s) => s.id === down)?.lastApplied ?? 0) < target) {
      if (performance.now() > deadline) throw new Error('the follower did not catch up within 30 s');
      await sleep(1);
    }
    return { ms: performance.now() - t, bySnapshot };
  } finally {
    await c.stop();
  }
}
