import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster } from '../cluster/create-cluster.js';
import type { Cluster } from '../cluster/types.js';

export interface ThroughputOptions {
  nodes: number;
  files: boolean;
  /** Requests kept outstanding at once. */
  concurrency: number;
  durationMs: number;
  /** Bytes of each SET's value (default: a short counter). */
  valueBytes?: number;
  /** 'processes': every node its own OS process (real files whatever `files` says). */
  hosting?: 'inline' | 'processes';
}

/** Committed SETs per second over real loopback TCP with many client requests outstanding. */
export async function measureClusterThroughput(o: ThroughputOptions): Promise<{
  committed: number;
  failed: number;
  perSecond: number;
  /** Log entries appended per client command: 1 when no retry proposed a duplicate copy. */
  entriesPerCommand: number;
}> {
  return withCluster(
    o.nodes,
    o.files,
    async (cluster) => {
      let committed = 0;
      let failed = 0;
      let submitted = 0;
      let running = true;
      // Exactly valueBytes long (values are at most 1024 characters), the counter at the end.
      const valueText = (i: number): string => (o.valueBytes === undefined ? String(i) : String(i).padStart(o.valueBytes, 'v'));
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; running; i++) {
          submitted++;
          const r = await cluster.submit(`SET k${w % 64} = ${valueText(i)}`, { timeoutMs: 5000 });
          if (r.ok) committed++;
          else failed++;
        }
      };
      // Warm up: connections open, JIT settled.
      await Promise.all(Array.from({ length: 200 }, (_, i) => cluster.submit(`SET warm${i % 8} = ${i}`)));
      const lastIndexBefore = highestLastIndex(cluster);
      const start = performance.now();
      const workers = Array.from({ length: o.concurrency }, (_, w) => worker(w));
      await new Promise((r) => setTimeout(r, o.durationMs));
      const counted = committed;
      const elapsed = performance.now() - start;
      running = false;
      await Promise.all(workers);
      // Every command has its answer now; what the log grew by counts every copy of each (a
      // leader's no-op too, one per election: noise here).
      const entriesPerCommand = (highestLastIndex(cluster) - lastIndexBefore) / Math.max(1, submitted);
      return { committed: counted, failed, perSecond: (counted / elapsed) * 1000, entriesPerCommand };
    },
    o.hosting,
  );
}

/** The longest log among the nodes that are up (its last index survives log compaction). */
function highestLastIndex(cluster: Cluster): number {
  return Math.max(0, ...cluster.status().map((s) => s.lastIndex));
}

/** Commit latency with one client and one request at a time. */
export async function measureLatency(o: {
  nodes: number;
  files: boolean;
  requests: number;
  hosting?: 'inline' | 'processes';
}): Promise<{ p50Ms: number; p99Ms: number; requests: number }> {
  return withCluster(
    o.nodes,
    o.files,
    async (cluster) => {
      for (let i = 0; i < 200; i++) await cluster.submit(`SET warm = ${i}`);
      const samples: number[] = [];
      for (let i = 0; i < o.requests; i++) {
        const t = performance.now();
        const r = await cluster.submit(`SET k = ${i}`);
        if (r.ok) samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
      return { p50Ms: at(0.5), p99Ms: at(0.99), requests: samples.length };
    },
    o.hosting,
  );
}

export async function withCluster<T>(
  nodes: number,
  files: boolean,
  body: (c: Cluster) => Promise<T>,
  hosting?: 'inline' | 'processes',
): Promise<T> {
  const dir = files ? await mkdtemp(join(tmpdir(), 'raft-tui-bench-')) : undefined;
  const cluster = await createCluster({ nodes, ...(dir ? { dataDir: dir } : {}), seed: 1, ...(hosting ? { hosting } : {}) });
  try {
    const deadline = Date.now() + 10_000;
    while (cluster.leader() === undefined) {
      if (Date.now() > deadline) throw new Error('no leader within 10 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    return await body(cluster);
  } finally {
    await cluster.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
