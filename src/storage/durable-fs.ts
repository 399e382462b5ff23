import { dirname } from 'node:path';
import { type FileHandleLike, type FileSystem, nodeFileSystem } from './file-system.js';

/**
 * The few file-system steps that make writes durable: write everything, fsync a folder so a
 * created or renamed name survives a crash, and replace a file atomically.
 */

/** Writes all of `data` at the handle's position (appends on an 'a' handle). */
export async function writeAll(handle: FileHandleLike, data: Uint8Array): Promise<void> {
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
export async function fsyncDir(dir: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  if (process.platform === 'win32' && fs === nodeFileSystem) return;
  const handle = await fs.open(dir, 'r');
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
export async function replaceFileAtomically(path: string, data: Uint8Array, fs: FileSystem = nodeFileSystem): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await fs.open(temp, 'w');
  try {
    await writeAll(handle, data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, path);
  await fsyncDir(dirname(path), fs);
}

/** Where {@link replaceFileAtomically} stages `path`; a leftover one is a crash's debris. */
export function tempPathFor(path: string): string {
  return `${path}.tmp`;
}

export async function removeIfExists(path: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  await fs.rm(path, { force: true });
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
