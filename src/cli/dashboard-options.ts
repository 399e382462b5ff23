/**
 * The dashboard's flags: their yargs declarations, and the check that turns parsed values into
 * cluster options or ONE line saying what is wrong and how to fix it.
 */
import type { Argv } from 'yargs';
import type { ClusterOptions } from '../cluster/types.js';
import { UsageError } from './io.js';

/**
 * A pace a person can follow: 150-300 ms timeouts at 0.1× are 1.5-3 s of real time, and each
 * message takes 15-25 ms (about a tenth of the timeout, as RaftScope does): 150-250 ms of real
 * time, so every vote request and reply can be seen in flight and an election takes a second
 * or more.
 */
export const DEFAULTS = {
  nodes: 5,
  speed: 0.1,
  electionTimeout: '150-300',
  heartbeat: 50,
  latency: '15-25',
  transport: 'tcp',
} as const;

export function declareDashboardOptions(y: Argv): Argv {
  return y
    .option('nodes', { alias: 'n', type: 'number', default: DEFAULTS.nodes, requiresArg: true, describe: 'Nodes in the cluster, 1 to 9' })
    .option('seed', { type: 'number', requiresArg: true, describe: 'Seed for every random choice (default: a new one, shown at start)' })
    .option('data-dir', {
      type: 'string',
      requiresArg: true,
      describe: 'Keep node files here and resume from them next time (default: a temporary folder, removed on quit)',
    })
    .option('speed', {
      type: 'number',
      default: DEFAULTS.speed,
      requiresArg: true,
      describe: 'Clock speed: 0.1 is ten times slower than real time (change it live with `speed`)',
    })
    .option('election-timeout', {
      type: 'string',
      default: DEFAULTS.electionTimeout,
      requiresArg: true,
      describe: 'Election timeout range MIN-MAX in ms, before --speed',
    })
    .option('heartbeat', {
      type: 'number',
      default: DEFAULTS.heartbeat,
      requiresArg: true,
      describe: 'Leader heartbeat interval in ms, before --speed',
    })
    .option('latency', {
      type: 'string',
      default: DEFAULTS.latency,
      requiresArg: true,
      describe: 'Every message takes MIN-MAX ms, before --speed (0 for none; change it live with `latency`)',
    })
    .option('base-port', { type: 'number', requiresArg: true, describe: 'Node i listens on port P + i - 1 (default: free ports)' })
    .option('transport', {
      type: 'string',
      choices: ['tcp', 'memory'],
      default: DEFAULTS.transport,
      requiresArg: true,
      describe: 'Loopback TCP sockets, or in-process messages',
    })
    .option('script', { type: 'string', requiresArg: true, describe: 'Play this file of console commands once the dashboard is up' })
    .option('sim', {
      type: 'boolean',
      default: false,
      describe:
        'The deterministic simulator: in-memory network, virtual time paced by the wall clock; with --seed, the same run every time',
    })
    .option('example', {
      type: 'string',
      describe: 'Play a story from the examples library in --sim mode (--example alone lists them)',
    })
    .option('record', { type: 'string', requiresArg: true, describe: 'Record the dashboard as an asciicast v2 file (FILE.cast)' })
    .option('pre-vote', { type: 'boolean', default: true, describe: 'Pre-vote before elections (thesis §9.6); --no-pre-vote turns it off' })
    .option('check-quorum', {
      type: 'boolean',
      default: true,
      describe: 'Leaders step down without a majority (thesis §6.2); --no-check-quorum turns it off',
    })
    .option('processes', {
      type: 'boolean',
      default: false,
      describe: 'Run each node as its own process: crash is SIGKILL, restart respawns it from its files',
    })
    .option('attach', {
      type: 'string',
      requiresArg: true,
      describe: 'Watch nodes running elsewhere: a folder that raft-tui launch runs, or admin addresses HOST:PORT,HOST:PORT,…',
    })
    .option('key-file', { type: 'string', requiresArg: true, describe: 'With --attach addresses: the cluster key file the nodes use' })
    .example('$0', 'five nodes over TCP, at a tenth of real speed')
    .example('$0 --nodes 3 --speed 1', 'three nodes in real time')
    .example('$0 --data-dir ./cluster', 'keep the files; start again later where it stopped')
    .example('$0 --script demo.txt', 'play commands from a file, then carry on by hand')
    .example('$0 --example stranded-leader --record demo.cast', 'a story that replays exactly, recorded')
    .example('$0 --sim --seed 42', 'the simulator: the same seed and commands give the same run')
    .epilog('In the dashboard, type a command (SET x = 1, crash 2, partition 1,2 | 3,4,5, heal) or press F1 for every key.');
}

/** What the dashboard command needs besides the cluster options. */
export interface DashboardSettings {
  cluster: ClusterOptions & { seed: number; nodes: number };
  /** undefined: a fresh temporary folder. */
  dataDir: string | undefined;
  script: string | undefined;
  /** The simulator (clock 'paced'): no files, no sockets. */
  sim: boolean;
  /** --example: '' lists the library; a name plays that example. */
  example: string | undefined;
  record: string | undefined;
  /** --attach: nodes running elsewhere (a launch folder, or admin addresses), and their key file. */
  attach?: string;
  keyFile?: string;
}

