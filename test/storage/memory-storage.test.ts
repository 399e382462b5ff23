import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import { entries, entry } from './fixtures.js';

describe('MemoryStorage', () => {
  it('saves synchronously: the state is visible as soon as save returns', () => {
    const s = new MemoryStorage();
    const result = s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 3, 1));
    expect(result).toBeUndefined();
    expect(s.summary()).toEqual({ term: 1, votedFor: 1, lastIndex: 3, snapshotIndex: 0, snapshotTerm: 0 });
  });

  it('keeps its state after close, for a restarted node to load', async () => {
    const s = new MemoryStorage();
    s.save({ term: 4, votedFor: 2, commit: 1 }, entries(1, 2, 4));
    await s.close();
    expect(s.load()).toEqual({ hardState: { term: 4, votedFor: 2, commit: 1 }, snapshot: null, entries: entries(1, 2, 4), reports: [] });
    s.save(null, [entry(3, 4)]);
    expect(s.summary().lastIndex).toBe(3);
  });

  it('starts from a given state, and refuses an invalid one', () => {
    const s = new MemoryStorage({ hardState: { term: 3, votedFor: null, commit: 2 }, entries: [entry(1, 1), entry(2, 3)] });
    expect(s.summary()).toEqual({ term: 3, votedFor: null, lastIndex: 2, snapshotIndex: 0, snapshotTerm: 0 });
    expect(() => new MemoryStorage({ entries: [entry(2, 1)] })).toThrow(/gap/);
    expect(() => new MemoryStorage({ hardState: { term: 1, votedFor: null, commit: 1 } })).toThrow(/commit index 1/);
  });

  it('throws on an out-of-sequence save and changes nothing', () => {
    const s = new MemoryStorage();
    s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 2, 1));
    expect(() => s.save({ term: 2, votedFor: 2, commit: 0 }, [entry(3, 2), entry(5, 2)])).toThrow(/out of sequence/);
    expect(s.load().hardState).toEqual({ term: 1, votedFor: 1, commit: 0 });
    expect(s.summary().lastIndex).toBe(2);
  });
});
