import type { Entry, Index } from '../raft/types.js';
import { entryProblem } from './log-rules.js';

/**
 * What one log-file record says: an entry to append, or that the stored suffix from an index is
 * gone (a durable conflict truncation, §5.3, without rewriting the file). Payloads are JSON:
 * `{"index":3,"term":2,"type":"normal","data":"SET x = 1"}` or `{"truncateFrom":3}`.
 */
export type LogRecord = { kind: 'entry'; entry: Entry } | { kind: 'truncate'; from: Index };

export function encodeEntryRecord(entry: Entry): Buffer {
  return Buffer.from(
    JSON.stringify({ index: entry.index, term: entry.term, type: entry.type, data: entry.data }),
    'utf8',
  );
}

export function encodeTruncateRecord(from: Index): Buffer {
  return Buffer.from(JSON.stringify({ truncateFrom: from }), 'utf8');
}

/** The record a payload holds, or why it holds none. */
export function decodeLogRecord(payload: Buffer): LogRecord | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { problem: 'record payload is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'record payload is not a JSON object' };
  }
  const o = value as Record<string, unknown>;
  if ('truncateFrom' in o) {
    const from = o['truncateFrom'];
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 1) {
      return { problem: `truncation marker has bad index ${String(from)}` };
    }
    return { kind: 'truncate', from };
  }
  const entry = { index: o['index'], term: o['term'], type: o['type'], data: o['data'] } as Entry;
  const problem = entryProblem(entry);
  return problem === null ? { kind: 'entry', entry } : { problem };
}
