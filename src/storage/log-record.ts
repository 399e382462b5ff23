import type { Entry, Index, Term } from '../raft/types.js';
import { entryProblem } from './log-rules.js';

/**
 * What one log-file record says: an entry to append; that the stored suffix from an index is
 * gone (a durable conflict truncation, §5.3, without rewriting the file); or the commit index as
 * of this point (so a save that only moves commit costs one log fsync, not a hard-state file
 * replace). Payloads are JSON: `{"index":3,"term":2,"type":"normal","data":"SET x = 1"}`,
 * `{"truncateFrom":3}` or `{"commit":2}`.
 */
export type LogRecord =
  | { kind: 'entry'; entry: Entry }
  | { kind: 'truncate'; from: Index }
  | { kind: 'commit'; commit: Index }
  /** First record of a log rewritten after a snapshot (§7): the log starts after (index, term). */
  | { kind: 'base'; index: Index; term: Term };

export function encodeEntryRecord(entry: Entry): Buffer {
  return Buffer.from(JSON.stringify({ index: entry.index, term: entry.term, type: entry.type, data: entry.data }), 'utf8');
}

export function encodeTruncateRecord(from: Index): Buffer {
  return Buffer.from(JSON.stringify({ truncateFrom: from }), 'utf8');
}

export function encodeBaseRecord(index: Index, term: Term): Buffer {
  return Buffer.from(JSON.stringify({ base: index, baseTerm: term }), 'utf8');
}

export function encodeCommitRecord(commit: Index): Buffer {
  return Buffer.from(JSON.stringify({ commit }), 'utf8');
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
    const from = o.truncateFrom;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 1) {
      return { problem: `truncation marker has bad index ${String(from)}` };
    }
    return { kind: 'truncate', from };
  }
  if ('base' in o) {
    const { base, baseTerm } = o;
    const ok = (n: unknown, min: number) => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
    if (!ok(base, 1) || !ok(baseTerm, 1)) return { problem: `log base record has bad index or term ${String(base)}/${String(baseTerm)}` };
    return { kind: 'base', index: base as Index, term: baseTerm as Term };
  }
  if ('commit' in o) {
    const commit = o.commit;
    if (typeof commit !== 'number' || !Number.isSafeInteger(commit) || commit < 0) {
      return { problem: `commit record has bad index ${String(commit)}` };
    }
    return { kind: 'commit', commit };
  }
  const entry = { index: o.index, term: o.term, type: o.type, data: o.data } as Entry;
  const problem = entryProblem(entry);
  return problem === null ? { kind: 'entry', entry } : { problem };
}
