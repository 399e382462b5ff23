/**
 * `raft-tui bench` (and `npm run bench`): measures raft-tui's speed on this machine and prints
 * each figure next to its target. Nothing here is asserted; the figures are reported.
 */
import { cpus } from 'node:os';
import { measureCoreThroughput } from './core-throughput.js';
import { measureClusterThroughput, measureLatency } from './cluster-throughput.js';
import { measureFailover } from './failover.js';
import { measureReadThroughput, measureTransfer } from './reads-and-transfer.js';
import { measurePacedSpeed } from './paced-speed.js';
import { virtualClockSpeedFigure } from './virtual-clock-speed.js';
import { simSpeedFigures } from './sim-speed.js';
import { checkSpeedFigure } from './check-speed.js';
import { measureLoopbackReplication } from './loopback-replication.js';
import { measureCatchUp, measureMemoryAndRestart } from './snapshot-bench.js';

interface Row {
  what: string;
  result: string;
  target: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const us = (ms: number) => `${Math.round(ms * 1000)} µs`;

export interface BenchOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs every measurement, reporting progress on stderr and the table on stdout. */
export async function runBench(options: { quick: boolean }, out: BenchOutput): Promise<number> {
  const { quick } = options;
  const rows: Row[] = [];
  const report = (row: Row): void => {
    rows.push(row);
    out.stderr.write(`  ${row.what}: ${row.result}\n`);
  };
  out.stderr.write(
    `raft-tui bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${quick ? ' (quick)' : ''}\n`,
  );

  const core = measureCoreThroughput({ commands: quick ? 200_000 : 2_000_000 });
  report({ what: 'core: 3 pure cores in memory, batched', result: `${fmt(core.perSecond)} commits/s`, target: '≥ 300,000/s' });

  for (const f of simSpeedFigures(quick)) report(f);
  report(await measurePacedSpeed(quick ? 20_000 : 60_000));
  report(await virtualClockSpeedFigure(quick));
  report(checkSpeedFigure(quick));

  const dur = quick ? 1000 : 3000;
  // "entries/cmd": log entries per client command; above 1, retries proposed duplicate copies.
  const t3 = await measureClusterThroughput({ nodes: 3, files: false, concurrency: 2000, durationMs: dur });
  report({ what: 'TCP 3 nodes, memory storage, 2000 outstanding', result: throughput(t3), target: '≥ 100,000/s' });
  const t5 = await measureClusterThroughput({ nodes: 5, files: false, concurrency: 2000, durationMs: dur });
  report({ what: 'TCP 5 nodes, memory storage, 2000 outstanding', result: throughput(t5), target: '≥ 50,000/s' });
  const tf = await measureClusterThroughput({ nodes: 3, files: true, concurrency: 2000, durationMs: dur });
  report({ what: 'TCP 3 nodes, files + fsync (group commit)', result: throughput(tf), target: '≥ 50,000/s' });
  const tb = await measureClusterThroughput({ nodes: 3, files: true, concurrency: 1000, durationMs: dur, valueBytes: 1024 });
  report({ what: 'TCP 3 nodes, files, 1 KB values, 1000 outstanding', result: throughput(tb), target: '1.00 entries/cmd' });
  report({
    what: 'fsync vs memory storage, TCP 3 nodes',
    result: `${Math.round((tf.perSecond / t3.perSecond) * 100)}%`,
    target: '≥ 80%',
  });
  const bare = await measureLoopbackReplication({ durationMs: dur, batch: 100, window: 64 });
  report({
    what: `bare loopback replication, 2 followers, 100 entries of ${Math.round(bare.bytesPerEntry)} B a line`,
    result: `${fmt(bare.entriesPerSecond)} entries/s; the cluster (3 nodes, memory) does ${Math.round((t3.perSecond / bare.entriesPerSecond) * 100)}% of it`,
    target: 'cluster ≥ 50%',
  });

  const mem = await measureMemoryAndRestart({ nodes: 5, early: quick ? 20_000 : 100_000, total: quick ? 200_000 : 1_000_000, keys: 1000 });
  report({
    what: `RSS, 5 nodes TCP fsync, 1,000 keys: after ${fmt(mem.early.commands)} vs ${fmt(mem.late.commands)} SETs`,
    result: `${fmt(mem.early.rssMb)} MB → ${fmt(mem.late.rssMb)} MB (${(mem.late.rssMb / mem.early.rssMb).toFixed(2)}×)`,
    target: '≤ 1.5×',
  });
  report({
    what: `restart of that folder (snapshot at ${fmt(mem.snapshotIndex)}): first commit`,
    result: restartsText(mem.restartsMs),
    target: '≤ 500 ms',
  });
  const behind = quick ? 20_000 : 100_000;
  const cu = await measureCatchUp({ nodes: 3, behind, keys: 1000 });
  report({
    what: `a follower ${fmt(behind)} entries behind catches up (TCP, 3 nodes)`,
    result: `${fmt(cu.ms)} ms${cu.bySnapshot ? ', by InstallSnapshot' : ', without a snapshot'}`,
    target: '< 1,000 ms',
  });

  const requests = quick ? 500 : 3000;
  const lm = await measureLatency({ nodes: 3, files: false, requests });
  report({
    what: 'latency, 1 client, 3 nodes, memory',
    result: `p50 ${us(lm.p50Ms)}, p99 ${us(lm.p99Ms)}`,
    target: 'p50 ≤ 100 µs, p99 ≤ 1 ms',
  });
  const lf = await measureLatency({ nodes: 3, files: true, requests: Math.round(requests / 2) });
  report({
    what: 'latency, 1 client, 3 nodes, fsync',
    result: `p50 ${us(lf.p50Ms)}, p99 ${us(lf.p99Ms)}`,
    target: 'p50 ≤ 0.5 ms, p99 ≤ 2 ms',
  });

  // The same client, nodes as their own OS processes (files + fsync, loopback TCP, admin endpoints).
  const tp = await measureClusterThroughput({ nodes: 3, files: true, concurrency: 2000, durationMs: dur, hosting: 'processes' });
  report({
    what: 'processes: TCP 3 nodes, files + fsync, 2000 outstanding',
    result: `${throughput(tp)} (in-process ${fmt(tf.perSecond)}/s)`,
    target: 'reported',
  });
  const lp = await measureLatency({ nodes: 3, files: true, requests: Math.round(requests / 2), hosting: 'processes' });
  report({
    what: 'processes: latency, 1 client, 3 nodes, fsync',
    result: `p50 ${us(lp.p50Ms)}, p99 ${us(lp.p99Ms)} (in-process p50 ${us(lf.p50Ms)}, p99 ${us(lf.p99Ms)})`,
    target: 'reported',
  });

  const reads = await measureReadThroughput({ nodes: 3, concurrency: 2000, durationMs: dur });
  report({
    what: 'TCP 3 nodes, GET by ReadIndex vs SET, 2000 outstanding',
    result:
      `${fmt(reads.getsPerSecond)} GETs/s = ${(reads.getsPerSecond / reads.setsPerSecond).toFixed(1)}× ${fmt(reads.setsPerSecond)} SETs/s` +
      ` (CPU ${reads.getCpuMicros.toFixed(1)} vs ${reads.setCpuMicros.toFixed(1)} µs/op)`,
    target: 'GETs ≥ 3× SETs',
  });
  const tr = await measureTransfer({ nodes: 5, transfers: quick ? 10 : 40 });
  report({
    what: `leadership transfer, 5 nodes, quiet, ${tr.transfers} transfers`,
    result: `median ${tr.medianHeartbeats.toFixed(2)} heartbeats, p99 ${tr.p99Heartbeats.toFixed(2)}`,
    target: 'median < 2 heartbeats',
  });

  const T = 150;
  const fo = await measureFailover({ nodes: 5, crashes: quick ? 10 : 50, t: T });
  report({
    what: `failover, 5 nodes, timeout [${T}, ${2 * T}] ms, ${fo.samplesMs.length} crashes`,
    result: `median ${fo.medianT.toFixed(2)} T, p99 ${fo.p99T.toFixed(2)} T`,
    target: 'median ≤ 1.3 T, p99 ≤ 2.5 T',
  });

  const w1 = Math.max(...rows.map((r) => r.what.length));
  const w2 = Math.max(...rows.map((r) => r.result.length));
  out.stdout.write(`\n${'measure'.padEnd(w1)}  ${'result'.padEnd(w2)}  target\n`);
  for (const r of rows) out.stdout.write(`${r.what.padEnd(w1)}  ${r.result.padEnd(w2)}  ${r.target}\n`);
  out.stdout.write(`\nmeasured by: npm run bench${quick ? ' -- --quick' : ''}\n`);
  return 0;
}

/** "81,139 SETs/s, 1.00 entries/cmd". */
function throughput(t: { perSecond: number; entriesPerCommand: number }): string {
  return `${fmt(t.perSecond)} SETs/s, ${t.entriesPerCommand.toFixed(2)} entries/cmd`;
}

/** The first restart, then the median and range of all of them. */
function restartsText(ms: readonly number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${fmt(ms[0]!)} ms the first time; median of ${ms.length} restarts ${fmt(median)} ms (${fmt(sorted[0]!)}–${fmt(sorted.at(-1)!)})`;
}
