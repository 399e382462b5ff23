import { describe, expect, it } from 'vitest';
import { summarizeMessage } from '../../src/cluster/message-summary.js';
import { DEFAULT_SNAPSHOT_CHUNK_CHARS } from '../../src/raft/index.js';

describe('message summaries for InstallSnapshot (§7)', () => {
  it('names the snapshot point and which chunk of how many', () => {
    const C = DEFAULT_SNAPSHOT_CHUNK_CHARS;
    const base = { from: 1, to: 4, term: 3, lastIncludedIndex: 1200, lastIncludedTerm: 3, voters: [1, 2, 3, 4, 5], learners: [] };
    const size = 4 * C + 10;
    const second = { ...base, type: 'InstallSnapshot' as const, offset: C, size, data: 'x'.repeat(C), done: false };
    expect(summarizeMessage(second)).toBe(`InstallSnapshot ≤1200/t3 chunk 2/5 (${2 * C} of ${size} chars)`);
    const last = { ...base, type: 'InstallSnapshot' as const, offset: 4 * C, size, data: 'x'.repeat(10), done: true };
    expect(summarizeMessage(last)).toMatch(/chunk 5\/5/);
    const small = { ...base, type: 'InstallSnapshot' as const, offset: 0, size: 3, data: 'abc', done: true };
    expect(summarizeMessage(small)).toBe('InstallSnapshot ≤1200/t3 chunk 1/1 (3 of 3 chars)');
    expect(summarizeMessage({ ...base, type: 'InstallSnapshotResponse', offset: C })).toBe(
      `InstallSnapshotResponse ≤1200/t3 holds ${C} chars`,
    );
  });
});
