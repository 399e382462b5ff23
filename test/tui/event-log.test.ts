import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/cluster/types.js';
import { EventLog, GROUP_WINDOW_MS } from '../../src/tui/event-log.js';

const vote = (node: number, at: number, preVote = false): ClusterEvent => ({
  at,
  type: 'raft',
  node,
  event: { kind: 'vote', candidate: 3, term: 4, preVote, granted: true, reason: 'granted' },
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
const texts = (log: EventLog): string[] => log.lines().map((l) => l.text);

describe('EventLog: a history, never rewritten', () => {
  it('prints like events that arrive together as one line', () => {
    const log = new EventLog();
    log.add([vote(1, 0), vote(2, 10), vote(4, 40)], {}, 40);
    log.tick(GROUP_WINDOW_MS + 40);
    expect(texts(log)).toEqual(['n1 n2 n4 voted for n3 in term 4']);
  });

  it('never changes a printed line: a later vote gets a line of its own', () => {
    const log = new EventLog();
    log.add([vote(1, 0, true)], {}, 0);
    log.tick(GROUP_WINDOW_MS);
    const printed = log.lines()[0];
    expect(printed?.text).toBe('n1 granted a pre-vote to n3 for term 4');
    // The pre-vote request reaches n2 only later: its grant must not be folded into n1's line.
    log.add([vote(2, 5_000, true)], {}, 5_000);
    log.tick(5_000 + GROUP_WINDOW_MS);
    expect(texts(log)).toEqual(['n1 granted a pre-vote to n3 for term 4', 'n2 granted a pre-vote to n3 for term 4']);
    expect(log.lines()[0]).toBe(printed);
  });

  it('keeps every line it printed identical, through a whole election and its commits', () => {
    const log = new EventLog();
    const seen = new Map<number, string>();
    const check = (): void => {
      for (const l of log.lines()) {
        const before = seen.get(l.id);
        if (before !== undefined) expect(l.text).toBe(before);
        seen.set(l.id, l.text);
      }
    };
    let t = 0;
    for (const node of [1, 2, 4, 5]) {
      log.add([vote(node, (t += 150), true)], {}, t);
      check();
    }
    log.add(
      [
        {
          at: (t += 100),
          type: 'raft',
          node: 3,
          event: { kind: 'role', role: 'leader', term: 4, reason: 'won-election', votes: [1, 2, 3] },
        },
      ],
      {},
      t,
    );
    check();
    for (let i = 1; i <= 6; i++) {
      log.add([committed(i, (t += 200))], {}, t);
      check();
      log.note(`› SET k = ${i}`, 'command', t);
      check();
    }
    log.tick(t + GROUP_WINDOW_MS);
    check();
    expect(log.lines().length).toBeGreaterThan(8);
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
    log.tick(GROUP_WINDOW_MS + 1);
    expect(texts(log)).toEqual(['SET k = 7 committed at index 7 (majority n1 n2 n3)']);
  });

  it('prints a burst of commits as one range line once the burst is over', () => {
    const log = new EventLog();
    log.add([committed(5, 0), committed(6, 100), committed(7, 200)], {}, 200);
    expect(texts(log)).toEqual([]);
    log.tick(GROUP_WINDOW_MS);
    expect(texts(log)).toEqual(['3 entries committed at indexes 5-7, the last: SET k = 7 (majority n1 n2 n3)']);
  });

  it('prints a waiting group before any later line, so lines keep the order things happened', () => {
    const log = new EventLog();
    log.add([committed(5, 0)], {}, 0);
    log.note('› crash 2', 'command', 50);
    expect(texts(log)).toEqual(['SET k = 5 committed at index 5 (majority n1 n2 n3)', '› crash 2']);
  });

  it('prints a repeated line once, then a line that counts the repeats', () => {
    const log = new EventLog();
    log.note('n2 dropped bad input', 'warn', 0);
    log.note('n2 dropped bad input', 'warn', 10);
    log.note('n2 dropped bad input', 'warn', 20);
    expect(texts(log)).toEqual(['n2 dropped bad input']);
    log.note('› heal', 'command', 30);
    expect(texts(log)).toEqual(['n2 dropped bad input', '  ↑ the line above, 2 more times', '› heal']);
  });

  it('keeps only the newest lines', () => {
    const log = new EventLog(5);
    for (let i = 0; i < 12; i++) log.note(`line ${i}`, 'info', i);
    expect(texts(log)).toEqual(['line 7', 'line 8', 'line 9', 'line 10', 'line 11']);
  });

  it('reports whether a batch printed anything', () => {
    const log = new EventLog();
    expect(log.add([{ at: 0, type: 'applied', node: 1, index: 1, command: 'x' }])).toBe(false);
    expect(log.add([{ at: 0, type: 'crash', node: 1 }])).toBe(true);
  });
});

describe('EventLog: what roles did', () => {
  it('says "now follower" only of a node that was not one', () => {
    const log = new EventLog();
    const higher = (node: number): ClusterEvent => ({
      at: 0,
      type: 'raft',
      node,
      event: { kind: 'role', role: 'follower', term: 5, reason: 'higher-term', from: 3 },
    });
    log.add([higher(1)], { roleBefore: () => 'leader' }, 0);
    log.add([higher(2)], { roleBefore: () => 'follower' }, 0);
    log.tick(GROUP_WINDOW_MS);
    expect(texts(log)).toEqual(['n1: saw term 5 from n3, now follower', 'n2 moved to term 5 (heard it from n3)']);
  });

  it('says a failed pre-vote with its count', () => {
    const log = new EventLog();
    log.add(
      [
        {
          at: 0,
          type: 'raft',
          node: 1,
          event: { kind: 'role', role: 'follower', term: 2, reason: 'lost-election', votes: [1], refused: [2, 3, 4], preVote: true },
        },
      ],
      { clusterSize: 5 },
      0,
    );
    expect(texts(log)).toEqual(['n1 lost the pre-vote: 1 of 5, refused by n2 n3 n4; back to follower']);
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

  it('groups refusals that read the same, and keeps different evidence apart', () => {
    const log = new EventLog();
    log.add([refuse(1, 1), refuse(2, 1), refuse(4, 2)], {}, 0);
    log.tick(GROUP_WINDOW_MS);
    expect(texts(log)).toEqual([
      'n1 n2 refused pre-vote to n3: its log is behind (last term 0 < 1)',
      'n4 refused pre-vote to n3: its log is behind (last term 0 < 2)',
    ]);
  });
});
