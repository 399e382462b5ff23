/** The console language shared by the dashboard prompt and scripts: parse, run, help, scripts. */
export type { CommandOutcome, ConsoleCommand, ConsoleCommandKind, ConsoleContext, ParseResult } from './types.js';
export { parseConsoleLine } from './parse.js';
export { runConsoleCommand, executeConsoleLine, type RunOptions } from './run.js';
export { runScript, type ScriptOptions, type ScriptResult } from './script.js';
export { COMMANDS, commandHelp, helpFor, helpText, type CommandHelp } from './help.js';
