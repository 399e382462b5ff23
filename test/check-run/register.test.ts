import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { checkCommand, registerCheckCommand, type CheckIo } from '../../src/cli/check-command.js';
import type { CliCommand } from '../../src/cli/command.js';

function capture(): { io: CheckIo; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, env: {} },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** Parses `argv` with a parser that has only the check command, as the CLI would. */
async function parse(argv: string[]) {
  const c = capture();
  let status: number | undefined;
  let shown = '';
  const parser = registerCheckCommand(yargs().scriptName('raft-tui').exitProcess(false).strict().help(), {
    io: c.io,
    onExit: (s) => (status = s),
  });
  await parser.parseAsync(argv, {}, (_error, _args, output) => {
    shown = output;
  });
  return { status, shown, out: c.out(), err: c.err() };
}

describe('registerCheckCommand (yargs)', () => {
  it('parses the flags and hands runCheck’s exit status to onExit', async () => {
    const ok = await parse(['check', '--seeds', '2', '--time', '1', '--nodes', '3', '--faults', 'crashes,drop', '--json']);
    expect(ok.status).toBe(0);
    const json = JSON.parse(ok.out) as { settings: { nodes: number; faults: string[]; seeds: { count: number } } };
    expect(json.settings).toMatchObject({
      nodes: 3,
      seeds: { count: 2 },
      faults: ['crash-one', 'crash-minority', 'crash-majority', 'crash-all', 'drop'],
    });

    const bad = await parse(['check', '--seed', 'abc']);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/^raft-tui check: --seed must be a whole number .*\n$/);
  });

  it('--help lists the options and every fault kind', async () => {
    const help = await parse(['check', '--help']);
    expect(help.status).toBeUndefined();
    for (const text of [
      '--seeds',
      '--seed',
      '--nodes',
      '--time',
      '--faults',
      '--bug',
      '--transport',
      '--json',
      '--trace',
      'majorities-ring',
      'long-delay',
      'figure8',
    ]) {
      expect(help.shown).toContain(text);
    }
  });

  it('checkCommand has the shape of the CLI’s command modules and returns the exit status', async () => {
    // Fits the CLI's command list (src/cli/commands.ts) as it is.
    const asListed: CliCommand = checkCommand;
    expect(asListed.command).toBe('check');
    const out: string[] = [];
    const stream = { write: (s: string) => out.push(s) > 0, isTTY: false } as unknown as NodeJS.WriteStream;
    const status = await checkCommand.run({ nodes: 9 }, { stdout: stream, stderr: stream, env: {} });
    expect(status).toBe(2);
    expect(out.join('')).toContain('--nodes must be 3, 5 or 7 (got 9)');
  });
});
