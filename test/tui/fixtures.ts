/** Fixture snapshots for dashboard tests: a healthy five-node cluster and variations of it. */
import type { UiState } from '../../src/tui/controller.js';
import type { ClusterSnapshot, LogEntryView, MessageView, NodeView } from '../../src/cluster/types.js';
import type { NodeId } from '../../src/raft/types.js';
import { noFaults } from '../../src/net/fault-filter.js';

const LOG = [
  { index: 1, term: 1, command: '' },
  { index: 2, term: 1, command: 'SET x = 1' },
  { index: 3, term: 2, command: '' },
  { index: 4, term: 2, command: 'SET y = 2' },
  { index: 5, term: 3, command: '' },
  { index: 6, term: 3, command: 'SET z = 3' },
  { index: 7, term: 3, command: 'SET w = 4' },
];

export function nodeView(id: NodeId, change: Partial<NodeView> = {}): NodeView {
  return {
    id,
    up: true,
    role: 'follower',
    term: 3,
    votedFor: 1,
    leader: 1,
    commitIndex: 6,
    lastApplied: 6,
    lastIndex: 7,
    log: LOG,
    kv: { x: '1', y: '2', z: '3' },
    port: 40100 + id,
    electionProgress: 0.4,
    electionTimeoutMs: 2500,
    unreachable: [],
    partitionGroup: null,
    kept: null,
    counters: { sent: 1200, received: 1180, filtered: 3, badInput: 0 },
    progress: null,
    votes: null,
    snapshotIndex: 0,
    snapshotTerm: 0,
    voters: [1, 2, 3, 4, 5],
    learners: [],
    ...change,
  };
}

/** Node 1 leads term 3; the others follow. */
export function healthySnapshot(count = 5, change: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const nodes = Array.from({ length: count }, (_, i) =>
    i === 0 ? nodeView(1, { role: 'leader', electionProgress: null }) : nodeView(i + 1),
  );
  return {
    version: 1,
    takenAt: 1_000_000,
    nodes,
    leader: 1,
    term: 3,
    commitIndex: 6,
    speed: 0.1,
    paused: false,
    faults: noFaults(),
    load: 0,
    messages: { sent: 6000, received: 5900, filtered: 12 },
    transport: 'tcp',
    safety: { checks: 420, violations: 0, first: null },
    inFlight: [],
    ...change,
  };
}

/** Replaces some nodes of a snapshot. */
export function withNodes(s: ClusterSnapshot, ...nodes: NodeView[]): ClusterSnapshot {
  return { ...s, nodes: s.nodes.map((n) => nodes.find((m) => m.id === n.id) ?? n) };
}

/** Nodes 1,2 | 3,4,5: node 3 leads the majority side in term 4. */
export function partitionedSnapshot(): ClusterSnapshot {
  const s = healthySnapshot(5, {
    faults: {
      ...noFaults(),
      partition: [
        [1, 2],
        [3, 4, 5],
      ],
    },
    leader: 3,
    term: 4,
  });
  return withNodes(
    s,
    nodeView(1, { role: 'leader', electionProgress: null, partitionGroup: 1, unreachable: [3, 4, 5] }),
    nodeView(2, { partitionGroup: 1, unreachable: [3, 4, 5] }),
    nodeView(3, { role: 'leader', term: 4, votedFor: 3, leader: 3, electionProgress: null, partitionGroup: 2, unreachable: [1, 2] }),
    nodeView(4, { term: 4, votedFor: 3, leader: 3, partitionGroup: 2, unreachable: [1, 2] }),
    nodeView(5, { term: 4, votedFor: 3, leader: 3, partitionGroup: 2, unreachable: [1, 2] }),
  );
}

/** A message on the wire, for in-flight views. */
export function message(id: number, from: NodeId, to: NodeId, summary: string, sentAt: number, deliverAt: number): MessageView {
  return { id, from, to, type: summary.split(' ')[0] ?? 'AppendEntries', term: 4, summary, sentAt, deliverAt };
}

