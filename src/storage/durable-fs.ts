import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The few file-system steps that make writes durable: write everything, fsync a folder so a
 * created or renamed name survives a crash, and replace a file atomically.
 */

/** Writes all of `data` at the handle's position (appends on an 'a' handle). */
export async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, null);
    done += bytesWritten;
  }
}

/**
 * Fsyncs a folder, so that names created, renamed or removed in it are durable. Windows cannot
 * open a folder for this; there it is skipped (NTFS journals its metadata).
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` so that after a crash it holds either the old bytes or the new,
 * never a mix: write a temp file, fsync it, rename it over, fsync the folder.
 */
export async function replaceFileAtomically(path: string, data: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'w');
  try {
    await writeAll(handle, data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/** Where {@link replaceFileAtomically} stages `path`; a leftover one is a crash's debris. */
export function tempPathFor(path: string): string {
  return `${path}.tmp`;
}

export async function removeIfExists(path: string): Promise<void> {
  await rm(path, { force: true });
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
