import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/cluster/types.js';
import type { RaftEvent } from '../../src/raft/types.js';
import { noFaults } from '../../src/net/fault-filter.js';
import { describeEvent, describeEventFor, faultsText } from '../../src/tui/describe-event.js';

const raft = (node: number, event: RaftEvent): ClusterEvent => ({ at: 0, type: 'raft', node, event });

describe('describeEvent', () => {
  it('says why a node became candidate, with how long it heard nothing', () => {
    const e = raft(3, { kind: 'role', role: 'candidate', term: 4, reason: 'election-timeout', ticks: 210 });
    expect(describeEvent(e, { timeoutMs: (id) => (id === 3 ? 2100 : undefined) })?.text).toBe(
      'n3 became candidate for term 4: no heartbeat for 2.1 s',
    );
    expect(describeEvent(e)?.text).toBe('n3 became candidate for term 4: no heartbeat from a leader');
  });

  it('names a pre-candidate and what it asks for', () => {
    const e = raft(2, { kind: 'role', role: 'precandidate', term: 3, reason: 'election-timeout' });
    expect(describeEvent(e, { timeoutMs: () => 1800 })?.text).toBe(
      'n2 became pre-candidate in term 3: no heartbeat for 1.8 s; asking for pre-votes',
    );
  });

  it('names the voters of a won election', () => {
    const e = raft(3, { kind: 'role', role: 'leader', term: 4, reason: 'won-election', votes: [1, 3, 4] });
    expect(describeEvent(e)).toEqual({ text: 'n3 won the election for term 4 with votes from n1 n3 n4: now LEADER', tone: 'good' });
  });

  it('explains a vote refused because the candidate log is behind, with the evidence', () => {
    const e = raft(1, {
      kind: 'vote',
      candidate: 3,
      term: 4,
      preVote: false,
      granted: false,
      reason: 'log-behind',
      candidateLast: { index: 9, term: 2 },
      ourLast: { index: 7, term: 3 },
    });
    expect(describeEvent(e)?.text).toBe('n1 refused vote to n3: its log is behind (last term 2 < 3)');
    const sameTerm = raft(1, {
      kind: 'vote',
      candidate: 3,
      term: 4,
      preVote: true,
      granted: false,
      reason: 'log-behind',
      candidateLast: { index: 5, term: 3 },
      ourLast: { index: 7, term: 3 },
    });
    expect(describeEvent(sameTerm)?.text).toBe('n1 refused pre-vote to n3: its log is behind (last index 5 < 7 in term 3)');
  });

  it('explains a vote refused because the node already voted', () => {
    const e = raft(2, { kind: 'vote', candidate: 5, term: 4, preVote: false, granted: false, reason: 'already-voted', votedFor: 3 });
    expect(describeEvent(e)?.text).toBe('n2 refused vote to n5: already voted for n3 in term 4');
  });

  it('says a granted vote', () => {
    const e = raft(2, { kind: 'vote', candidate: 3, term: 4, preVote: false, granted: true, reason: 'granted' });
    expect(describeEvent(e)?.text).toBe('n2 voted for n3 in term 4');
  });

  it('tells a commit with its command and the majority that stored it', () => {
    const e: ClusterEvent = { at: 0, type: 'committed', node: 1, index: 7, term: 3, command: 'SET x = 1', quorum: [1, 2, 4] };
    expect(describeEvent(e)).toEqual({ text: 'SET x = 1 committed at index 7 (majority n1 n2 n4)', tone: 'good' });
  });

  it('keeps routine applies and single appends off the event pane', () => {
    expect(describeEvent({ at: 0, type: 'applied', node: 2, index: 7, command: 'SET x = 1' })).toBeNull();
    expect(describeEvent(raft(2, { kind: 'append', from: 7, to: 7, leader: 1 }))).toBeNull();
    expect(describeEvent(raft(2, { kind: 'append', from: 3, to: 9, leader: 1 }))?.text).toBe('n2 caught up: appended entries 3-9 from n1');
  });

  it('says crashes and restarts in plain words', () => {
    expect(describeEvent({ at: 0, type: 'crash', node: 2 })).toEqual({
      text: 'n2 crashed: its memory is gone, its disk is kept',
      tone: 'bad',
    });
    expect(describeEvent({ at: 0, type: 'restart', node: 2, term: 3, lastIndex: 7 })?.text).toBe(
      'n2 restarted from disk: term 3, 7 log entries',
    );
  });

  it('describes a partition as its groups, and a heal as links up', () => {
    const faults = {
      ...noFaults(),
      partition: [
        [1, 2],
        [3, 4, 5],
      ],
    };
    expect(describeEvent({ at: 0, type: 'faults', faults, description: '' })?.text).toBe('partition {1,2} | {3,4,5}');
    expect(describeEvent({ at: 0, type: 'faults', faults: noFaults(), description: '' })?.text).toBe('network healed: every link is up');
    expect(faultsText({ ...noFaults(), dropRate: 0.1, delayMs: [10, 50] })).toBe('drop 10%, delay 10-50 ms');
  });

  it('puts several nodes in one sentence', () => {
    const e = raft(1, { kind: 'vote', candidate: 3, term: 4, preVote: false, granted: true, reason: 'granted' });
    expect(describeEventFor(e, [1, 2, 4])?.text).toBe('n1 n2 n4 voted for n3 in term 4');
  });

  it('shouts a safety violation', () => {
    const e: ClusterEvent = {
      at: 0,
      type: 'safety-violation',
      invariant: 'election safety',
      message: 'two leaders in term 3',
      evidence: {},
    };
    expect(describeEvent(e)).toEqual({ text: 'SAFETY VIOLATION (election safety): two leaders in term 3', tone: 'bad' });
  });
});

describe('describeEvent on restart', () => {
  it('leaves the core’s restart to the cluster’s restart sentence', () => {
    expect(describeEvent(raft(2, { kind: 'role', role: 'follower', term: 3, reason: 'restart' }))).toBeNull();
  });
});

describe('describeEvent for a client', () => {
  it('says a redirect, a retry and a timeout in words', () => {
    expect(describeEvent({ at: 0, type: 'client', what: 'redirect', command: 'SET x = 1', from: 2, to: 4 })?.text).toBe(
      'client: SET x = 1 sent to n2, which is not the leader: redirected to n4',
    );
    expect(
      describeEvent({ at: 0, type: 'client', what: 'retry', command: 'SET x = 1', reason: 'node 4 could not commit in time' })?.text,
    ).toBe('client: SET x = 1 will be retried (same request id): node 4 could not commit in time');
    expect(describeEvent({ at: 0, type: 'client', what: 'timeout', command: 'SET x = 1', reason: 'every node is down' })).toEqual({
      text: 'client: SET x = 1 timed out: every node is down',
      tone: 'bad',
    });
  });
});
