import { join } from 'node:path';
import { type FileSystem, nodeFileSystem } from './file-system.js';
import type { Index, Snapshot } from '../raft/types.js';
import { fsyncDir, replaceFileAtomically, tempPathFor } from './durable-fs.js';
import { snapshotProblem } from './log-rules.js';
import { checkRecordAt, encodeRecords, RECORD_HEADER_BYTES } from './record-codec.js';
import { StorageCorruptionError } from './storage-error.js';
import type { RecoveryReport } from './types.js';

/**
 * Snapshot files (§7): one per snapshot, named after the last index it covers
 * (`snapshot-0000000000001200.snap`), holding ONE record of the storage framing — length,
 * CRC-32, JSON payload `{index, term, voters, learners, data}` — so a damaged file is detected,
 * never trusted. A file is written under a temporary name, fsynced, renamed, and the folder
 * fsynced: after a crash it is either complete under its real name or debris under the
 * temporary one.
 */

const NAME = /^snapshot-(\d{16})\.snap$/;

export function snapshotFileName(index: Index): string {
  return `snapshot-${String(index).padStart(16, '0')}.snap`;
}

/** Writes `snapshot` durably into `dir` (temp file, fsync, rename, fsync the folder). */
export async function writeSnapshotFile(dir: string, snapshot: Snapshot, fs: FileSystem = nodeFileSystem): Promise<void> {
  const { index, term, voters, learners, data } = snapshot;
  const payload = Buffer.from(JSON.stringify({ index, term, voters, learners, data }), 'utf8');
  await replaceFileAtomically(join(dir, snapshotFileName(index)), encodeRecords([payload]), fs);
}

/** Reads and checks one snapshot file; throws a {@link StorageCorruptionError} on any damage. */
export async function readSnapshotFile(path: string, expectedIndex: Index, fs: FileSystem = nodeFileSystem): Promise<Snapshot> {
  const bytes = await fs.readFile(path);
  const check = checkRecordAt(bytes, 0);
  if (!('size' in check)) throw new StorageCorruptionError(path, 0, `snapshot record: ${check.problem}`);
  if (check.size !== bytes.length)
    throw new StorageCorruptionError(path, check.size, `${bytes.length - check.size} unexpected bytes after the snapshot record`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.subarray(RECORD_HEADER_BYTES).toString('utf8'));
  } catch {
    throw new StorageCorruptionError(path, RECORD_HEADER_BYTES, 'snapshot is not JSON');
  }
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const snapshot = { index: o.index, term: o.term, voters: o.voters, learners: o.learners, data: o.data } as Snapshot;
  const problem = snapshotProblem(snapshot);
  if (problem !== null) throw new StorageCorruptionError(path, RECORD_HEADER_BYTES, problem);
  if (snapshot.index !== expectedIndex)
    throw new StorageCorruptionError(
      path,
      RECORD_HEADER_BYTES,
      `snapshot of index ${snapshot.index} in the file named for ${expectedIndex}`,
    );
  return snapshot;
}

/** The snapshot files in `dir`, newest (highest index) first. */
export async function listSnapshotFiles(dir: string, fs: FileSystem = nodeFileSystem): Promise<{ path: string; index: Index }[]> {
  const found: { path: string; index: Index }[] = [];
  for (const name of await fs.readdir(dir)) {
    const m = NAME.exec(name);
    if (m) found.push({ path: join(dir, name), index: Number(m[1]) });
  }
  return found.sort((a, b) => b.index - a.index);
}

/** Removes the debris of snapshot writes a crash cut short (their real files never appeared). */
export async function removeSnapshotDebris(dir: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith('snapshot-') && name.endsWith('.snap.tmp')) await fs.rm(join(dir, name), { force: true });
  }
}

/**
 * The newest snapshot in `dir` that is intact, and a report for each newer one that is damaged
 * (reported, never trusted: recovery falls back to the one before it).
 */
export async function newestValidSnapshot(
  dir: string,
  fs: FileSystem = nodeFileSystem,
): Promise<{ snapshot: Snapshot | null; path: string | null; reports: RecoveryReport[] }> {
  const reports: RecoveryReport[] = [];
  for (const file of await listSnapshotFiles(dir, fs)) {
    try {
      return { snapshot: await readSnapshotFile(file.path, file.index, fs), path: file.path, reports };
    } catch (err) {
      if (!(err instanceof StorageCorruptionError)) throw err;
      reports.push({
        file: file.path,
        offset: err.offset,
        droppedBytes: 0,
        reason: `damaged snapshot not trusted (${err.reason}); using an older snapshot and the log`,
      });
    }
  }
  return { snapshot: null, path: null, reports };
}

/** Deletes the snapshot files below `index`: the log no longer reaches back to them. */
export async function removeSnapshotsBefore(dir: string, index: Index, fs: FileSystem = nodeFileSystem): Promise<void> {
  let removed = false;
  for (const file of await listSnapshotFiles(dir, fs)) {
    if (file.index >= index) continue;
    await fs.rm(file.path, { force: true });
    removed = true;
  }
  if (removed) await fsyncDir(dir, fs);
}

/** Where a snapshot file is staged while it is written (a leftover one is a crash's debris). */
export function snapshotTempPath(dir: string, index: Index): string {
  return tempPathFor(join(dir, snapshotFileName(index)));
}
