/**
 * The `raft-tui` command line: yargs with one module per subcommand (src/cli/commands.ts).
 * `main` never exits the process; it resolves with the exit status: 0 done, 1 failed,
 * 2 called wrongly (one line on stderr says what and how to fix it).
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { commands } from './cli/commands.js';
import { processIo, UsageError, type CliIo } from './cli/io.js';
import { usageMessage } from './cli/usage-message.js';

/** The package version, read from package.json beside src/ and dist/. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Parses `argv` (without node and the script) and runs the chosen command. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let status = 0;
  let parser: Argv = yargs()
    .scriptName('raft-tui')
    .usage('$0 [options]\n\nA Raft cluster you watch and break from your terminal.')
    .exitProcess(false)
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .version(packageVersion())
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, io.stdout.columns || 80))
    // Throwing stops yargs from running a command after a validation failure.
    .fail((message: string | undefined, error: Error | undefined) => {
      // yargs' own validation errors are usage errors; anything else came from a command.
      if (error && error.name !== 'YError') throw error;
      throw new UsageError(usageMessage(message ?? error?.message ?? 'invalid arguments', argv));
    });
  for (const c of commands) {
    parser = parser.command(
      c.command as string | string[],
      c.describe,
      (y) => c.builder(y),
      async (args) => {
        status = await c.run(args as Record<string, unknown>, io);
      },
    );
  }
  try {
    let shown = '';
    await parser.parseAsync(argv, {}, (_error, _args, output) => {
      shown = output;
    });
    // --help and --version: yargs hands back the text instead of printing it.
    if (shown) io.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
    return status;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`raft-tui: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`raft-tui: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
