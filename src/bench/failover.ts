import { createCluster } from '../cluster/create-cluster.js';
import type { ClusterEvent } from '../cluster/types.js';

/**
 * Time from crashing the leader to a new leader, over real TCP, in units of T (the election
 * timeout range is [T, 2T]). Each round: wait for a stable leader, crash it, time the first
 * leader of a higher term, restart the old one.
 */
export async function measureFailover(o: {
  nodes: number;
  crashes: number;
  t: number;
}): Promise<{ medianT: number; p99T: number; samplesMs: number[] }> {
  const cluster = await createCluster({
    nodes: o.nodes,
    electionTimeoutMs: [o.t, 2 * o.t],
    heartbeatMs: Math.max(1, Math.round(o.t / 10)),
    seed: 3,
  });
  const samples: number[] = [];
  let newLeader: ((term: number) => void) | undefined;
  const off = cluster.on('event', (e: ClusterEvent) => {
    if (e.type === 'raft' && e.event.kind === 'role' && e.event.role === 'leader') newLeader?.(e.event.term);
  });
  try {
    for (let i = 0; i < o.crashes; i++) {
      const leader = await until(() => {
        const l = cluster.leader();
        // Stable: every node up and following it.
        return l !== undefined && cluster.status().every((s) => s.up && (s.id === l || s.leader === l)) ? l : undefined;
      });
      const term = cluster.status().find((s) => s.id === leader)!.term;
      const elected = new Promise<void>((resolve) => {
        newLeader = (t) => {
          if (t > term) resolve();
        };
      });
      const start = performance.now();
      await cluster.crash(leader);
      await elected;
      samples.push(performance.now() - start);
      newLeader = undefined;
      await cluster.restart(leader);
    }
  } finally {
    off();
    await cluster.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { medianT: at(0.5) / o.t, p99T: at(0.99) / o.t, samplesMs: samples };
}

async function until<T>(f: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('failover benchmark: the cluster did not settle');
    await new Promise((r) => setTimeout(r, 2));
  }
}
