import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import type { Message, RaftCore, RaftEvent } from '../../src/raft/index.js';
import { appendMsg, configFor, drain, logOf, Net, timeout } from './net.js';

const voteReq = (from: number, to: number, term: number, lastLogIndex = 0, lastLogTerm = 0): Message => ({
  type: 'RequestVote',
  from,
  to,
  term,
  lastLogIndex,
  lastLogTerm,
});

const voteEvents = (events: RaftEvent[]) => events.filter((e): e is Extract<RaftEvent, { kind: 'vote' }> => e.kind === 'vote');

/** A 3-node core 1 made candidate of term 1 (pre-vote off). */
function candidate(): RaftCore {
  const core = createRaft(configFor(1, 3));
  timeout(core);
  drain(core);
  return core;
}

/** A 3-node core 1 made leader of term 1 by node 2's vote. */
function leader(): RaftCore {
  const core = candidate();
  core.step({ type: 'RequestVoteResponse', from: 2, to: 1, term: 1, granted: true });
  drain(core);
  return core;
}

describe('§5.1 terms', () => {
  it('§5.1 a node that sees a higher term becomes follower of that term', () => {
    const makers: [string, () => RaftCore][] = [
      ['follower', () => createRaft(configFor(1, 3))],
      ['candidate', candidate],
      ['leader', leader],
      [
        'precandidate',
        () => {
          const c = createRaft(configFor(1, 3, { preVote: true }));
          timeout(c);
          drain(c);
          return c;
        },
      ],
    ];
    for (const [role, make] of makers) {
      const fromLeader = make();
      expect(fromLeader.status().role).toBe(role);
      fromLeader.step(appendMsg(2, 1, 5, 0, 0));
      expect(fromLeader.status()).toMatchObject({ role: 'follower', term: 5, leader: 2, votedFor: null });

      const fromCandidate = make();
      fromCandidate.step({ type: 'RequestVoteResponse', from: 3, to: 1, term: 5, granted: false });
      expect(fromCandidate.status()).toMatchObject({ role: 'follower', term: 5, leader: null });
      const rd = drain(fromCandidate);
      expect(rd.hardState).toMatchObject({ term: 5, votedFor: null });
      expect(rd.events).toContainEqual(expect.objectContaining({ kind: 'role', role: 'follower', reason: 'higher-term', from: 3 }));
    }
  });

  it('§5.1 a stale AppendEntries is refused with our term, and the old leader steps down on hearing it', () => {
    const net = new Net(3);
    net.campaign(1);
    expect(net.leaders()).toEqual([1]);
    // Node 1 is cut off; node 2 is elected in term 2.
    net.drop = (m) => m.from === 1 || m.to === 1;
    net.campaign(2);
    expect(net.core(2).status()).toMatchObject({ role: 'leader', term: 2 });
    expect(net.core(1).status()).toMatchObject({ role: 'leader', term: 1 });
    // The old leader's heartbeat reaches node 3 again.
    net.drop = (m) => m.from === 1 && m.to === 2;
    const before = net.sent.length;
    net.core(1).tick(net.core(1).ticksUntilNextEvent());
    net.deliver();
    const answer = net.sent.slice(before).find((m) => m.type === 'AppendEntriesResponse' && m.from === 3 && m.to === 1);
    expect(answer).toMatchObject({ success: false, term: 2 });
    expect(net.core(1).status()).toMatchObject({ role: 'follower', term: 2 });
  });

  it('§5.1 a stale RequestVote is refused with our term', () => {
    const core = createRaft(configFor(1, 3, { hardState: { term: 3, votedFor: null, commit: 0 } }));
    drain(core);
    core.step(voteReq(2, 1, 2));
    const rd = drain(core);
    expect(rd.messages).toEqual([{ type: 'RequestVoteResponse', from: 1, to: 2, term: 3, granted: false }]);
    expect(voteEvents(rd.events)[0]).toMatchObject({ candidate: 2, granted: false, reason: 'stale-term' });
    expect(core.status()).toMatchObject({ term: 3, votedFor: null });
    expect(rd.hardState).toBeNull();
  });
});

