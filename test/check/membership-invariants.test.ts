import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../src/check/invariants.js';
import type { NodeObservation } from '../../src/check/observation.js';
import type { Entry } from '../../src/raft/types.js';

const noop = (index: number, term: number): Entry => ({ index, term, type: 'noop', data: '' });
const conf = (index: number, term: number, voters: number[], learners: number[] = []): Entry => ({
  index,
  term,
  type: 'config',
  data: JSON.stringify({ voters, learners }),
});

function leader(o: Partial<NodeObservation>): NodeObservation {
  return {
    node: 1,
    at: 0,
    role: 'leader',
    term: 1,
    votedFor: 1,
    commit: 0,
    applied: 0,
    lastIndex: 0,
    written: [],
    appliedEntries: [],
    ...o,
  };
}

describe('membership invariants (thesis ch. 4)', () => {
  it('§4.1 one-config-change: a leader holding two uncommitted configuration entries is caught', () => {
    const ok = new InvariantChecker();
    ok.observe(
      leader({ written: [noop(1, 1), conf(2, 1, [1, 2, 3], [4])], lastIndex: 2, commit: 1, applied: 1, appliedEntries: [noop(1, 1)] }),
    );
    ok.observe(
      leader({ written: [conf(3, 1, [1, 2, 3, 4])], lastIndex: 3, commit: 2, applied: 2, appliedEntries: [conf(2, 1, [1, 2, 3], [4])] }),
    );
    expect(ok.violations).toEqual([]);
    expect(ok.checksBy['one-config-change']).toBe(2);

    const bad = new InvariantChecker();
    bad.observe(leader({ written: [noop(1, 1), conf(2, 1, [1, 2, 3], [4]), conf(3, 1, [1, 2, 3, 4])], lastIndex: 3, commit: 1 }));
    expect(bad.violations.map((v) => v.invariant)).toEqual(['one-config-change']);
    expect(bad.violations[0]!.message).toBe('leader 1 holds 2 uncommitted configuration entries (indexes 2, 3; commit 1) in term 1');
  });

  it('§4.1 one-config-change: an uncommitted entry truncated away no longer counts', () => {
    const c = new InvariantChecker();
    c.observe({ ...leader({ role: 'follower', votedFor: null }), written: [noop(1, 1), conf(2, 1, [1, 2], [3])], lastIndex: 2, commit: 1 });
    // A new leader's log overwrites index 2, then it appends its own change: one pending.
    c.observe(leader({ term: 2, written: [noop(2, 2), conf(3, 2, [1, 2], [4])], lastIndex: 3, commit: 2 }));
    expect(c.violations).toEqual([]);
  });

  it('§4.2.1 voter-quorum: a commit counted on a learner, or on less than a majority of voters, is caught', () => {
    const c = new InvariantChecker();
    c.observe(leader({ written: [noop(1, 1)], lastIndex: 1, commit: 1, commits: [{ index: 1, quorum: [1, 2], voters: [1, 2, 3] }] }));
    expect(c.violations).toEqual([]);
    c.observe(leader({ commit: 1, commits: [{ index: 1, quorum: [1, 4], voters: [1, 2, 3] }] }));
    c.observe(leader({ commit: 1, commits: [{ index: 1, quorum: [1, 2], voters: [1, 2, 3, 4, 5] }] }));
    expect(c.violations.filter((v) => v.invariant === 'voter-quorum').map((v) => v.message)).toEqual([
      'node 1 committed index 1 counting n1 n4: n4 not a voter of voters n1 n2 n3',
      'node 1 committed index 1 counting n1 n2: not a majority of voters n1 n2 n3 n4 n5',
    ]);
  });
});
