import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect((await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).trim()).toBe(String(process.pid));
    await unlock();
    await expect(readFile(join(dir, LOCK_FILE_NAME), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
