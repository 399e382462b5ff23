import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFileAtomically } from '../storage/durable-fs.js';
import { currentProcess, type ProcessIdentity, processState } from './process-identity.js';

export const LOCK_FILE_NAME = 'raft-tui.lock';

/** What a lock file says: its owner, and a nonce that makes every lock's content unique. */
interface LockOwner extends ProcessIdentity {
  nonce: string | null;
}

/**
 * Claims a data folder for this process: two clusters writing one set of node files would
 * corrupt each other's logs. Resolves with the function that releases it.
 *
 * Every step that decides ownership is atomic in the file system, so two processes that start
 * together never both win:
 * - a free folder: the lock file is created whole by a hard link (fails if it exists): one
 *   creator succeeds;
 * - a stale lock (its process is gone, or its pid now belongs to a process that started at
 *   another time): a taker first creates, the same way, a claim file named after the stale
 *   lock's exact content; only the one that created it may replace the lock, and only after
 *   re-reading that the lock still holds that content. A later taker of the same stale content
 *   re-reads and finds the new owner.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE_NAME);
  const me = currentProcess();
  const content = `${JSON.stringify({ pid: me.pid, start: me.start, nonce: randomBytes(8).toString('hex') })}\n`;
  const release = async (): Promise<void> => {
    // Only our own lock: never remove one that someone else holds.
    if ((await readIfExists(path)) === content) await rm(path, { force: true });
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await createExclusive(path, content)) return release;
    const current = await readIfExists(path);
    if (current === null) continue; // released meanwhile: try to create it again
    const owner = parseLock(current);
    const state = owner === null ? 'gone' : processState(owner);
    if (state === 'this') throw new Error(`${dir} is already in use by a cluster in this process: stop it first`);
    if (state === 'alive') {
      throw new Error(`${dir} is in use by another raft-tui (process ${owner?.pid}): stop it first, or use another data folder`);
    }
    const claimPath = `${path}.takeover-${createHash('sha256').update(current).digest('hex').slice(0, 16)}`;
    if (!(await createExclusive(claimPath, content))) {
      await waitForOtherTaker(dir, path, claimPath);
      continue; // it has finished by now: the lock names it (refused next turn) or it gave up
    }
    try {
      // Under the claim: the lock changes only by our hand as long as it holds `current`.
      if ((await readIfExists(path)) !== current) continue;
      await replaceFileAtomically(path, Buffer.from(content));
      return release;
    } finally {
      await rm(claimPath, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}: other processes keep claiming it`);
}

/**
 * Creates `path` holding `content` unless it exists. Through a hard link of a finished temp
 * file, so that nobody ever reads the file half written (an empty lock must not look stale).
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(temp, content, { flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Another process holds the claim on the same stale lock: wait (briefly) until it finishes. A
 * claim whose process is gone is a takeover cut short by a crash; guessing around it could let
 * two processes win, so it is refused with what to remove.
 */
async function waitForOtherTaker(dir: string, path: string, claimPath: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const claim = await readIfExists(claimPath);
    if (claim === null) return;
    const taker = parseLock(claim);
    if (taker === null || processState(taker) === 'gone') {
      throw new Error(
        `${dir}: a takeover of its stale lock by process ${taker?.pid ?? '?'} was cut short. ` +
          `If no raft-tui is using this folder, remove ${path} and ${claimPath}, then start again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`could not lock ${dir}: process holding ${claimPath} does not finish taking it over`);
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The owner a lock file names: `{"pid":…,"start":…,"nonce":…}`, or an older file's bare pid. */
function parseLock(text: string): LockOwner | null {
  const bare = /^\s*(\d+)\s*$/.exec(text);
  if (bare) return { pid: Number(bare[1]), start: null, nonce: null };
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o.pid !== 'number' || !Number.isSafeInteger(o.pid) || o.pid <= 0) return null;
    return { pid: o.pid, start: typeof o.start === 'string' ? o.start : null, nonce: typeof o.nonce === 'string' ? o.nonce : null };
  } catch {
    return null;
  }
}
