import type { HardState } from '../raft/types.js';
import { isNotFound, replaceFileAtomically } from './durable-fs.js';
import { type FileSystem, nodeFileSystem } from './file-system.js';
import { copyHardState, hardStateProblem } from './log-rules.js';
import { checkRecordAt, encodeRecords, RECORD_HEADER_BYTES } from './record-codec.js';
import { StorageCorruptionError } from './storage-error.js';

/**
 * The hard-state file: term, votedFor and commit (Figure 2's persistent state besides the log)
 * as ONE record of the log's framing — length, CRC-32, JSON payload — so it carries its own
 * checksum. It is replaced atomically on every change and never appended to.
 */

/**
 * Reads the hard state at `path`; null when there is no such file (the caller decides whether
 * that is a new node or a lost file). Anything that is not exactly one whole record with a
 * matching checksum and a valid hard state — an EMPTY file included — throws a
 * {@link StorageCorruptionError}: a replaced-atomically file is never empty or torn, so damage
 * here is never guessed around (an emptied file would silently forget the term and the vote).
 */
export async function readHardStateFile(path: string, fs: FileSystem = nodeFileSystem): Promise<HardState | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  if (bytes.length === 0) {
    throw new StorageCorruptionError(
      path,
      0,
      "the hard-state file is empty: this node's term, vote and commit index are lost (the file is only ever " +
        'replaced whole, so something outside raft-tui emptied it). Restore the folder from a backup; ' +
        'a node that forgot its vote could vote twice in one term',
    );
  }
  const check = checkRecordAt(bytes, 0);
  if (!('size' in check)) throw new StorageCorruptionError(path, 0, `hard state record: ${check.problem}`);
  if (check.size !== bytes.length) {
    throw new StorageCorruptionError(path, check.size, `${bytes.length - check.size} unexpected bytes after the hard state record`);
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.subarray(RECORD_HEADER_BYTES).toString('utf8'));
  } catch {
    throw new StorageCorruptionError(path, RECORD_HEADER_BYTES, 'hard state is not JSON');
  }
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const hardState = { term: o.term, votedFor: o.votedFor, commit: o.commit } as HardState;
  const problem = hardStateProblem(hardState);
  if (problem !== null) throw new StorageCorruptionError(path, RECORD_HEADER_BYTES, `hard state: ${problem}`);
  return hardState;
}

/** Durably replaces the hard state at `path` (temp file, fsync, rename, fsync the folder). */
export async function writeHardStateFile(path: string, hardState: HardState, fs: FileSystem = nodeFileSystem): Promise<void> {
  const payload = Buffer.from(JSON.stringify(copyHardState(hardState)), 'utf8');
  await replaceFileAtomically(path, encodeRecords([payload]), fs);
}
