import type { Entry } from '../raft/types.js';
import { decodeLogRecord } from './log-record.js';
import { appendProblem } from './log-rules.js';
import type { DecodedRecord } from './record-codec.js';
import { StorageCorruptionError } from './storage-error.js';

/** The log that a file's records describe, and how many of its records no longer count. */
export interface ReplayResult {
  entries: Entry[];
  /** Records whose entries were truncated away, plus the truncation markers themselves. */
  deadRecords: number;
}

/**
 * Replays a log file's records in order into the log they describe. Each entry must come right
 * after the one before (index = last + 1, term not going down); a conflict truncation must be an
 * explicit marker. Anything else throws a {@link StorageCorruptionError} naming the record.
 */
export function replayLog(records: readonly DecodedRecord[], file: string): ReplayResult {
  const entries: Entry[] = [];
  let deadRecords = 0;
  for (const { offset, payload } of records) {
    const record = decodeLogRecord(payload);
    if ('problem' in record) throw new StorageCorruptionError(file, offset, record.problem);
    if (record.kind === 'truncate') {
      if (record.from > entries.length) {
        throw new StorageCorruptionError(
          file,
          offset,
          `truncation from index ${record.from} but the log ends at index ${entries.length}`,
        );
      }
      deadRecords += entries.length - (record.from - 1) + 1;
      entries.length = record.from - 1;
      continue;
    }
    const { entry } = record;
    if (entry.index !== entries.length + 1) {
      throw new StorageCorruptionError(
        file,
        offset,
        `entry out of sequence: expected index ${entries.length + 1}, found ${entry.index}`,
      );
    }
    const problem = appendProblem(entries, [entry]);
    if (problem !== null) throw new StorageCorruptionError(file, offset, problem);
    entries.push(entry);
  }
  return { entries, deadRecords };
}
