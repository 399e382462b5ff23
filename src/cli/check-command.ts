/**
 * `raft-tui check`: seeded chaos runs of the deterministic simulator (or of a real TCP
 * cluster) under a nemesis, with Raft's safety invariants checked live, a linearizability
 * check of what the clients saw, and a liveness check after healing every fault.
 *
 * Exit status: 0 all good, 1 a violation (safety, linearizability or liveness) was found,
 * 2 called wrongly (one line on stderr says what to type instead).
 */
import type { Argv } from 'yargs';
import { BUG_NAMES, BUGS } from '../sim/check-run-settings.js';
import { FAULT_DESCRIPTIONS, FAULT_GROUPS, FAULT_KINDS } from '../sim/nemesis-kinds.js';
import { CHECK_DEFAULTS, parseCheckOptions, type CheckCommandOptions } from './check-options.js';
import { CheckProgress, type TextSink } from './check-progress.js';
import { checkJson, formatFailures, formatSummary } from './check-report.js';
import { runPlan } from './check-runner.js';

export type { CheckCommandOptions } from './check-options.js';

/** Where `runCheck` writes, and whether a person watches (progress bar, colours). */
export interface CheckIo {
  stdout: TextSink;
  stderr: TextSink;
  /** stderr is a terminal: draw the progress bar in place (else plain lines every few seconds). */
  isTTY: boolean;
  /** For NO_COLOR (https://no-color.org); default process.env. */
  env?: Record<string, string | undefined>;
  /** Terminal width for the bar; default 80. */
  columns?: number;
}

/** A virtual or wall time in ms, right-aligned for trace lines. */
function traceTime(ms: number): string {
  return `${Number.isInteger(ms) ? String(ms) : ms.toFixed(1)} ms`.padStart(12);
}

/**
 * Runs `raft-tui check` with parsed flags and resolves with the exit status. Prints the
 * progress on stderr, then the failures (each with its replay command) and the summary on
 * stdout — or, with `json`, one JSON object on stdout and nothing on stderr.
 */
export async function runCheck(options: CheckCommandOptions, io: CheckIo): Promise<number> {
  const parsed = parseCheckOptions(options);
  if (!parsed.ok) {
    io.stderr.write(`raft-tui check: ${parsed.message}\n`);
    return 2;
  }
  const plan = parsed.plan;
  const env = io.env ?? process.env;
  const color = io.isTTY && !env.NO_COLOR;
  const progress = new CheckProgress(io.stderr, plan.json || plan.trace ? 'off' : io.isTTY ? 'bar' : 'lines', {
    color,
    columns: io.columns ?? 80,
    unit: plan.transport === 'tcp' ? 'runs' : 'seeds',
  });
  const { tally, wallMs } = await runPlan(plan, {
    progress: (t) =>
      progress.update({ done: t.runs, total: plan.count, failures: t.failed, simulatedMs: t.simulatedMs }, t.runs === plan.count),
    ...(plan.trace && { trace: (at: number, text: string) => io.stdout.write(`${traceTime(at)}  ${text}\n`) }),
  });
  progress.finish();
  if (plan.json) {
    io.stdout.write(`${JSON.stringify(checkJson(plan, tally, wallMs), null, 2)}\n`);
  } else {
    if (plan.trace) io.stdout.write('\n');
    io.stdout.write(formatFailures(plan, tally, color));
    io.stdout.write(formatSummary(plan, tally, wallMs, color));
  }
  return tally.failed > 0 ? 1 : 0;
}

