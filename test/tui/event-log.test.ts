import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/cluster/types.js';
import { EventLog } from '../../src/tui/event-log.js';

const vote = (node: number, at: number): ClusterEvent => ({
  at,
  type: 'raft',
  node,
  event: { kind: 'vote', candidate: 3, term: 4, preVote: false, granted: true, reason: 'granted' },
});
const committed = (index: number, at: number, node = 1): ClusterEvent => ({
  at,
  type: 'committed',
  node,
  index,
  term: 4,
  command: `SET k = ${index}`,
  quorum: [1, 2, 3],
});

describe('EventLog', () => {
  it('merges the votes of one election into one line, across batches', () => {
    const log = new EventLog();
    log.add([vote(1, 0), vote(2, 10)]);
    log.add([vote(4, 40)]);
    expect(log.lines().map((l) => l.text)).toEqual(['n1 n2 n4 voted for n3 in term 4']);
  });

  it('says a commit once however many nodes report it, and never the bare core commit too', () => {
    const log = new EventLog();
    log.add([
      { at: 0, type: 'raft', node: 1, event: { kind: 'commit', index: 7, term: 4, quorum: [1, 2, 3] } },
      committed(7, 0, 1),
      committed(7, 0, 2),
      { at: 1, type: 'applied', node: 1, index: 7, command: 'SET k = 7' },
      { at: 1, type: 'applied', node: 2, index: 7, command: 'SET k = 7' },
    ]);
    expect(log.lines().map((l) => l.text)).toEqual(['SET k = 7 committed at index 7 (majority n1 n2 n3)']);
  });

  it('folds a burst of commits into one range line', () => {
    const log = new EventLog();
    log.add([committed(5, 0), committed(6, 100), committed(7, 200)]);
    expect(log.lines().map((l) => l.text)).toEqual(['3 entries committed at indexes 5-7, the last: SET k = 7 (majority n1 n2 n3)']);
  });

  it('starts a new commit line once the burst is over', () => {
    const log = new EventLog();
    log.add([committed(5, 0), committed(6, 5000)]);
    expect(log.lines()).toHaveLength(2);
  });

  it('counts a repeated line instead of repeating it', () => {
    const log = new EventLog();
    log.note('› step', 'command', 0);
    log.note('› step', 'command', 10);
    log.note('› step', 'command', 20);
    expect(log.lines()).toHaveLength(1);
    expect(log.lines()[0]?.repeat).toBe(3);
  });

  it('keeps only the newest lines', () => {
    const log = new EventLog(5);
    for (let i = 0; i < 12; i++) log.note(`line ${i}`, 'info', i);
    expect(log.lines().map((l) => l.text)).toEqual(['line 7', 'line 8', 'line 9', 'line 10', 'line 11']);
  });

  it('reports whether a batch changed anything', () => {
    const log = new EventLog();
    expect(log.add([{ at: 0, type: 'applied', node: 1, index: 1, command: 'x' }])).toBe(false);
    expect(log.add([{ at: 0, type: 'crash', node: 1 }])).toBe(true);
  });
});

describe('EventLog refusals', () => {
  const refuse = (node: number, ourTerm: number): ClusterEvent => ({
    at: 0,
    type: 'raft',
    node,
    event: {
      kind: 'vote',
      candidate: 3,
      term: 2,
      preVote: true,
      granted: false,
      reason: 'log-behind',
      candidateLast: { index: 0, term: 0 },
      ourLast: { index: 1, term: ourTerm },
    },
  });

  it('merges refusals that read the same, and keeps different evidence apart', () => {
    const log = new EventLog();
    log.add([refuse(1, 1), refuse(2, 1), refuse(4, 2)]);
    expect(log.lines().map((l) => l.text)).toEqual([
      'n1 n2 refused pre-vote to n3: its log is behind (last term 0 < 1)',
      'n4 refused pre-vote to n3: its log is behind (last term 0 < 2)',
    ]);
  });
});
