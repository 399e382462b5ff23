import { describe, expect, it } from 'vitest';
import { InvariantChecker, type NodeObservation, type Violation } from '../../src/check/invariants.js';
import type { Entry, Index, NodeId, Role, Term } from '../../src/raft/types.js';

/** A log entry for fixtures: command `c<index>` unless given. */
function e(index: Index, term: Term, data = `c${index}`): Entry {
  return { index, term, type: 'normal', data };
}

/**
 * A hand-driven node for fixtures: keeps its own log and indexes and reports each change to the
 * checker the way a host does after a Ready.
 */
class FakeNode {
  log: Entry[] = [];
  role: Role = 'follower';
  term: Term = 0;
  votedFor: NodeId | null = null;
  commit: Index = 0;
  applied: Index = 0;
  at = 0;

  constructor(
    readonly id: NodeId,
    private readonly checker: InvariantChecker,
  ) {}

  /** Changes some fields, writes entries (cutting the log where they start), applies up to `apply`. */
  step(change: { role?: Role; term?: Term; votedFor?: NodeId | null; commit?: Index; write?: Entry[]; apply?: Index }): Violation[] {
    if (change.role !== undefined) this.role = change.role;
    if (change.term !== undefined) this.term = change.term;
    if (change.votedFor !== undefined) this.votedFor = change.votedFor;
    if (change.commit !== undefined) this.commit = change.commit;
    const written = change.write ?? [];
    const first = written[0];
    if (first) this.log = [...this.log.slice(0, first.index - 1), ...written];
    const appliedEntries: Entry[] = [];
    if (change.apply !== undefined) {
      for (let i = this.applied + 1; i <= change.apply; i++) appliedEntries.push(this.log[i - 1]!);
      this.applied = change.apply;
    }
    return this.checker.observe(this.observation(written, appliedEntries));
  }

  observation(written: Entry[], appliedEntries: Entry[]): NodeObservation {
    return {
      node: this.id,
      at: ++this.at,
      role: this.role,
      term: this.term,
      votedFor: this.votedFor,
      commit: this.commit,
      applied: this.applied,
      lastIndex: this.log.length,
      written,
      appliedEntries,
    };
  }

  crash(): void {
    this.checker.crash(this.id);
  }

  /** Comes back with the given stored state (default: exactly what it had), commit 0. */
  restart(stored?: { term?: Term; votedFor?: NodeId | null; entries?: Entry[] }): Violation[] {
    this.term = stored?.term ?? this.term;
    this.votedFor = stored?.votedFor !== undefined ? stored.votedFor : this.votedFor;
    this.log = stored?.entries ?? this.log;
    this.role = 'follower';
    this.commit = 0;
    this.applied = 0;
    return this.checker.restart({ node: this.id, at: ++this.at, term: this.term, votedFor: this.votedFor, entries: this.log });
  }
}

function cluster(n: number): { checker: InvariantChecker; nodes: FakeNode[] } {
  const checker = new InvariantChecker();
  const nodes = Array.from({ length: n }, (_, i) => new FakeNode(i + 1, checker));
  return { checker, nodes };
}

function names(vs: Violation[]): string[] {
  return vs.map((v) => v.invariant);
}

