import { describe, expect, it } from 'vitest';
import { InvariantChecker, type NodeObservation } from '../../src/check/invariants.js';
import type { Entry, Index, NodeId, Snapshot, Term } from '../../src/raft/types.js';

const e = (index: Index, term: Term): Entry => ({ index, term, type: 'normal', data: `c${index}` });
const snap = (index: Index, term: Term, data = `state@${index}`): Snapshot => ({ index, term, voters: [1, 2], learners: [], data });

/** One observation of a follower of term 1. */
function obs(node: NodeId, at: number, o: Partial<NodeObservation>): NodeObservation {
  return {
    node,
    at,
    role: 'follower',
    term: 1,
    votedFor: null,
    commit: 0,
    applied: 0,
    lastIndex: 0,
    written: [],
    appliedEntries: [],
    ...o,
  };
}

const names = (vs: { invariant: string }[]) => vs.map((v) => v.invariant);

describe('InvariantChecker with snapshots (§7)', () => {
  it('follows a node that compacts, then one that installs the snapshot and applies on from it', () => {
    const c = new InvariantChecker();
    const log = [e(1, 1), e(2, 1), e(3, 1), e(4, 1)];
    expect(c.observe(obs(1, 1, { written: log, commit: 4, applied: 4, lastIndex: 4, appliedEntries: log }))).toEqual([]);
    expect(c.observe(obs(1, 2, { commit: 4, applied: 4, lastIndex: 4, snapshot: snap(3, 1) }))).toEqual([]);
    // Node 2 gets the snapshot over an empty log, then entry 4 after it.
    expect(c.observe(obs(2, 3, { commit: 3, applied: 3, lastIndex: 3, snapshot: snap(3, 1) }))).toEqual([]);
    expect(c.observe(obs(2, 4, { written: [e(4, 1)], commit: 4, applied: 4, lastIndex: 4, appliedEntries: [e(4, 1)] }))).toEqual([]);
    // And restarts from it.
    c.crash(2);
    expect(c.restart({ node: 2, at: 5, term: 1, votedFor: null, entries: [e(4, 1)], snapshot: snap(3, 1) })).toEqual([]);
    expect(c.observe(obs(2, 6, { commit: 4, applied: 4, lastIndex: 4, appliedEntries: [e(4, 1)] }))).toEqual([]);
    expect(c.violationCount).toBe(0);
  });

  it('state machine safety: two snapshots at one index with different states', () => {
    const c = new InvariantChecker();
    const log = [e(1, 1), e(2, 1)];
    for (const n of [1, 2]) c.observe(obs(n, n, { written: log, commit: 2, applied: 2, lastIndex: 2, appliedEntries: log }));
    c.observe(obs(1, 3, { commit: 2, applied: 2, lastIndex: 2, snapshot: snap(2, 1, 'x=1') }));
    const found = c.observe(obs(2, 4, { commit: 2, applied: 2, lastIndex: 2, snapshot: snap(2, 1, 'x=2') }));
    expect(names(found)).toEqual(['state-machine-safety']);
    expect(found[0]!.message).toMatch(/different snapshots at index 2/);
  });

  it('a snapshot must end with the committed entry at its index, and hold committed entries only', () => {
    const c = new InvariantChecker();
    const log = [e(1, 1), e(2, 1)];
    c.observe(obs(1, 1, { written: log, commit: 2, applied: 2, lastIndex: 2, appliedEntries: log }));
    const wrongTerm = c.observe(obs(2, 2, { term: 2, commit: 2, applied: 2, lastIndex: 2, snapshot: snap(2, 2) }));
    expect(names(wrongTerm)).toContain('state-machine-safety');
    expect(wrongTerm[0]!.message).toMatch(/entry committed there/);
    const pastCommit = c.observe(obs(1, 3, { commit: 1, applied: 1, lastIndex: 2, snapshot: snap(2, 1) }));
    expect(names(pastCommit)).toContain('state-machine-safety');
  });

  it('a restart that lost committed entries its snapshot does not cover is caught', () => {
    const c = new InvariantChecker();
    const log = [e(1, 1), e(2, 1), e(3, 1)];
    c.observe(obs(1, 1, { written: log, commit: 3, applied: 3, lastIndex: 3, appliedEntries: log }));
    c.crash(1);
    const found = c.restart({ node: 1, at: 2, term: 1, votedFor: null, entries: [], snapshot: snap(2, 1) });
    expect(names(found)).toEqual(['commit-monotonic']);
    expect(found[0]!.evidence.index).toBe(3);
  });
});
