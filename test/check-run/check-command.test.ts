import { describe, expect, it } from 'vitest';
import { checkEpilog, runCheck, type CheckCommandOptions, type CheckIo } from '../../src/cli/check-command.js';
import { parseCheckOptions, replayCommand } from '../../src/cli/check-options.js';
import { FAULT_KINDS } from '../../src/sim/nemesis-kinds.js';

/** A CheckIo that keeps what is written. */
function captureIo(isTTY = false, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CheckIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    isTTY,
    env,
    columns: 100,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** Turns a printed `raft-tui check --flag value …` line back into options, as a shell and yargs would. */
function optionsOf(command: string): CheckCommandOptions {
  const words = command.split(/\s+/);
  expect(words.slice(0, 2)).toEqual(['raft-tui', 'check']);
  const options: Record<string, unknown> = {};
  for (let i = 2; i < words.length; i++) {
    const name = words[i]!.replace(/^--/, '');
    const next = words[i + 1];
    if (next === undefined || next.startsWith('--')) {
      options[name] = true;
    } else {
      options[name] = /^\d+(\.\d+)?$/.test(next) ? Number(next) : next;
      i++;
    }
  }
  return options as CheckCommandOptions;
}

describe('runCheck exit status', () => {
  it('0 when every run passes, with the summary table on stdout', async () => {
    const c = captureIo();
    expect(await runCheck({ seeds: 3, time: 3 }, c.io)).toBe(0);
    const out = c.stdout();
    for (const row of [
      'runs',
      'simulated time',
      'client operations',
      'elections won',
      'faults injected',
      'invariant checks',
      'linearizability',
      'liveness after heal',
      'wall time',
      'speed',
    ]) {
      expect(out).toContain(row);
    }
    expect(out).toMatch(/runs\s+3 \(3 passed, 0 failed\)/);
    expect(out).toMatch(/linearizability\s+3 linearizable, 0 not/);
    expect(out).toMatch(/PASS: no safety, linearizability or liveness violation in 3 runs\n$/);
    expect(out).not.toContain('\x1b[');
  });

  it('1 on a violation: the failing seed, the violation with its evidence, and the replay command', async () => {
    const c = captureIo();
    expect(await runCheck({ seeds: 3, time: 2, bug: 'apply-before-commit' }, c.io)).toBe(1);
    const out = c.stdout();
    expect(out).toMatch(/FAIL seed 1: safety violation\n {2}index-order: node \d has applied/);
    expect(out).toContain('evidence:');
    expect(out).toContain('replay: raft-tui check --seed 1 --nodes 5 --time 2 --bug apply-before-commit --trace');
    expect(out).toMatch(/FAIL: 3 of 3 runs failed \(first: seed 1\)\n$/);
  });

  const invalid: [CheckCommandOptions, RegExp][] = [
    [{ nodes: 4 }, /--nodes must be 3, 5 or 7 \(got 4\)/],
    [{ seeds: 0 }, /--seeds must be a whole number/],
    [{ seeds: 2, seed: 3 }, /not both/],
    [{ seed: -1 }, /--seed must be a whole number/],
    [{ time: 0 }, /--time must be a number of seconds above 0/],
    [{ time: Number.NaN }, /not a number/],
    [{ faults: 'halves,meteor' }, /unknown fault "meteor"/],
    [{ bug: 'off-by-one' }, /unknown --bug off-by-one: use one of figure8/],
    [{ transport: 'udp' }, /--transport must be memory or tcp/],
    [{ transport: 'tcp', bug: 'figure8' }, /--bug works in the simulator only/],
    [{ seeds: 2, trace: true }, /--trace prints the events of one run/],
    [{ seed: 1, trace: true, json: true }, /pick one/],
  ];
  for (const [options, message] of invalid) {
    it(`2 with one line on stderr for ${JSON.stringify(options)}`, async () => {
      const c = captureIo();
      expect(await runCheck(options, c.io)).toBe(2);
      const err = c.stderr();
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(c.stdout()).toBe('');
    });
  }
});

describe('--json', () => {
  it('prints one JSON object with the settings, the summary and the failures, and no progress', async () => {
    const c = captureIo(true);
    expect(await runCheck({ seeds: 4, time: 2, json: true, bug: 'apply-before-commit', nodes: 3 }, c.io)).toBe(1);
    expect(c.stderr()).toBe('');
    const json = JSON.parse(c.stdout()) as Record<string, any>;
    expect(json.ok).toBe(false);
    expect(json.settings).toEqual({
      seeds: { first: 1, count: 4 },
      nodes: 3,
      timeSeconds: 2,
      faults: [...FAULT_KINDS],
      bug: 'apply-before-commit',
      transport: 'memory',
    });
    expect(json.summary).toMatchObject({ runs: 4, passed: 0, failed: 4 });
    // At least one violation per failed run (one Ready can show more than one).
    expect(json.summary.safetyViolations).toBeGreaterThanOrEqual(4);
    for (const key of ['simulatedSeconds', 'elections', 'invariantChecks', 'wallSeconds', 'simSecondsPerWallSecond'])
      expect(typeof json.summary[key], key).toBe('number');
    expect(Object.keys(json.summary.operations).sort()).toEqual(['attempts', 'failed', 'indeterminate', 'invoked', 'ok', 'retries']);
    expect(Object.keys(json.summary.linearizability).sort()).toEqual(['linearizable', 'skipped', 'unknown', 'violations']);
    expect(json.summary.faults.total).toBeTypeOf('number');
    expect(json.failures).toHaveLength(4);
    const f = json.failures[0];
    expect(f).toMatchObject({
      seed: 1,
      kind: 'safety',
      invariant: 'index-order',
      replay: 'raft-tui check --seed 1 --nodes 3 --time 2 --bug apply-before-commit --trace',
    });
    expect(f.evidence.nodes.length).toBeGreaterThan(0);
  });

  it('a passing run: ok true and no failures', async () => {
    const c = captureIo();
    expect(await runCheck({ seed: 9, time: 2, json: true, faults: 'crashes' }, c.io)).toBe(0);
    const json = JSON.parse(c.stdout()) as Record<string, any>;
    expect(json).toMatchObject({ ok: true, failures: [], summary: { runs: 1, passed: 1, liveness: { ok: 1, failed: 0 } } });
    expect(json.settings.faults).toEqual(['crash-one', 'crash-minority', 'crash-majority', 'crash-all']);
    expect(json.summary.linearizability.linearizable).toBe(1);
  });
});

describe('replaying a failure', () => {
  it('the printed command reproduces the same violation, with a readable trace of the run', async () => {
    const first = captureIo();
    expect(await runCheck({ seeds: 10, time: 4, bug: 'no-election-restriction', json: true }, first.io)).toBe(1);
    const failure = (JSON.parse(first.stdout()) as { failures: { seed: number; message: string; replay: string }[] }).failures[0]!;
    expect(failure.replay).toBe(`raft-tui check --seed ${failure.seed} --nodes 5 --time 4 --bug no-election-restriction --trace`);

    const replay = captureIo();
    expect(await runCheck(optionsOf(failure.replay), replay.io)).toBe(1);
    const out = replay.stdout();
    expect(out).toContain(failure.message.split(': ').slice(1).join(': '));
    expect(out).toMatch(new RegExp(`FAIL seed ${failure.seed}: safety violation`));
    // The trace came first: timed lines about roles, votes and the violation itself.
    expect(out).toMatch(/^ +0 ms {2}seed \d+: 5 nodes/);
    expect(out).toMatch(/\d+ ms {2}n\d becomes leader in term \d+: won the election with votes from/);
    expect(out).toMatch(/\d+ ms {2}VIOLATION leader-completeness/);
    expect(replay.stderr()).toBe('');
  });

  it('the replay command names only what differs from the defaults, and parses back to the same plan', () => {
    const parsed = parseCheckOptions({ seeds: 7, nodes: 3, time: 2.5, faults: 'partitions,drop' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const command = replayCommand(parsed.plan, 5);
    expect(command).toBe('raft-tui check --seed 5 --nodes 3 --time 2.5 --faults partitions,drop --trace');
    const again = parseCheckOptions(optionsOf(command));
    expect(again.ok && again.plan.settings).toEqual(parsed.plan.settings);
  });
});

describe('progress', () => {
  it('not a terminal: plain lines on stderr', async () => {
    const c = captureIo(false);
    await runCheck({ seeds: 2, time: 1 }, c.io);
    expect(c.stderr()).toMatch(/^check: \d+\/2 seeds .*\n/);
    expect(c.stderr()).toContain('check: 2/2 seeds');
    expect(c.stderr()).not.toContain('\r');
  });

  it('a terminal: a bar redrawn in place, coloured unless NO_COLOR is set, cleared at the end', async () => {
    const colour = captureIo(true);
    await runCheck({ seeds: 2, time: 1 }, colour.io);
    expect(colour.stderr()).toMatch(/\r\x1b\[32m█+░*\x1b\[39m 2\/2 seeds/);
    expect(colour.stderr().endsWith('\r\x1b[K')).toBe(true);
    expect(colour.stdout()).toContain('\x1b[32mPASS');

    const plain = captureIo(true, { NO_COLOR: '1' });
    await runCheck({ seeds: 2, time: 1 }, plain.io);
    expect(plain.stderr()).toMatch(/\r█+ 2\/2 seeds/);
    expect(plain.stderr().replace(/\r\x1b\[K/g, '')).not.toContain('\x1b[3');
    expect(plain.stdout()).not.toContain('\x1b[');
  });
});

describe('--help text', () => {
  it('lists every fault with what it does, the groups and the bugs', () => {
    const text = checkEpilog();
    for (const kind of FAULT_KINDS) expect(text).toMatch(new RegExp(`^ {2}${kind} +\\S`, 'm'));
    for (const name of [
      'partitions',
      'crashes',
      'messages',
      'figure8',
      'no-election-restriction',
      'apply-before-commit',
      'unpersisted-vote',
      'stale-read',
      'read-without-quorum',
    ]) {
      expect(text).toContain(name);
    }
  });
});

describe('durations', () => {
  it('read as seconds, minutes or hours', async () => {
    const { formatDuration } = await import('../../src/cli/check-progress.js');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(6_020_000)).toBe('1 h 40 min');
  });
});
