/**
 * `raft-tui check`'s flags: the check that turns their values into a plan, or ONE line naming
 * the problem and the fix; and the command line that replays one seed of a plan.
 */
import { BUG_NAMES, defaultSettings, type BugName, type CheckSettings } from '../sim/check-run-settings.js';
import { FAULT_KINDS, formatFaultList, parseFaultList } from '../sim/nemesis-kinds.js';

/** The flags as parsed (by yargs or by a test); anything may be missing or malformed. */
export interface CheckCommandOptions {
  seeds?: number;
  seed?: number;
  nodes?: number;
  /** Seconds of faults and clients per run: simulated, or wall seconds with tcp. */
  time?: number;
  faults?: string;
  json?: boolean;
  trace?: boolean;
  bug?: string;
  transport?: string;
}

/** What to run. */
export interface CheckPlan {
  /** The first seed and how many: seeds first … first + count - 1. */
  first: number;
  count: number;
  settings: CheckSettings;
  transport: 'memory' | 'tcp';
  json: boolean;
  trace: boolean;
}

export const CHECK_DEFAULTS = {
  seeds: 100,
  /** With --transport tcp each run takes `time` wall seconds: one shorter run by default. */
  tcpSeeds: 1,
  tcpTimeS: 10,
} as const;

const NODES = [3, 5, 7];
const MAX_TIME_S = 86_400;
const MAX_SEEDS = 1_000_000;

/** A flag's value; given twice, the last one counts. */
function single(options: object, name: string): unknown {
  const v = (options as Record<string, unknown>)[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function shown(v: unknown): string {
  if (typeof v === 'number' && Number.isNaN(v)) return 'something that is not a number';
  return String(v);
}

function isWhole(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Checks the flags; the message, when not ok, is one line that says what to type instead. */
export function parseCheckOptions(options: CheckCommandOptions): { ok: true; plan: CheckPlan } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  const transport = single(options, 'transport') ?? 'memory';
  if (transport !== 'memory' && transport !== 'tcp') return fail(`--transport must be memory or tcp (got ${shown(transport)})`);

  const bugArg = single(options, 'bug');
  if (bugArg !== undefined && !(BUG_NAMES as readonly unknown[]).includes(bugArg)) {
    return fail(`unknown --bug ${shown(bugArg)}: use one of ${BUG_NAMES.join(', ')}`);
  }
  const bug = bugArg as BugName | undefined;
  if (bug && transport === 'tcp') return fail('--bug works in the simulator only: drop --transport tcp');
  const defaults = defaultSettings(bug);

  const seeds = single(options, 'seeds');
  const seed = single(options, 'seed');
  if (seeds !== undefined && seed !== undefined) return fail('give --seeds N (seeds 1 to N) or --seed S (that one seed), not both');
  if (seeds !== undefined && !isWhole(seeds, 1, MAX_SEEDS))
    return fail(`--seeds must be a whole number from 1 to ${MAX_SEEDS} (got ${shown(seeds)}): try --seeds 100`);
  if (seed !== undefined && !isWhole(seed, 0, 2 ** 32 - 1))
    return fail(`--seed must be a whole number from 0 to 4294967295 (got ${shown(seed)}): try --seed 42`);

  const nodes = single(options, 'nodes') ?? defaults.nodes;
  if (typeof nodes !== 'number' || !NODES.includes(nodes)) return fail(`--nodes must be 3, 5 or 7 (got ${shown(nodes)}): try --nodes 5`);

  const time = single(options, 'time') ?? (transport === 'tcp' ? CHECK_DEFAULTS.tcpTimeS : defaults.timeMs / 1000);
  if (typeof time !== 'number' || !Number.isFinite(time) || time <= 0 || time > MAX_TIME_S) {
    return fail(`--time must be a number of seconds above 0 and at most ${MAX_TIME_S} (got ${shown(time)}): try --time 60`);
  }
  const timeMs = Math.round(time * 1000);
  if (timeMs < 1) return fail(`--time ${time} is under a millisecond: try --time 1`);

  let faults = defaults.faults;
  const faultsArg = single(options, 'faults');
  if (faultsArg !== undefined) {
    const parsed = parseFaultList(String(faultsArg));
    if (!parsed.ok) return fail(parsed.message);
    faults = parsed.kinds;
  }

  const json = single(options, 'json') === true;
  const trace = single(options, 'trace') === true;
  const count =
    seed !== undefined ? 1 : ((seeds as number | undefined) ?? (transport === 'tcp' ? CHECK_DEFAULTS.tcpSeeds : CHECK_DEFAULTS.seeds));
  if (trace && json) return fail('--trace prints readable lines and --json one object: pick one');
  if (trace && count > 1) return fail('--trace prints the events of one run: give --seed S instead of --seeds');

  return {
    ok: true,
    plan: {
      first: (seed as number | undefined) ?? 1,
      count,
      settings: { nodes, timeMs, faults, bug },
      transport,
      json,
      trace,
    },
  };
}

/** Seconds as the flag takes them: `60`, `2.5`. */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** The exact command that replays `seed` of `plan` with its event trace. */
export function replayCommand(plan: CheckPlan, seed: number): string {
  const s = plan.settings;
  const parts = ['raft-tui check', `--seed ${seed}`, `--nodes ${s.nodes}`, `--time ${formatSeconds(s.timeMs)}`];
  if (s.faults.length !== FAULT_KINDS.length) parts.push(`--faults ${formatFaultList(s.faults)}`);
  if (s.bug) parts.push(`--bug ${s.bug}`);
  if (plan.transport === 'tcp') parts.push('--transport tcp');
  parts.push('--trace');
  return parts.join(' ');
}
