/**
 * The shape of one `raft-tui` subcommand. Each lives in its own module
 * (dashboard-command.ts, and check-command.ts / bench-command.ts beside it) and is listed in
 * commands.ts; cli.ts registers them all with yargs and returns what `run` returns.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

export interface CliCommand {
  /** yargs command syntax: '$0' for the default command, 'check [options]', aliases… */
  command: string | readonly string[];
  describe: string;
  /** Declares the command's own options (they do not leak to other commands). */
  builder: (yargs: Argv) => Argv;
  /**
   * Runs the command with the parsed arguments; resolves with the exit status. Throw a
   * UsageError (from io.ts) for a bad flag value: it is printed as one line and exits 2.
   */
  run: (args: Record<string, unknown>, io: CliIo) => Promise<number>;
}
