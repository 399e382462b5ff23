import { describe, expect, it } from 'vitest';
import { type CommitObservation, commitsInto, commitsOf } from '../../src/check/commit-observations.js';
import type { RaftEvent } from '../../src/raft/types.js';

const commit = (index: number, voters?: number[]): RaftEvent => ({
  kind: 'commit',
  index,
  term: 1,
  quorum: [1, 2],
  ...(voters && { voters }),
});

describe('commit observations: the commits a Ready announced (thesis §4.2.1)', () => {
  it('commitsInto gives the commit events that name their voters, as commitsOf does', () => {
    const events: RaftEvent[] = [commit(3, [1, 2, 3]), { kind: 'truncate', from: 2, count: 1 }, commit(4), commit(5, [1, 2, 3])];
    expect(commitsInto(events, [])).toEqual(commitsOf(events)?.map((c) => expect.objectContaining(c)));
    expect(commitsInto([commit(4)], [])).toBeUndefined();
    expect(commitsInto([], [])).toBeUndefined();
  });

  it('commitsInto fills the same array each time, shorter or longer, and leaves it alone when there are none', () => {
    const into: CommitObservation[] = [];
    const two = commitsInto([commit(1, [1]), commit(2, [1])], into);
    expect(two).toBe(into);
    expect(into.map((c) => c.index)).toEqual([1, 2]);
    expect(commitsInto([commit(3, [1])], into)).toBe(into);
    expect(into.map((c) => c.index)).toEqual([3]);
    expect(commitsInto([commit(9)], into)).toBeUndefined();
    expect(commitsInto([commit(4, [1]), commit(5, [1]), commit(6, [1])], into)).toBe(into);
    expect(into.map((c) => c.index)).toEqual([4, 5, 6]);
  });
});
