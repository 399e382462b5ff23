import type { Entry, Index } from '../raft/types.js';
import { type LogBase, NO_BASE } from './log-rules.js';
import { decodeLogRecord } from './log-record.js';
import { appendProblem } from './log-rules.js';
import type { DecodedRecord } from './record-codec.js';
import { StorageCorruptionError } from './storage-error.js';

/** The log that a file's records describe, and how many of its records no longer count. */
export interface ReplayResult {
  /** Where the file's log starts (its base record, written when a snapshot replaced its prefix). */
  base: LogBase;
  /** The entries after `base`. */
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
  let base: LogBase = NO_BASE;
  for (let i = 0; i < records.length; i++) {
    const { offset, payload } = records[i]!;
    const record = decodeLogRecord(payload);
    if ('problem' in record) throw new StorageCorruptionError(file, offset, record.problem);
    if (record.kind === 'base') {
      if (i !== 0) throw new StorageCorruptionError(file, offset, 'a log base record after the first record');
      base = { index: record.index, term: record.term };
      continue;
    }
    const last = base.index + entries.length;
    if (record.kind === 'commit') {
      // Written after the entries it covers, in the same write: they must be here.
      if (record.commit > last) {
        throw new StorageCorruptionError(file, offset, `commit index ${record.commit} but the log ends at index ${last}`);
      }
      if (commit !== null) deadRecords++;
      commit = record.commit;
      continue;
    }
    if (record.kind === 'truncate') {
      if (record.from > last || record.from <= base.index) {
        throw new StorageCorruptionError(file, offset, `truncation from index ${record.from} but the log holds ${base.index + 1}..${last}`);
      }
      deadRecords += last - (record.from - 1) + 1;
      entries.length = record.from - 1 - base.index;
      continue;
    }
    const { entry } = record;
    if (entry.index !== last + 1) {
      throw new StorageCorruptionError(file, offset, `entry out of sequence: expected index ${last + 1}, found ${entry.index}`);
    }
    const problem = appendProblem(entries, [entry], base);
    if (problem !== null) throw new StorageCorruptionError(file, offset, problem);
    entries.push(entry);
  }
  return { base, entries, commit, deadRecords };
}
