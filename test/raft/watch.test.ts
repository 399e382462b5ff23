import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import { appendMsg, configFor, drain, logOf, Net } from './net.js';

describe('thesis §9.6 / RaftScope "timeout": campaignNow fires the election timer at once', () => {
  it('a follower with pre-vote becomes a pre-candidate and asks every peer, at tick 0', () => {
    const core = createRaft(configFor(2, 3, { preVote: true }));
    expect(core.campaignNow()).toBe(true);
    const rd = drain(core);
    expect(core.status().role).toBe('precandidate');
    expect(rd.messages.map((m) => `${m.type} ${m.to} ${m.term}`)).toEqual(['PreVote 1 1', 'PreVote 3 1']);
    expect(rd.events[0]).toMatchObject({ kind: 'role', role: 'precandidate', reason: 'timeout-now' });
  });

  it('without pre-vote it becomes a candidate of the next term (§5.2); a leader has no election timer', () => {
    const net = new Net(3);
    expect(net.core(3).campaignNow()).toBe(true);
    expect(net.core(3).status()).toMatchObject({ role: 'candidate', term: 1, votedFor: 3 });
    net.deliver();
    expect(net.leaders()).toEqual([3]);
    expect(net.core(3).campaignNow()).toBe(false);
  });
});

describe('§5.2 vote tally in status(): who granted and who refused', () => {
  it('counts each answer while (pre-)candidate; null on other roles', () => {
    const core = createRaft(configFor(1, 5));
    core.campaignNow();
    drain(core);
    expect(core.status().votes).toEqual({ granted: [1], refused: [] });
    core.step({ type: 'RequestVoteResponse', from: 2, to: 1, term: 1, granted: true });
    core.step({ type: 'RequestVoteResponse', from: 3, to: 1, term: 1, granted: false });
    expect(core.status().votes).toEqual({ granted: [1, 2], refused: [3] });
    core.step({ type: 'RequestVoteResponse', from: 4, to: 1, term: 1, granted: true });
    expect(core.status().role).toBe('leader');
    expect(core.status().votes).toBe(null);
  });
});

describe('§5.3 what a delivery did: stepExplained and the append-rejected event', () => {
  it('a failed consistency check says where, what we hold, and the back-up hint', () => {
    const core = createRaft(configFor(2, 3, { entries: logOf([1, 1]), hardState: { term: 2, votedFor: null, commit: 0 } }));
    drain(core);
    const noEntry = core.stepExplained(appendMsg(1, 2, 2, 6, 2, [2]));
    expect(noEntry).toContainEqual({
      kind: 'append-rejected',
      leader: 1,
      reason: 'log-mismatch',
      term: 2,
      prevIndex: 6,
      prevTerm: 2,
      conflictTerm: 0,
      conflictIndex: 3,
      lastIndex: 2,
    });
    const otherTerm = core.stepExplained(appendMsg(1, 2, 2, 2, 2, [2]));
    expect(otherTerm).toContainEqual(expect.objectContaining({ kind: 'append-rejected', conflictTerm: 1, conflictIndex: 1 }));
    // The events stay in the Ready too: stepExplained only lets the host see them early.
    expect(drain(core).events.filter((e) => e.kind === 'append-rejected')).toHaveLength(2);
  });

  it('§5.1: an AppendEntries of an older term is refused as stale', () => {
    const core = createRaft(configFor(2, 3, { hardState: { term: 5, votedFor: null, commit: 0 } }));
    drain(core);
    expect(core.stepExplained(appendMsg(1, 2, 3, 0, 0))).toEqual([
      expect.objectContaining({ kind: 'append-rejected', reason: 'stale-term', term: 3 }),
    ]);
  });
});

describe('§5.2 leader contact and §5.3 commit quorum in status()', () => {
  it('a follower counts ticks since its leader last reached it; the leader names its commit quorum', () => {
    const net = new Net(3);
    net.core(1).campaignNow();
    net.deliver();
    // The commit happened as soon as n2's answer made a majority.
    expect(net.core(1).status().commitQuorum).toEqual([1, 2]);
    expect(net.core(2).status().leaderContactTicks).toBe(0);
    net.core(2).tick(3);
    expect(net.core(2).status().leaderContactTicks).toBe(3);
    expect(net.core(1).status().leaderContactTicks).toBe(null);
    expect(net.core(2).status().commitQuorum).toBe(null);
  });
});
