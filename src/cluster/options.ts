import type { NodeDiskFactory } from './node-disk.js';
import type { ClusterOptions } from './types.js';

/** ClusterOptions with every default filled in and every value checked. */
export interface ResolvedOptions {
  nodes: number;
  transport: 'tcp' | 'memory';
  clock: 'real' | 'virtual' | 'paced';
  seed: number;
  dataDir: string | undefined;
  electionTimeoutMs: [number, number];
  heartbeatMs: number;
  speed: number;
  basePort: number | undefined;
  preVote: boolean;
  checkQuorum: boolean;
  reads: 'readindex' | 'log';
  latencyMs: [number, number];
  hosting: 'inline' | 'processes';
  /** Cluster ms per Raft tick: fine enough for the heartbeat, coarse enough to be cheap. */
  tickMs: number;
  /** A node compacts its log after this many applied entries beyond its last snapshot (§7). */
  snapshotEvery: number;
  /** undefined: the core's default. */
  maxBatchEntries: number | undefined;
  /** The simulator's disks (files on an in-memory, crash-honest file system); undefined: none. */
  disks: NodeDiskFactory | undefined;
}

/** The default of `snapshotEvery`: a snapshot per 10,000 applied entries. */
export const DEFAULT_SNAPSHOT_EVERY = 10_000;

/** Validates options; throws an Error whose message names the problem and the fix. */
export function resolveOptions(o: ClusterOptions = {}): ResolvedOptions {
  const nodes = o.nodes ?? 5;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error(`nodes must be a whole number from 1 to 9 (got ${nodes})`);
  const clock = o.clock ?? 'real';
  if (clock !== 'real' && clock !== 'virtual' && clock !== 'paced')
    throw new Error(`clock must be 'real', 'virtual' or 'paced' (got ${String(clock)})`);
  // 'paced' is the simulator's clock: it implies the in-memory network.
  const transport = o.transport ?? (clock === 'paced' ? 'memory' : 'tcp');
  if (transport !== 'tcp' && transport !== 'memory') throw new Error(`transport must be 'tcp' or 'memory' (got ${String(transport)})`);
  if (clock !== 'real' && transport !== 'memory')
    throw new Error(`clock '${clock}' needs transport 'memory': real sockets cannot wait for virtual time`);
  const [emin, emax] = o.electionTimeoutMs ?? [150, 300];
  if (!(Number.isFinite(emin) && Number.isFinite(emax) && emin >= 1 && emax >= emin))
    throw new Error(`electionTimeoutMs must be [min, max] with 1 <= min <= max (got [${emin}, ${emax}])`);
  const heartbeatMs = o.heartbeatMs ?? 50;
  if (!(Number.isFinite(heartbeatMs) && heartbeatMs >= 1 && heartbeatMs < emin))
    throw new Error(`heartbeatMs must be at least 1 and below the election timeout's minimum ${emin} (got ${heartbeatMs})`);
  const speed = o.speed ?? 1;
  // A paced clock may run as fast as it can (Infinity): a replay, a test, a rewind.
  if (!((Number.isFinite(speed) || (clock === 'paced' && speed === Infinity)) && speed > 0))
    throw new Error(`speed must be above 0 (got ${speed})`);
  if (o.basePort !== undefined && !(Number.isInteger(o.basePort) && o.basePort >= 1 && o.basePort + nodes - 1 <= 65535))
    throw new Error(`basePort must leave room for ${nodes} ports below 65536 (got ${o.basePort})`);
  const reads = o.reads ?? 'readindex';
  if (reads !== 'readindex' && reads !== 'log') throw new Error(`reads must be 'readindex' or 'log' (got ${String(reads)})`);
  const [lmin, lmax] = o.latencyMs ?? [0, 0];
  if (!(Number.isFinite(lmin) && Number.isFinite(lmax) && lmin >= 0 && lmax >= lmin && lmax <= 60_000))
    throw new Error(`latencyMs must be [min, max] with 0 <= min <= max <= 60000 (got [${lmin}, ${lmax}])`);
  const hosting = o.hosting ?? 'inline';
  if (hosting !== 'inline' && hosting !== 'processes') throw new Error(`hosting must be 'inline' or 'processes' (got ${String(hosting)})`);
  if (hosting === 'processes' && (clock !== 'real' || transport !== 'tcp'))
    throw new Error(
      "hosting 'processes' needs clock 'real' and transport 'tcp': nodes in other processes talk over real sockets in real time",
    );
  const tickMs = Math.max(1, Math.min(10, Math.floor(heartbeatMs / 5)));
  const snapshotEvery = o.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  if (!(Number.isSafeInteger(snapshotEvery) && snapshotEvery >= 1))
    throw new Error(`snapshotEvery must be a whole number of entries, 1 or more (got ${snapshotEvery})`);
  const maxBatchEntries = o.maxBatchEntries;
  if (maxBatchEntries !== undefined && !(Number.isSafeInteger(maxBatchEntries) && maxBatchEntries >= 1))
    throw new Error(`maxBatchEntries must be a whole number of entries, 1 or more (got ${maxBatchEntries})`);
  // Virtual time races ahead of a real disk: a vote or an entry would not be stored before the
  // timeouts it was meant to come before (Figure 2: persist before responding).
  if (clock !== 'real' && o.dataDir !== undefined)
    throw new Error(
      `clock '${clock}' keeps node state in memory (or on simulated disks: disks): real files cannot wait for virtual time. Leave out dataDir, or use clock 'real'`,
    );
  if (o.disks && (clock === 'real' || o.dataDir !== undefined))
    throw new Error("disks (simulated disks) need clock 'virtual' or 'paced', and no dataDir");
  return {
    nodes,
    transport,
    clock,
    seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
    dataDir: o.dataDir,
    electionTimeoutMs: [emin, emax],
    heartbeatMs,
    speed,
    basePort: o.basePort,
    preVote: o.preVote ?? true,
    checkQuorum: o.checkQuorum ?? true,
    reads,
    latencyMs: [lmin, lmax],
    hosting,
    tickMs,
    snapshotEvery,
    maxBatchEntries,
    disks: o.disks,
  };
}
