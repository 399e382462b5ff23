/** Fixture snapshots for dashboard tests: a healthy five-node cluster and variations of it. */
import type { ClusterSnapshot, NodeView } from '../../src/cluster/types.js';
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