describe('InvariantChecker on clean histories', () => {
  it('accepts an election, replication, a truncated stale suffix, a crash and a restart', () => {
    const { checker, nodes } = cluster(3);
    const [n1, n2, n3] = nodes as [FakeNode, FakeNode, FakeNode];
    // Term 1: node 1 wins with node 2's vote and replicates two commands to node 2.
    n1.step({ role: 'candidate', term: 1, votedFor: 1 });
    n2.step({ term: 1, votedFor: 1 });
    n1.step({ role: 'leader', write: [e(1, 1, ''), e(2, 1, 'SET x = 1')] });
    n2.step({ write: [e(1, 1, ''), e(2, 1, 'SET x = 1')] });
    n1.step({ commit: 2, apply: 2 });
    // Node 3, cut off after the no-op, fails a candidacy of its own in term 2.
    n3.step({ write: [e(1, 1, '')], term: 1 });
    n3.step({ role: 'candidate', term: 2, votedFor: 3 });
    // Node 1 leads on; a third entry reaches only node 1 (uncommitted) before it crashes.
    n1.step({ write: [e(3, 1, 'SET y = 2')] });
    n2.step({ commit: 2, apply: 2 });
    n1.crash();
    // Term 3: node 2 wins with node 3 (node 3's log is not longer); appends its no-op at 3.
    n2.step({ role: 'candidate', term: 3, votedFor: 2 });
    n3.step({ role: 'follower', term: 3, votedFor: 2 });
    n2.step({ role: 'leader', write: [e(3, 3, '')] });
    n3.step({ write: [e(2, 1, 'SET x = 1'), e(3, 3, '')] });
    n2.step({ commit: 3, apply: 3 });
    n3.step({ commit: 3, apply: 3 });
    // Node 1 restarts from storage (commit 0) and has its uncommitted entry 3 overwritten.
    expect(n1.restart()).toEqual([]);
    n1.step({ term: 3, votedFor: null });
    n1.step({ write: [e(3, 3, '')], commit: 3, apply: 3 });
    expect(checker.violations).toEqual([]);
    expect(checker.ok).toBe(true);
    expect(checker.checks).toBeGreaterThan(20);
    for (const name of [
      'election-safety',
      'log-matching',
      'leader-completeness',
      'state-machine-safety',
      'term-monotonic',
      'one-vote-per-term',
      'index-order',
      'commit-monotonic',
      'leader-append-only',
    ] as const) {
      expect(checker.checksBy[name], name).toBeGreaterThan(0);
    }
    // The total is the sum of the counts per invariant, every check counted once.
    expect(checker.checks).toBe(Object.values(checker.checksBy).reduce((a, b) => a + b, 0));
  });

  it('accepts an old-term entry committed only through a current-term entry (Figure 8, done right)', () => {
    const { checker, nodes } = cluster(3);
    const [n1, n2, n3] = nodes as [FakeNode, FakeNode, FakeNode];
    n1.step({ role: 'leader', term: 2, votedFor: 1, write: [e(1, 2)] });
    n2.step({ term: 2, votedFor: 1 });
    // Node 3 leads term 3 with node 2's vote, appends an entry nobody else gets.
    n3.step({ role: 'leader', term: 3, votedFor: 3, write: [e(1, 3)] });
    n2.step({ term: 3, votedFor: 3 });
    // Node 1 leads term 4, replicates its term-2 entry and a term-4 entry, then commits both.
    n1.step({ role: 'leader', term: 4, votedFor: 1, write: [e(2, 4)] });
    n2.step({ term: 4, votedFor: 1, write: [e(1, 2), e(2, 4)] });
    n1.step({ commit: 2, apply: 2 });
    n3.step({ role: 'follower', term: 4, write: [e(1, 2), e(2, 4)], commit: 2, apply: 2 });
    expect(checker.violations).toEqual([]);
  });

  it('accepts a leader that repeats the same entries (a rewrite with identical content)', () => {
    const { checker, nodes } = cluster(1);
    const n1 = nodes[0]!;
    n1.step({ role: 'leader', term: 1, votedFor: 1, write: [e(1, 1), e(2, 1)], commit: 2, apply: 2 });
    n1.step({ write: [e(2, 1), e(3, 1)] });
    expect(checker.violations).toEqual([]);
  });
});

