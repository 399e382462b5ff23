import type { Entry, Index } from '../raft/types.js';
import { decodeLogRecord } from './log-record.js';
import { appendProblem } from './log-rules.js';
import type { DecodedRecord } from './record-codec.js';
import { StorageCorruptionError } from './storage-error.js';

/** The log that a file's records describe, and how many of its records no longer count. */
export interface ReplayResult {
  entries: Entry[];
  /** The last commit record's index, or null when the file has none. */
  commit: Index | null;
  /** Truncated entries, truncation markers, and commit records a later one replaced. */
  deadRecords: number;
}

/**
 * Replays a log file's records in order into the log they describe; the last commit record gives
 * the commit index. Each entry must come right after the one before (index = last + 1, term not
 * going down); a conflict truncation must be an explicit marker. Anything else throws a
 * {@link StorageCorruptionError} naming the record.
 */
export function replayLog(records: readonly DecodedRecord[], file: string): ReplayResult {
  const entries: Entry[] = [];
  let deadRecords = 0;
  let commit: Index | null = null;
  for (const { offset, payload } of records) {
    const record = decodeLogRecord(payload);
    if ('problem' in record) throw new StorageCorruptionError(file, offset, record.problem);
    if (record.kind === 'commit') {
      // Written after the entries it covers, in the same write: they must be here.
      if (record.commit > entries.length) {
        throw new StorageCorruptionError(file, offset, `commit index ${record.commit} but the log ends at index ${entries.length}`);
      }
      if (commit !== null) deadRecords++;
      commit = record.commit;
      continue;
    }
    if (record.kind === 'truncate') {
      if (record.from > entries.length) {
        throw new StorageCorruptionError(file, offset, `truncation from index ${record.from} but the log ends at index ${entries.length}`);
      }
      deadRecords += entries.length - (record.from - 1) + 1;
      entries.length = record.from - 1;
      continue;
    }
    const { entry } = record;
    if (entry.index !== entries.length + 1) {
      throw new StorageCorruptionError(file, offset, `entry out of sequence: expected index ${entries.length + 1}, found ${entry.index}`);
    }
    const problem = appendProblem(entries, [entry]);
    if (problem !== null) throw new StorageCorruptionError(file, offset, problem);
    entries.push(entry);
  }
  return { entries, commit, deadRecords };
}
