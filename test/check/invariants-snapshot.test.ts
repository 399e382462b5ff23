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

describe('InvariantChecker.retire: a node removed for good (thesis §4.2.2)', () => {
  /** Nodes 1 and 2 write and apply entries 1..n and snapshot at `upTo` (node 2 only if `both`). */
  function run(c: InvariantChecker, n: Index, upTo: Index, both: boolean): void {
    const log = Array.from({ length: n }, (_, i) => e(i + 1, 1));
    for (const node of [1, 2]) c.observe(obs(node, 1, { written: log, commit: n, applied: n, lastIndex: n, appliedEntries: log }));
    for (const node of both ? [1, 2] : [1]) c.observe(obs(node, 2, { commit: n, applied: n, lastIndex: n, snapshot: snap(upTo, 1) }));
  }

  it('keeps every record after the lowest snapshot while a crashed node may come back, and forgets them once it is retired', () => {
    const c = new InvariantChecker();
    run(c, 3000, 2500, false); // node 2 never snapshots
    c.crash(2);
    expect(c.keptFrom).toBe(1); // node 2 could restart with its whole log: every record stays
    c.retire(2);
    expect(c.keptFrom).toBe(2500); // only node 1's snapshot holds now
    expect(c.violationCount).toBe(0);
  });

  it('goes on checking the nodes that stay', () => {
    const c = new InvariantChecker();
    run(c, 3000, 2500, true);
    c.retire(2);
    // Node 1 rewrites a committed entry: still caught.
    c.observe(obs(1, 3, { written: [e(2990, 2)], commit: 3000, applied: 3000, lastIndex: 2990, term: 2 }));
    expect(names(c.violations)).toContain('commit-monotonic');
  });
});
