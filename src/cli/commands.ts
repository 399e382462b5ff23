/**
 * Every `raft-tui` subcommand, in the order `raft-tui --help` lists them. The dashboard is
 * the default command; each other command is a module of its own beside it.
 */
import { benchCommand } from './bench-command.js';
import { checkCommand } from './check-command.js';
import type { CliCommand } from './command.js';
import { dashboardCommand } from './dashboard-command.js';
import { launchCommand } from './launch-command.js';
import { nodeCommand } from './node-command.js';

export const commands: readonly CliCommand[] = [dashboardCommand, checkCommand, benchCommand, nodeCommand, launchCommand];