/** n1 leads term 3 and knows how it sends to each follower (n5 is behind and probed). */
export function leaderProgressSnapshot(): ClusterSnapshot {
  const s = healthySnapshot();
  return withNodes(
    s,
    nodeView(1, {
      role: 'leader',
      electionProgress: null,
      progress: [
        { peer: 2, match: 7, next: 8, inflight: 0, state: 'replicate' },
        { peer: 3, match: 6, next: 8, inflight: 1, state: 'replicate' },
        { peer: 4, match: 7, next: 8, inflight: 0, state: 'replicate' },
        { peer: 5, match: 2, next: 3, inflight: 1, state: 'probe' },
      ],
    }),
  );
}

/**
 * n2 timed out and stands for term 4: n1 and n4 granted, n3 refused, n5 has not answered; its
 * RequestVote to n5 is still on the wire, as are the answers from n1 and n4.
 */
export function electionSnapshot(paused = false): ClusterSnapshot {
  const s = healthySnapshot(5, {
    leader: undefined,
    term: 4,
    paused,
    takenAt: 1_000_100,
    // In the order they will arrive, as the cluster lists them.
    inFlight: [
      message(13, 4, 2, 'RequestVoteResponse term 4 granted', 1_000_060, 1_000_110),
      message(12, 1, 2, 'RequestVoteResponse term 4 granted', 1_000_050, 1_000_120),
      message(11, 2, 5, 'RequestVote term 4 last 7/t3', 1_000_000, 1_000_150),
    ],
  });
  return withNodes(
    s,
    nodeView(1, { term: 4, votedFor: 2, leader: null }),
    nodeView(2, { role: 'candidate', term: 4, votedFor: 2, leader: null, votes: { granted: [1, 2, 4], refused: [3] } }),
    nodeView(3, { term: 4, votedFor: 3, leader: null }),
    nodeView(4, { term: 4, votedFor: 2, leader: null }),
    nodeView(5, { term: 3, leader: 1 }),
  );
}

/** Builds a log from terms: [1, 1, 4] is index 1 term 1, index 2 term 1, index 3 term 4. */
export function logOfTerms(terms: number[]): LogEntryView[] {
  return terms.map((term, i) => ({ index: i + 1, term, command: `SET k = ${i + 1}` }));
}

/**
 * The Raft paper's Figure 7: the leader of term 8 (n1) and followers (a)-(f) as n2-n7, each
 * with the log the figure gives it; the leader has committed up to index 8.
 */
export function figure7Snapshot(): ClusterSnapshot {
  const logs: number[][] = [
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
    [1, 1, 1, 4, 4, 5, 5, 6, 6],
    [1, 1, 1, 4],
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    [1, 1, 1, 4, 4, 4, 4],
    [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  ];
  const nodes = logs.map((terms, i) => {
    const id = i + 1;
    const log = logOfTerms(terms);
    const commit = Math.min(8, terms.length);
    return nodeView(id, {
      role: id === 1 ? 'leader' : 'follower',
      term: 8,
      leader: 1,
      votedFor: 1,
      log,
      lastIndex: terms.length,
      commitIndex: id === 1 ? 8 : Math.min(commit, 3),
      lastApplied: id === 1 ? 8 : Math.min(commit, 3),
      electionProgress: id === 1 ? null : 0.2,
    });
  });
  return { ...healthySnapshot(7), nodes, leader: 1, term: 8, commitIndex: 8 };
}

/** The dashboard's UI state at rest: nothing typed, n1 selected, the node panels shown. */
export const idleUi: UiState = {
  line: '',
  cursor: 0,
  selected: 1,
  helpOpen: false,
  helpText: null,
  helpScroll: 0,
  result: null,
  redraws: 0,
  view: 'nodes',
  eventScroll: 0,
  eventFilter: null,
};
