import type { Entry, Snapshot } from '../raft/types.js';
import type { ReplayResult } from './log-replay.js';
import { compactEntries, type LogBase } from './log-rules.js';
import { newestValidSnapshot } from './snapshot-file.js';
import { StorageCorruptionError } from './storage-error.js';
import type { RecoveryReport } from './types.js';
import { type FileSystem, nodeFileSystem } from './file-system.js';

/**
 * Recovery's snapshot step (§7): the newest intact snapshot file, and the log entries after it
 * from what the log file replayed. A damaged snapshot file is reported and passed over; if no
 * intact snapshot reaches the log file's start, the node's state before that point is gone and
 * opening fails with an error naming the log file, instead of starting from a hole.
 */
export async function recoverSnapshot(
  dir: string,
  logPath: string,
  replayed: ReplayResult,
  fs: FileSystem = nodeFileSystem,
): Promise<{ snapshot: Snapshot | null; base: LogBase; entries: Entry[]; reports: RecoveryReport[] }> {
  const { snapshot, reports } = await newestValidSnapshot(dir, fs);
  const fileBase = replayed.base;
  const damaged = reports.length > 0 ? ` (damaged: ${reports.map((r) => r.file).join(', ')})` : '';
  if (snapshot === null) {
    if (fileBase.index > 0)
      throw new StorageCorruptionError(
        logPath,
        0,
        `the log starts after index ${fileBase.index} but no intact snapshot covers it${damaged}`,
      );
    return { snapshot: null, base: fileBase, entries: replayed.entries, reports };
  }
  if (snapshot.index < fileBase.index || (snapshot.index === fileBase.index && snapshot.term !== fileBase.term))
    throw new StorageCorruptionError(
      logPath,
      0,
      `the log starts after index ${fileBase.index} (term ${fileBase.term}) but the newest intact snapshot covers up to ${snapshot.index} (term ${snapshot.term})${damaged}`,
    );
  const entries = replayed.entries;
  // §7: the entries after the snapshot count only if the log leads up to it (it may not after
  // a crash between installing a leader's snapshot and rewriting a conflicting log).
  const base = snapshot.index > fileBase.index ? compactEntries(entries, fileBase, snapshot) : fileBase;
  return { snapshot, base, entries, reports };
}