/** Checks parsed flags; throws UsageError with one line naming the problem and the fix. */
export function checkDashboardOptions(args: Record<string, unknown>, randomSeed: () => number): DashboardSettings {
  const nodes = single(args, 'nodes');
  if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
    throw new UsageError(`--nodes must be a whole number from 1 to 9 (got ${shown(nodes)}): try --nodes 5`);
  }
  const seedArg = single(args, 'seed');
  if (seedArg !== undefined && (typeof seedArg !== 'number' || !Number.isInteger(seedArg) || seedArg < 0 || seedArg > 2 ** 32 - 1)) {
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295 (got ${shown(seedArg)}): try --seed 42`);
  }
  const speed = single(args, 'speed');
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > 100) {
    throw new UsageError(
      `--speed must be a number above 0 and at most 100 (got ${shown(speed)}): try --speed 0.1 (ten times slower) or --speed 1 (real time)`,
    );
  }
  const range = String(single(args, 'election-timeout') ?? '');
  const m = /^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*(?:ms)?\s*$/.exec(range);
  const emin = m ? Number(m[1]) : NaN;
  const emax = m ? Number(m[2]) : NaN;
  if (!m || emin < 1 || emax < emin) {
    throw new UsageError(
      `--election-timeout must be MIN-MAX in ms with 1 <= MIN <= MAX (got ${range || 'nothing'}): try --election-timeout 150-300`,
    );
  }
  const heartbeat = single(args, 'heartbeat');
  if (typeof heartbeat !== 'number' || !Number.isFinite(heartbeat) || heartbeat < 1) {
    throw new UsageError(`--heartbeat must be a number of ms, at least 1 (got ${shown(heartbeat)}): try --heartbeat 50`);
  }
  if (heartbeat >= emin) {
    // §5.6: broadcastTime ≪ electionTimeout, or followers time out while the leader is alive.
    throw new UsageError(
      `--heartbeat ${heartbeat} must be below the election timeout's minimum ${emin} ms: try --heartbeat ${Math.max(1, Math.floor(emin / 3))}`,
    );
  }
  const latencyText = String(single(args, 'latency') ?? '');
  const lat = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*(?:ms)?\s*$/.exec(latencyText);
  const lmin = lat ? Number(lat[1]) : NaN;
  const lmax = lat ? Number(lat[2] ?? lat[1]) : NaN;
  if (!lat || lmax < lmin || lmax > 60_000) {
    throw new UsageError(
      `--latency must be MIN-MAX in ms with 0 <= MIN <= MAX <= 60000 (got ${latencyText || 'nothing'}): try --latency 15-25 or --latency 0`,
    );
  }
  if (lmax >= emin) {
    // §5.6: broadcastTime ≪ electionTimeout, or no leader is ever elected.
    throw new UsageError(
      `--latency ${latencyText} must stay well below the election timeout's minimum ${emin} ms: try --latency ${Math.floor(emin / 10)}-${Math.floor(emin / 6)}`,
    );
  }
  const basePort = single(args, 'base-port');
  if (
    basePort !== undefined &&
    (typeof basePort !== 'number' || !Number.isInteger(basePort) || basePort < 1 || basePort + nodes - 1 > 65535)
  ) {
    throw new UsageError(
      `--base-port must be a port from 1 to ${65536 - nodes} so ${nodes} ports fit (got ${shown(basePort)}): try --base-port 7001`,
    );
  }
  const transport = single(args, 'transport');
  if (transport !== 'tcp' && transport !== 'memory') throw new UsageError(`--transport must be tcp or memory (got ${shown(transport)})`);
  const dataDir = optionalText(args, 'data-dir');
  const script = optionalText(args, 'script');
  const exampleArg = single(args, 'example');
  const example = exampleArg === undefined ? undefined : String(exampleArg).trim();
  const sim = single(args, 'sim') === true || example !== undefined;
  const record = optionalText(args, 'record');
  if (sim && dataDir !== undefined)
    throw new UsageError('--sim keeps node state in memory (crash and restart still keep it): leave out --data-dir, or leave out --sim');
  const attach = optionalText(args, 'attach');
  const keyFile = optionalText(args, 'key-file');
  const processes = single(args, 'processes') === true;
  if (attach !== undefined && (sim || dataDir !== undefined || processes))
    throw new UsageError('--attach shows nodes that keep their own files and clocks: leave out --data-dir, --sim and --processes');
  if (processes && sim) throw new UsageError('--processes runs real node processes in real time: leave out --sim or --processes');
  if (example && script) throw new UsageError('--example plays its own script: give --example or --script, not both');
  return {
    cluster: {
      nodes,
      seed: typeof seedArg === 'number' ? seedArg : randomSeed(),
      speed,
      electionTimeoutMs: [emin, emax],
      heartbeatMs: heartbeat,
      latencyMs: [lmin, lmax],
      transport: sim ? 'memory' : transport,
      ...(sim ? { clock: 'paced' as const } : {}),
      preVote: single(args, 'pre-vote') !== false,
      checkQuorum: single(args, 'check-quorum') !== false,
      ...(basePort !== undefined ? { basePort } : {}),
      ...(processes ? { hosting: 'processes' as const } : {}),
    },
    dataDir,
    script,
    sim,
    example,
    record,
    ...(attach !== undefined ? { attach } : {}),
    ...(keyFile !== undefined ? { keyFile } : {}),
  };
}

/** A flag's value; given twice, the last one counts (as with most tools). */
function single(args: Record<string, unknown>, name: string): unknown {
  const v = args[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function optionalText(args: Record<string, unknown>, name: string): string | undefined {
  const v = single(args, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} needs a path: see raft-tui --help`);
  return v;
}

/** How a bad value reads inside "(got …)". */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && Number.isNaN(v)) return 'something that is not a number';
  return String(v);
}
