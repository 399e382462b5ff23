/** `raft-tui bench`: measures speed on this machine and prints each figure beside its target. */
import type { Argv } from 'yargs';
import { runBench } from '../bench/run-bench.js';
import type { CliCommand } from './command.js';

export const benchCommand: CliCommand = {
  command: 'bench',
  describe: 'measure speed on this machine: core, simulator, check, TCP throughput, latency, failover',
  builder: (y: Argv) =>
    y
      .option('quick', { type: 'boolean', default: false, describe: 'Shorter runs: rougher figures, in about a minute' })
      .epilog('Figures are reported, never asserted. Progress goes to stderr, the table to stdout.'),
  run: (args, io) => runBench({ quick: args.quick === true }, io),
};