/** The text after the options in `raft-tui check --help`: faults, groups, bugs, exit status. */
export function checkEpilog(): string {
  const width = Math.max(...FAULT_KINDS.map((k) => k.length));
  const groups = Object.entries(FAULT_GROUPS)
    .filter(([name]) => name !== 'all')
    .map(([name, kinds]) => `  ${name}: ${kinds.join(', ')}`);
  return [
    'Faults (--faults takes a comma-separated list of these, groups, or none):',
    ...FAULT_KINDS.map((k) => `  ${k.padEnd(width)}  ${FAULT_DESCRIPTIONS[k]}`),
    'Groups:',
    '  all: every fault (the default)',
    ...groups,
    '',
    'Bugs (--bug switches one on, to watch the checkers catch it):',
    ...BUG_NAMES.map((b) => `  ${b}: ${BUGS[b].describe}`),
    '',
    // Prose as one line a paragraph: yargs wraps it to the terminal.
    '--bug figure8 also picks settings under which it shows (unless you give them): 3 nodes, 30 s runs, one entry per AppendEntries, pre-vote off, a fault every 5-60 ms and eager clients; about one seed in twelve fails (17 of seeds 1-200).',
    '',
    'Every run ends by healing every fault and restarting every node: a leader must then commit a new command on every node within 10 s (liveness). Each seed varies pre-vote, check-quorum and batching by itself; the same flags and seed replay the same run.',
    '',
    '--transport tcp runs the same faults, membership changes included (a removed node stops at once there), and the same clients, reader clients included, against a real cluster on 127.0.0.1 with the real clock; --bug works in the simulator only.',
    '',
    'Exit status: 0 all good, 1 a violation was found (the failing seed is printed with the command that replays it with --trace), 2 called wrongly.',
  ].join('\n');
}

/** Declares `check`'s own options on a yargs instance. */
export function declareCheckOptions(y: Argv): Argv {
  return y
    .option('seeds', {
      type: 'number',
      requiresArg: true,
      describe: `run seeds 1 to N (default ${CHECK_DEFAULTS.seeds}; ${CHECK_DEFAULTS.tcpSeeds} with --transport tcp)`,
    })
    .option('seed', { type: 'number', requiresArg: true, describe: 'run this one seed (to replay a failure)' })
    .option('nodes', { type: 'number', requiresArg: true, describe: 'nodes per cluster: 3, 5 or 7 (default 5)' })
    .option('time', {
      type: 'number',
      requiresArg: true,
      describe: `seconds of faults and clients per run: simulated (default 60), or wall seconds with --transport tcp (default ${CHECK_DEFAULTS.tcpTimeS})`,
    })
    .option('faults', {
      type: 'string',
      requiresArg: true,
      describe: 'which faults the nemesis uses, comma-separated (default all; listed below)',
    })
    .option('bug', { type: 'string', requiresArg: true, describe: `switch on a bug on purpose: ${BUG_NAMES.join(', ')}` })
    .option('transport', {
      type: 'string',
      requiresArg: true,
      describe: 'memory: the deterministic simulator (default); tcp: a real cluster on 127.0.0.1 with the real clock',
    })
    .option('json', { type: 'boolean', describe: 'print one JSON object (summary and failures) and no progress' })
    .option('trace', {
      type: 'boolean',
      describe: "print one seed's events as they happen: roles, votes, commits, faults, crashes, client calls",
    })
    .epilog(checkEpilog());
}

/** What the yargs handler needs: where to write, and what to do with the exit status. */
export interface CheckCommandHooks {
  io?: CheckIo;
  /** Default: sets process.exitCode. */
  onExit?: (status: number) => void;
}

function processCheckIo(): CheckIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stderr.isTTY === true,
    env: process.env,
    columns: process.stderr.columns || 80,
  };
}

/** Adds the `check` subcommand to a yargs parser; its handler runs {@link runCheck}. */
export function registerCheckCommand(y: Argv, hooks: CheckCommandHooks = {}): Argv {
  return y.command(
    'check',
    'seeded chaos runs under a nemesis: safety invariants, linearizability and liveness checked',
    (sub) => declareCheckOptions(sub),
    async (args) => {
      const status = await runCheck(args as CheckCommandOptions, hooks.io ?? processCheckIo());
      (hooks.onExit ?? ((s: number) => (process.exitCode = s)))(status);
    },
  );
}

/**
 * `check` in the shape of the CLI's command modules (src/cli/command.ts): list it in
 * src/cli/commands.ts and the CLI's `main` returns its exit status.
 */
export const checkCommand = {
  command: 'check',
  describe: 'seeded chaos runs under a nemesis: safety invariants, linearizability and liveness checked',
  builder: declareCheckOptions,
  run: (
    args: Record<string, unknown>,
    io: {
      stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
      stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
      env: NodeJS.ProcessEnv;
    },
  ): Promise<number> =>
    runCheck(args as CheckCommandOptions, {
      stdout: io.stdout,
      stderr: io.stderr,
      isTTY: io.stderr.isTTY === true,
      env: io.env,
      columns: io.stderr.columns || 80,
    }),
};
