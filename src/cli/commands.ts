/**
 * Every `raft-tui` subcommand, in the order `raft-tui --help` lists them. The dashboard is
 * the default command; add `check` and `bench` here as modules of their own.
 */
import type { CliCommand } from './command.js';
import { dashboardCommand } from './dashboard-command.js';

export const commands: readonly CliCommand[] = [
  dashboardCommand,
  // checkCommand,  (src/cli/check-command.ts)
  // benchCommand,  (src/cli/bench-command.ts)
];