describe('§5.2 leader election', () => {
  it('§5.2 a node starts as a follower of term 0 with no vote', () => {
    expect(createRaft(configFor(1, 3)).status()).toMatchObject({ role: 'follower', term: 0, votedFor: null, leader: null });
  });

  it('§5.2 a follower that hears nothing for an election timeout starts an election', () => {
    const core = createRaft(configFor(1, 3, { electionTicks: [10, 20] }));
    core.tick(9); // below the minimum timeout: nothing happens
    expect(core.status().role).toBe('follower');
    expect(core.hasReady()).toBe(false);
    timeout(core);
    expect(core.status()).toMatchObject({ role: 'candidate', term: 1, votedFor: 1 });
    const rd = drain(core);
    expect(rd.hardState).toEqual({ term: 1, votedFor: 1, commit: 0 });
    expect(rd.messages).toEqual([
      { type: 'RequestVote', from: 1, to: 2, term: 1, lastLogIndex: 0, lastLogTerm: 0 },
      { type: 'RequestVote', from: 1, to: 3, term: 1, lastLogIndex: 0, lastLogTerm: 0 },
    ]);
    expect(rd.events[0]).toMatchObject({ kind: 'role', role: 'candidate', reason: 'election-timeout' });
  });

  it('§5.2 a candidate that times out starts a new election in the next term', () => {
    const core = candidate();
    timeout(core); // still candidate: tick through its new timeout
    core.tick(core.ticksUntilNextEvent());
    expect(core.status()).toMatchObject({ role: 'candidate', term: 2, votedFor: 1 });
    expect(drain(core).messages.filter((m) => m.type === 'RequestVote' && m.term === 2)).toHaveLength(2);
  });

  it('§5.2 election timeouts are drawn at random in [min, max] each time the timer resets', () => {
    const core = createRaft(configFor(1, 3, { electionTicks: [10, 20] }));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      core.step(appendMsg(2, 1, 1, 0, 0)); // a heartbeat resets the timer
      const { electionTimeout, electionElapsed } = core.status();
      expect(electionElapsed).toBe(0);
      expect(electionTimeout).toBeGreaterThanOrEqual(10);
      expect(electionTimeout).toBeLessThanOrEqual(20);
      seen.add(electionTimeout);
    }
    expect(seen.size).toBe(11); // every value of the range shows up
  });

  it('§5.2 a candidate that wins votes from a majority becomes leader', () => {
    const core = createRaft(configFor(1, 5));
    timeout(core);
    drain(core);
    core.step({ type: 'RequestVoteResponse', from: 2, to: 1, term: 1, granted: true });
    expect(core.status().role).toBe('candidate'); // 2 of 5 is not a majority
    core.step({ type: 'RequestVoteResponse', from: 2, to: 1, term: 1, granted: true }); // a duplicate counts once
    expect(core.status().role).toBe('candidate');
    core.step({ type: 'RequestVoteResponse', from: 4, to: 1, term: 1, granted: true });
    expect(core.status()).toMatchObject({ role: 'leader', leader: 1, term: 1 });
    const rd = drain(core);
    expect(rd.events).toContainEqual(expect.objectContaining({ kind: 'role', role: 'leader', reason: 'won-election', votes: [1, 2, 4] }));
  });

  it('§5.2 a candidate refused by a majority returns to follower', () => {
    const core = createRaft(configFor(1, 5));
    timeout(core);
    for (const from of [2, 3]) core.step({ type: 'RequestVoteResponse', from, to: 1, term: 1, granted: false });
    expect(core.status().role).toBe('candidate'); // 3 of 5 could still grant
    core.step({ type: 'RequestVoteResponse', from: 4, to: 1, term: 1, granted: false });
    expect(core.status()).toMatchObject({ role: 'follower', term: 1, votedFor: 1 });
    expect(drain(core).events).toContainEqual(expect.objectContaining({ kind: 'role', role: 'follower', reason: 'lost-election' }));
  });

  it('§5.2 a single-node cluster elects itself as soon as its election timer fires', () => {
    for (const preVote of [false, true]) {
      const core = createRaft({ ...configFor(1, 1), preVote });
      core.tick(core.ticksUntilNextEvent());
      expect(core.status()).toMatchObject({ role: 'leader', term: 1 });
      // Its own copy is the majority once persisted: one Ready to persist, the next to apply.
      const committed = () => {
        const out: string[] = [];
        while (core.hasReady()) for (const e of drain(core).committedEntries) out.push(e.type === 'noop' ? 'noop' : e.data);
        return out;
      };
      expect(committed()).toEqual(['noop']);
      expect(core.propose('SET x = 1')).toEqual({ ok: true, index: 2, term: 1 });
      expect(committed()).toEqual(['SET x = 1']);
    }
  });

  it('§5.2 a node grants at most one vote per term', () => {
    const core = createRaft(configFor(1, 3));
    core.step(voteReq(2, 1, 1));
    core.step(voteReq(3, 1, 1));
    core.step(voteReq(2, 1, 1)); // asking again gets the same answer
    const rd = drain(core);
    expect(rd.messages.map((m) => m.type === 'RequestVoteResponse' && [m.to, m.granted])).toEqual([
      [2, true],
      [3, false],
      [2, true],
    ]);
    expect(voteEvents(rd.events)[1]).toMatchObject({ candidate: 3, granted: false, reason: 'already-voted', votedFor: 2 });
    expect(core.status()).toMatchObject({ term: 1, votedFor: 2 });
    // A new term frees the vote.
    core.step(voteReq(3, 1, 2));
    expect(drain(core).messages).toEqual([{ type: 'RequestVoteResponse', from: 1, to: 3, term: 2, granted: true }]);
  });

  it('§5.2 a candidate that hears AppendEntries from a leader of its term becomes follower', () => {
    const core = candidate();
    core.step(appendMsg(2, 1, 1, 0, 0));
    expect(core.status()).toMatchObject({ role: 'follower', term: 1, leader: 2, votedFor: 1 });
    const rd = drain(core);
    expect(rd.events).toContainEqual(expect.objectContaining({ kind: 'role', role: 'follower', reason: 'leader-found', from: 2 }));
    expect(rd.messages).toEqual([
      { type: 'AppendEntriesResponse', from: 1, to: 2, term: 1, success: true, index: 0, conflictTerm: 0, conflictIndex: 0 },
    ]);
  });

  it('§5.2 split votes resolve through randomized timeouts', () => {
    const net = new Net(3);
    // Nodes 1 and 2 both stand in term 1 and node 3 hears neither: a split vote.
    timeout(net.core(1));
    timeout(net.core(2));
    net.drop = (m) => m.to === 3 || m.from === 3;
    net.deliver();
    expect(net.core(1).status()).toMatchObject({ role: 'candidate', term: 1 });
    expect(net.core(2).status()).toMatchObject({ role: 'candidate', term: 1 });
    net.drop = () => false;
    net.run(200, () => net.leaders().length > 0);
    const leaders = net.leaders();
    expect(leaders).toHaveLength(1);
    const term = net.core(leaders[0]!).status().term;
    expect(term).toBeGreaterThanOrEqual(2);
    for (const id of net.ids) expect(net.core(id).status()).toMatchObject({ term, leader: leaders[0] });
  });
});

