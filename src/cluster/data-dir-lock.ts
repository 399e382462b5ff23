import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'raft-tui.lock';

/** Whether a process with this pid is alive (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a data folder for this process: two clusters writing one set of node files would
 * corrupt each other's logs. A lock left by a process that is gone is taken over. Resolves with
 * the function that releases it.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`${dir} is in use by another raft-tui (process ${pid}): stop it first, or use another data folder`);
      }
      if (pid === process.pid) throw new Error(`${dir} is already in use by a cluster in this process: stop it first`);
      await rm(path, { force: true }); // left behind by a process that is gone
    }
  }
  throw new Error(`could not lock ${dir}: another process keeps claiming it`);
}
