import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, lockDataDir } from '../../src/cluster/data-dir-lock.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the data folder lock', () => {
  it('refuses a folder another live process holds, naming that process, and takes over a lock whose process is gone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'raft-tui-lock-'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, LOCK_FILE_NAME), `${other.pid}\n`);
      await expect(lockDataDir(dir)).rejects.toThrow(new RegExp(`in use by another raft-tui \\(process ${other.pid}\\)`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its process is gone now: the lock is stale, and ours replaces it.
    const unlock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
    await unlock();
    await expect(readFile(join(dir, LOCK_FILE_NAME), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('a live process that is not the owner (its pid reused: another start time) does not hold the lock', async () => {
    dir = await mkdtemp(join(tmpdir(), 'raft-tui-lock-'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, LOCK_FILE_NAME), `${JSON.stringify({ pid: other.pid, start: 'not-its-start-time', nonce: 'x' })}\n`);
      const unlock = await lockDataDir(dir);
      expect(JSON.parse(await readFile(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
      await unlock();
      // The same pid with its real start time is the owner: refused.
      const start = (await readFile(`/proc/${other.pid}/stat`, 'utf8').catch(() => null))?.split(') ')[1]?.split(' ')[19];
      if (start !== undefined) {
        await writeFile(join(dir, LOCK_FILE_NAME), `${JSON.stringify({ pid: other.pid, start, nonce: 'y' })}\n`);
        await expect(lockDataDir(dir)).rejects.toThrow(new RegExp(`process ${other.pid}`));
      }
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
  });

  it('two processes racing for a stale lock: exactly one wins, every time', async () => {
    dir = await mkdtemp(join(tmpdir(), 'raft-tui-lock-race-'));
    const script = fileURLToPath(new URL('../fixtures/lock-racer.ts', import.meta.url));
    const racers = [0, 1].map(() => fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    const next = (child: ChildProcess): Promise<{ won?: boolean; message?: string }> =>
      new Promise((resolve) => child.once('message', (m) => resolve(m as { won?: boolean; message?: string })));
    try {
      await Promise.all(racers.map(next)); // both ready
      const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await new Promise((r) => gone.once('exit', r));
      const trials = 40;
      for (let trial = 0; trial < trials; trial++) {
        // Stale, two ways: an older lock's bare pid of a process that exited; or this test
        // process, alive, but started at another time than the lock says (a reused pid).
        const stale =
          trial % 2 === 0 ? `${gone.pid}\n` : `${JSON.stringify({ pid: process.pid, start: `gone-${trial}`, nonce: `n${trial}` })}\n`;
        await writeFile(join(dir, LOCK_FILE_NAME), stale);
        const answers = racers.map(next);
        for (const r of racers) r.send({ take: dir });
        const results = await Promise.all(answers);
        const winners = results.filter((r) => r.won === true);
        expect(winners, `trial ${trial}: ${JSON.stringify(results)}`).toHaveLength(1);
        expect(results.find((r) => r.won === false)?.message).toMatch(/in use by another raft-tui \(process \d+\)/);
        const winner = racers[results.findIndex((r) => r.won === true)]!;
        const released = next(winner);
        winner.send({ release: true });
        await released;
      }
      const leftovers = (await readdir(dir)).filter((f) => f !== LOCK_FILE_NAME);
      expect(leftovers).toEqual([]);
    } finally {
      for (const r of racers) r.kill('SIGKILL');
    }
  }, 60_000);
});
