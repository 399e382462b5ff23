import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, packageVersion } from '../../src/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { FileStorage } from '../../src/storage/file-storage.js';

/** Runs main() with captured streams; `tty` makes stdin and stdout claim to be terminals. */
async function run(argv: string[], tty = false): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = new PassThrough() as unknown as NodeJS.WriteStream;
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof stdout.write;
  stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof stderr.write;
  Object.assign(stdout, { isTTY: tty, columns: 80 });
  Object.assign(stdin, { isTTY: tty });
  const io: CliIo = { stdin, stdout, stderr, env: {} };
  const status = await main(argv, io);
  return { status, out, err };
}

/** One line on stderr, naming the flag, exit status 2. */
async function rejects(argv: string[], ...mentions: RegExp[]): Promise<void> {
  const r = await run(argv, true);
  expect(r.status).toBe(2);
  expect(r.out).toBe('');
  const lines = r.err.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^raft-tui: /);
  for (const m of mentions) expect(lines[0]).toMatch(m);
}

describe('raft-tui flags', () => {
  it('rejects an unknown flag in one line', () => rejects(['--nodez', '3'], /unknown option --nodez/, /--help/));
  it('rejects nodes outside 1..9', async () => {
    await rejects(['--nodes', '12'], /--nodes must be a whole number from 1 to 9 \(got 12\)/, /try --nodes 5/);
    await rejects(['--nodes', '0'], /--nodes/);
    await rejects(['--nodes', 'many'], /--nodes .*not a number/);
  });
  it('rejects a speed of zero or less', async () => {
    await rejects(['--speed', '0'], /--speed must be a number above 0/, /try --speed 0\.1/);
    await rejects(['--speed', '-1'], /--speed/);
  });
  it('rejects a bad election timeout range', async () => {
    await rejects(['--election-timeout', '300-150'], /--election-timeout must be MIN-MAX/, /try --election-timeout 150-300/);
    await rejects(['--election-timeout', 'soon'], /--election-timeout/);
  });
  it('rejects a heartbeat not shorter than the election timeout', () =>
    rejects(['--heartbeat', '200'], /--heartbeat 200 must be below the election timeout's minimum 150 ms/, /try --heartbeat 50/));
  it('rejects a base port without room for every node', () => rejects(['--base-port', '65534'], /--base-port/, /try --base-port 7001/));
  it('rejects an unknown transport', () => rejects(['--transport', 'udp'], /--transport must be tcp or memory \(got udp\)/));
  it('rejects a flag without its value', () => rejects(['--nodes'], /--nodes needs a value/));
  it('rejects a script that does not exist, naming the file', () =>
    rejects(['--script', 'no-such-file.txt'], /--script no-such-file\.txt: no such file/));
  it('rejects an example that does not exist, naming those that do', () =>
    rejects(['--example', 'no-such-story'], /no example "no-such-story": there are .*stranded-leader/));
  it('rejects --sim with --data-dir: the simulator keeps state in memory', () =>
    rejects(['--sim', '--data-dir', 'x'], /--sim keeps node state in memory/));
  it('lists the examples with their titles when --example has no name', async () => {
    const r = await run(['--example']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^ {2}stranded-leader +A minority cannot commit/m);
    expect(r.out).toMatch(/^ {2}election +Election/m);
  });
});

describe('raft-tui without a terminal', () => {
  it('refuses to start the dashboard, in one line, with exit status 2', async () => {
    const r = await run([]);
    expect(r.status).toBe(2);
    expect(r.err).toBe('raft-tui: the dashboard needs a terminal (run it in an interactive terminal, or use --script with a terminal)\n');
  });
});

describe('raft-tui --help and --version', () => {
  it('prints the options and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    for (const flag of [
      '--nodes',
      '--seed',
      '--data-dir',
      '--speed',
      '--election-timeout',
      '--heartbeat',
      '--base-port',
      '--transport',
      '--script',
      '--pre-vote',
      '--check-quorum',
    ]) {
      expect(r.out).toContain(flag);
    }
    expect(r.err).toBe('');
  });

  it('prints the version from package.json', async () => {
    const r = await run(['--version']);
    expect(r.status).toBe(0);
    expect(r.out.trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('raft-tui stray words', () => {
  it('calls a stray word an unknown command, not an option', async () => {
    const r = await run(['bogus'], true);
    expect(r.status).toBe(2);
    expect(r.err).toBe('raft-tui: unknown command bogus: see raft-tui --help for the commands and options\n');
  });
});

describe('raft-tui subcommands', () => {
  it('lists check beside the dashboard and runs it', async () => {
    const help = await run(['--help']);
    expect(help.out).toMatch(/raft-tui check/);
    const bad = await run(['check', '--nodes', '9']);
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('--nodes must be 3, 5 or 7 (got 9)');
  });

  it('lists bench with its --quick option, and rejects its unknown flags in one line', async () => {
    const help = await run(['--help']);
    expect(help.out).toMatch(/raft-tui bench/);
    const benchHelp = await run(['bench', '--help']);
    expect(benchHelp.status).toBe(0);
    expect(benchHelp.out).toMatch(/--quick/);
    const bad = await run(['bench', '--fast']);
    expect(bad.status).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('raft-tui --data-dir with damaged files', () => {
  it('refuses to start, naming the file, the offset and what to do, and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-tui-damaged-'));
    try {
      const storage = await FileStorage.open(join(dir, 'node-1'));
      const entry = (index: number) => ({ index, term: 1, type: 'normal' as const, data: `SET k = ${index}` });
      await storage.save({ term: 1, votedFor: 1, commit: 0 }, [entry(1), entry(2), entry(3)]);
      await storage.close();
      const log = join(dir, 'node-1', 'log.bin');
      const bytes = await readFile(log);
      bytes[12] = bytes[12]! ^ 0xff; // inside the first record: damage with valid records after it
      await writeFile(log, bytes);
      const r = await run(['--nodes', '3', '--data-dir', dir], true);
      expect(r.status).toBe(1);
      expect(r.err).toContain(`${log} at byte offset 0`);
      expect(r.err).toMatch(/does not start from files it cannot trust/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