describe('§5.4.1 election restriction', () => {
  it('§5.4.1 a node refuses its vote to a candidate whose log is less up to date than its own', () => {
    // Our log: terms [1, 1, 2] — last (term 2, index 3).
    const voter = (bugs = {}) =>
      createRaft(configFor(1, 3, { hardState: { term: 2, votedFor: null, commit: 0 }, entries: logOf([1, 1, 2]), bugs }));
    const cases: [lastTerm: number, lastIndex: number, granted: boolean][] = [
      [1, 5, false], // older last term, however long
      [2, 2, false], // same last term, shorter
      [2, 3, true], // same last term, as long
      [2, 4, true],
      [3, 1, true], // newer last term, however short
    ];
    for (const [lastTerm, lastIndex, granted] of cases) {
      const core = voter();
      drain(core);
      core.step(voteReq(2, 1, 3, lastIndex, lastTerm));
      const rd = drain(core);
      expect(rd.messages[0]).toMatchObject({ type: 'RequestVoteResponse', granted });
      if (!granted)
        expect(voteEvents(rd.events)[0]).toMatchObject({
          reason: 'log-behind',
          candidateLast: { index: lastIndex, term: lastTerm },
          ourLast: { index: 3, term: 2 },
        });
    }
    // With the restriction switched off the stale candidate gets the vote.
    const broken = voter({ skipElectionRestriction: true });
    broken.step(voteReq(2, 1, 3, 5, 1));
    expect(drain(broken).messages[0]).toMatchObject({ granted: true });
  });

  it('§5.4.1 a candidate missing committed entries cannot become leader', () => {
    const net = new Net(3);
    net.campaign(1);
    net.drop = (m) => m.to === 3;
    net.core(1).propose('SET a = 1');
    net.deliver();
    expect(net.core(1).status().commitIndex).toBe(2);
    net.crash(1);
    net.drop = () => false;
    // Node 3 misses index 2 and times out first; node 2 refuses it.
    net.campaign(3);
    expect(net.core(3).status().role).not.toBe('leader');
    expect(voteEvents(net.events.get(2)!)).toContainEqual(expect.objectContaining({ candidate: 3, reason: 'log-behind' }));
    net.run(200, () => net.leaders().length > 0);
    expect(net.leaders()).toEqual([2]);
  });
});
