import type { Cluster } from '../cluster/types.js';
import { withCluster } from './cluster-throughput.js';

/**
 * Requests per second of `command` with `concurrency` outstanding, for `durationMs`, and the
 * process's CPU time per request (all threads, the garbage collector's too): on a machine
 * shared with other work the rate swings, the CPU time per request much less.
 */
async function throughput(cluster: Cluster, command: (worker: number, i: number) => string, concurrency: number, durationMs: number) {
  let done = 0;
  let failed = 0;
  let running = true;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const r = await cluster.submit(command(w, i), { timeoutMs: 5000 });
      if (r.ok) done++;
      else failed++;
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, durationMs));
  const counted = done;
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  running = false;
  await Promise.all(workers);
  return { perSecond: (counted / elapsed) * 1000, cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, counted), failed };
}

/**
 * Thesis §6.4: GETs served by ReadIndex (many reads share one heartbeat round) against SETs
 * through the log, on the same TCP cluster with the same number of requests outstanding.
 */
export async function measureReadThroughput(o: { nodes: number; concurrency: number; durationMs: number }) {
  return withCluster(o.nodes, false, async (cluster) => {
    await Promise.all(Array.from({ length: 200 }, (_, i) => cluster.submit(`SET k${i % 64} = ${i}`)));
    const sets = await throughput(cluster, (w, i) => `SET k${w % 64} = ${i}`, o.concurrency, o.durationMs);
    const gets = await throughput(cluster, (w) => `GET k${w % 64}`, o.concurrency, o.durationMs);
    return {
      setsPerSecond: sets.perSecond,
      getsPerSecond: gets.perSecond,
      setCpuMicros: sets.cpuMicrosPerRequest,
      getCpuMicros: gets.cpuMicrosPerRequest,
      failed: sets.failed + gets.failed,
    };
  });
}

/**
 * Thesis §3.10: how long a leadership transfer takes on a quiet TCP cluster, from the request
 * to the target leading, in heartbeat intervals (the cluster's default 50 ms).
 */
export async function measureTransfer(o: { nodes: number; transfers: number }) {
  const heartbeatMs = 50;
  return withCluster(o.nodes, false, async (cluster) => {
    const samples: number[] = [];
    let failed = 0;
    for (let i = 0; i < o.transfers; i++) {
      const from = cluster.leader();
      const to = cluster.ids[(cluster.ids.indexOf(from ?? 1) + 1) % cluster.ids.length]!;
      const t = performance.now();
      const r = await cluster.transferLeadership(to);
      if (r.ok) samples.push((performance.now() - t) / heartbeatMs);
      else failed++;
      // Quiet again: the new leader's no-op committed everywhere.
      await cluster.submit('SET quiet = 1');
      await new Promise((r) => setTimeout(r, heartbeatMs * 2));
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
    return { medianHeartbeats: at(0.5), p99Heartbeats: at(0.99), transfers: samples.length, failed };
  });
}