describe('InvariantChecker finds', () => {
  it('two leaders in one term (election safety, §5.2)', () => {
    const { checker, nodes } = cluster(3);
    nodes[0]!.step({ role: 'leader', term: 2 });
    const found = nodes[1]!.step({ role: 'leader', term: 2 });
    expect(names(found)).toEqual(['election-safety']);
    expect(found[0]!.evidence).toMatchObject({ nodes: [1, 2], term: 2 });
    expect(checker.ok).toBe(false);
  });

  it('a leader that overwrites its own entry in its term (leader append-only, §5.3)', () => {
    const { nodes } = cluster(1);
    const n = nodes[0]!;
    n.step({ role: 'leader', term: 2, write: [e(1, 2, 'a'), e(2, 2, 'b')] });
    const found = n.step({ write: [e(2, 2, 'changed')] });
    expect(names(found)).toContain('leader-append-only');
    const v = found.find((x) => x.invariant === 'leader-append-only')!;
    expect(v.evidence).toMatchObject({ nodes: [1], term: 2, index: 2 });
    expect(v.evidence.entries).toEqual([
      { node: 1, index: 2, entry: { term: 2, type: 'normal', data: 'b' } },
      { node: 1, index: 2, entry: { term: 2, type: 'normal', data: 'changed' } },
    ]);
  });

  it('a leader that cuts off its own entries in its term (leader append-only, §5.3)', () => {
    const { nodes } = cluster(1);
    const n = nodes[0]!;
    n.step({ role: 'leader', term: 2, write: [e(1, 2), e(2, 2), e(3, 2)] });
    const found = n.step({ write: [e(2, 2)] });
    expect(names(found)).toEqual(['leader-append-only']);
    expect(found[0]!.evidence.entries?.[1]).toEqual({ node: 1, index: 3, entry: null });
  });

  it('two different entries with the same index and term (log matching, §5.3)', () => {
    const { nodes } = cluster(2);
    nodes[0]!.step({ term: 1, write: [e(1, 1, 'a')] });
    const found = nodes[1]!.step({ term: 1, write: [e(1, 1, 'b')] });
    expect(names(found)).toEqual(['log-matching']);
    expect(found[0]!.evidence).toMatchObject({ nodes: [1, 2], index: 1, term: 1 });
  });

  it('the same (index, term) entry over different prefixes (log matching, §5.3)', () => {
    const { nodes } = cluster(2);
    nodes[0]!.step({ term: 2, write: [e(1, 1), e(2, 2)] });
    const found = nodes[1]!.step({ term: 2, write: [e(1, 2, 'other'), e(2, 2)] });
    expect(names(found)).toEqual(['log-matching']);
    expect(found[0]!.evidence).toMatchObject({ nodes: [1, 2], index: 1, before: 1, after: 2 });
  });

  it('two nodes committing different entries at one index (log matching on committed prefixes)', () => {
    const { nodes } = cluster(2);
    nodes[0]!.step({ term: 1, write: [e(1, 1, 'a')], commit: 1 });
    const found = nodes[1]!.step({ term: 2, write: [e(1, 2, 'b')], commit: 1 });
    expect(names(found)).toEqual(['log-matching']);
    expect(found[0]!.message).toContain('committed different entries at index 1');
  });

  it('a new leader without an entry committed in an earlier term (leader completeness, §5.4)', () => {
    const { nodes } = cluster(3);
    nodes[0]!.step({ role: 'leader', term: 1, write: [e(1, 1, 'a')], commit: 1 });
    const found = nodes[1]!.step({ role: 'leader', term: 2, write: [e(1, 2, '')] });
    expect(names(found)).toEqual(['leader-completeness']);
    expect(found[0]!.evidence).toMatchObject({ nodes: [2, 1], term: 2, index: 1 });
  });

  it('a current leader lacking an entry reported committed in an earlier term afterwards (leader completeness)', () => {
    const { nodes } = cluster(3);
    nodes[0]!.step({ term: 1, write: [e(1, 1, 'a')] });
    nodes[1]!.step({ role: 'leader', term: 3, write: [e(1, 3, '')] });
    const found = nodes[0]!.step({ commit: 1 });
    expect(names(found)).toEqual(['leader-completeness']);
    expect(found[0]!.evidence).toMatchObject({ nodes: [2, 1], term: 3, index: 1 });
  });

  it('two nodes applying different entries at one index (state machine safety, §5.4.3)', () => {
    const { nodes } = cluster(2);
    nodes[0]!.step({ term: 1, write: [e(1, 1, 'a')], commit: 1, apply: 1 });
    const found = nodes[1]!.step({ term: 1, write: [e(1, 2, 'b')], commit: 1, apply: 1 });
    expect(names(found)).toContain('state-machine-safety');
    const v = found.find((x) => x.invariant === 'state-machine-safety')!;
    expect(v.evidence.entries).toEqual([
      { node: 1, index: 1, entry: { term: 1, type: 'normal', data: 'a' } },
      { node: 2, index: 1, entry: { term: 2, type: 'normal', data: 'b' } },
    ]);
  });

  it('an apply that skips an index (state machine safety)', () => {
    const { checker } = cluster(0);
    const found = checker.observe({
      node: 1,
      at: 1,
      role: 'follower',
      term: 1,
      votedFor: null,
      commit: 2,
      applied: 2,
      lastIndex: 2,
      written: [e(1, 1), e(2, 1)],
      appliedEntries: [e(2, 1)],
    });
    expect(names(found)).toEqual(['state-machine-safety']);
    expect(found[0]!.evidence).toMatchObject({ nodes: [1], index: 2, before: 0, after: 2 });
  });

  it('an applied entry that is not the one in the log (state machine safety)', () => {
    const { checker } = cluster(0);
    const found = checker.observe({
      node: 1,
      at: 1,
      role: 'follower',
      term: 1,
      votedFor: null,
      commit: 1,
      applied: 1,
      lastIndex: 1,
      written: [e(1, 1, 'a')],
      appliedEntries: [e(1, 1, 'b')],
    });
    expect(names(found)).toEqual(['state-machine-safety']);
  });

  it('a term that goes down, while up and across a restart (§5.1)', () => {
    const { nodes } = cluster(1);
    const n = nodes[0]!;
    n.step({ term: 3 });
    const down = n.step({ term: 2 });
    expect(names(down)).toEqual(['term-monotonic']);
    expect(down[0]!.evidence).toMatchObject({ nodes: [1], before: 3, after: 2 });
    n.crash();
    const restart = n.restart({ term: 1 });
    expect(names(restart)).toEqual(['term-monotonic']);
    expect(restart[0]!.message).toContain('restarted with term 1 after term 3');
  });

  it('two votes in one term, while up and across restarts (§5.2)', () => {
    const { nodes } = cluster(3);
    const n = nodes[0]!;
    n.step({ term: 3, votedFor: 2 });
    const twice = n.step({ votedFor: 3 });
    expect(names(twice)).toEqual(['one-vote-per-term']);
    expect(twice[0]!.evidence).toMatchObject({ nodes: [1, 2, 3], term: 3, before: 2, after: 3 });
    n.crash();
    const forgot = n.restart({ votedFor: null });
    expect(names(forgot)).toEqual(['one-vote-per-term']);
    expect(forgot[0]!.message).toContain('forgot');
    n.crash();
    expect(names(n.restart({ votedFor: 3 }))).toEqual(['one-vote-per-term']);
  });

  it('a second vote or a second leader after many quiet observations of the first (the repeats are not looked up again)', () => {
    const { nodes } = cluster(3);
    const [n1, n2] = [nodes[0]!, nodes[1]!];
    for (let i = 0; i < 3; i++) expect(n1.step({ term: 4, votedFor: 2 })).toEqual([]);
    expect(names(n1.step({ votedFor: 3 }))).toEqual(['one-vote-per-term']);
    // Still the wrong vote: said again at every observation, as before.
    expect(names(n1.step({}))).toEqual(['one-vote-per-term']);
    for (let i = 0; i < 3; i++) expect(n2.step({ role: 'leader', term: 5 })).toEqual([]);
    expect(names(nodes[2]!.step({ role: 'leader', term: 5 }))).toEqual(['election-safety']);
  });

  it('applied > commit, commit > lastIndex, and a lastIndex the writes do not explain (Figure 2)', () => {
    const { nodes, checker } = cluster(1);
    const n = nodes[0]!;
    n.step({ term: 1, write: [e(1, 1), e(2, 1)], commit: 1 });
    expect(names(n.step({ commit: 3 }))).toContain('index-order');
    const appliedAhead = checker.observe({ ...n.observation([], []), commit: 1, applied: 2 });
    expect(names(appliedAhead)).toContain('index-order');
    const unexplained = checker.observe({ ...n.observation([], []), commit: 1, applied: 0, lastIndex: 5 });
    expect(names(unexplained)).toEqual(['index-order']);
    expect(unexplained[0]!.message).toContain('entries written end at 2');
  });

  it('a commit index that goes back while up, and a rewritten committed entry (Figure 2)', () => {
    const { nodes } = cluster(1);
    const n = nodes[0]!;
    n.step({ term: 1, write: [e(1, 1), e(2, 1)], commit: 2 });
    const back = n.step({ commit: 1 });
    expect(names(back)).toEqual(['commit-monotonic']);
    expect(back[0]!.evidence).toMatchObject({ before: 2, after: 1 });
    const rewritten = n.step({ term: 2, write: [e(1, 2, 'x')] });
    expect(names(rewritten)).toContain('commit-monotonic');
    expect(rewritten.find((v) => v.invariant === 'commit-monotonic')!.evidence.index).toBe(1);
  });

  it('a committed entry lost across a restart', () => {
    const { nodes } = cluster(1);
    const n = nodes[0]!;
    n.step({ term: 1, write: [e(1, 1), e(2, 1)], commit: 2 });
    n.crash();
    const found = n.restart({ entries: [e(1, 1)] });
    expect(names(found)).toEqual(['commit-monotonic']);
    expect(found[0]!.evidence).toMatchObject({ index: 2 });
    expect(found[0]!.evidence.entries?.[1]).toEqual({ node: 1, index: 2, entry: null });
  });

  it('keeps counting but stops storing past maxViolations, and calls onViolation', () => {
    const seen: Violation[] = [];
    const checker = new InvariantChecker({ maxViolations: 2, onViolation: (v) => seen.push(v) });
    const n = new FakeNode(1, checker);
    n.step({ term: 5 });
    for (let t = 4; t >= 1; t--) n.step({ term: t });
    expect(checker.violationCount).toBe(4);
    expect(checker.violations).toHaveLength(2);
    expect(seen).toHaveLength(4);
  });
});
