import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import type { Message, RaftEvent } from '../../src/raft/index.js';
import { appendMsg, configFor, drain, Net, timeout } from './net.js';

const preVote = (from: number, to: number, term: number, lastLogIndex = 0, lastLogTerm = 0): Message => ({
  type: 'PreVote',
  from,
  to,
  term,
  lastLogIndex,
  lastLogTerm,
});

const votes = (events: RaftEvent[]) => events.filter((e): e is Extract<RaftEvent, { kind: 'vote' }> => e.kind === 'vote');

describe('thesis §9.6 pre-vote', () => {
  it('§9.6 a node whose timer fires asks for pre-votes for term+1 without changing its term or vote', () => {
    const core = createRaft(configFor(1, 3, { preVote: true }));
    timeout(core);
    expect(core.status()).toMatchObject({ role: 'precandidate', term: 0, votedFor: null });
    const rd = drain(core);
    expect(rd.hardState).toBeNull(); // nothing to persist: term and vote are unchanged
    expect(rd.messages).toEqual([
      { type: 'PreVote', from: 1, to: 2, term: 1, lastLogIndex: 0, lastLogTerm: 0 },
      { type: 'PreVote', from: 1, to: 3, term: 1, lastLogIndex: 0, lastLogTerm: 0 },
    ]);
    // A pre-vote majority makes it a real candidate of term 1.
    core.step({ type: 'PreVoteResponse', from: 3, to: 1, term: 1, granted: true });
    expect(core.status()).toMatchObject({ role: 'candidate', term: 1, votedFor: 1 });
    const next = drain(core);
    expect(next.hardState).toMatchObject({ term: 1, votedFor: 1 });
    expect(next.events).toContainEqual(expect.objectContaining({ kind: 'role', role: 'candidate', reason: 'prevote-won', votes: [1, 3] }));
  });

  it('§9.6 a node grants a pre-vote without changing its own term or vote', () => {
    const core = createRaft(configFor(1, 3, { preVote: true, hardState: { term: 2, votedFor: 3, commit: 0 } }));
    drain(core);
    core.step(preVote(2, 1, 5));
    const rd = drain(core);
    expect(rd.messages).toEqual([{ type: 'PreVoteResponse', from: 1, to: 2, term: 5, granted: true }]);
    expect(rd.hardState).toBeNull();
    expect(core.status()).toMatchObject({ term: 2, votedFor: 3, role: 'follower' });
  });

  it('§9.6 a pre-vote is refused while a leader is active, and to a candidate whose log is behind', () => {
    const core = createRaft(configFor(1, 3, { preVote: true }));
    core.step(appendMsg(2, 1, 1, 0, 0, [1]));
    drain(core);
    core.step(preVote(3, 1, 2));
    let rd = drain(core);
    expect(votes(rd.events)).toEqual([expect.objectContaining({ candidate: 3, granted: false, reason: 'leader-active', preVote: true })]);
    expect(rd.messages).toEqual([]);
    expect(core.status()).toMatchObject({ term: 1, leader: 2 });
    // After a minimum election timeout of silence the leader no longer counts as active.
    core.tick(10);
    core.step(preVote(3, 1, 2, 0, 0));
    rd = drain(core);
    expect(votes(rd.events)[0]).toMatchObject({ granted: false, reason: 'log-behind' });
    expect(rd.messages).toEqual([{ type: 'PreVoteResponse', from: 1, to: 3, term: 1, granted: false }]);
    core.step(preVote(3, 1, 2, 1, 1));
    expect(drain(core).messages).toEqual([{ type: 'PreVoteResponse', from: 1, to: 3, term: 2, granted: true }]);
  });

  for (const pv of [true, false]) {
    it(`§9.6 ${pv ? 'with' : 'without'} pre-vote, an isolated node ${pv ? 'keeps' : 'inflates'} its term and the cluster ${pv ? 'keeps' : 'loses'} its leader when it rejoins`, () => {
      const net = new Net(5, () => ({ preVote: pv, checkQuorum: true }));
      net.campaign(1);
      const term = net.core(1).status().term;
      net.drop = (m) => m.from === 5 || m.to === 5;
      net.run(200);
      expect(net.leaders()).toEqual([1]);
      const isolatedTerm = net.core(5).status().term;
      if (pv) expect(isolatedTerm).toBe(term);
      else expect(isolatedTerm).toBeGreaterThan(term + 3);

      net.drop = () => false;
      net.run(60);
      const leaders = net.leaders();
      expect(leaders).toHaveLength(1);
      if (pv) {
        expect(leaders).toEqual([1]);
        for (const id of net.ids) expect(net.core(id).status()).toMatchObject({ term, leader: 1 });
        expect(net.events.get(1)!.filter((e) => e.kind === 'role' && e.role === 'follower')).toEqual([]);
      } else {
        expect(net.core(leaders[0]!).status().term).toBeGreaterThan(isolatedTerm);
        expect(net.events.get(1)).toContainEqual(
          expect.objectContaining({ kind: 'role', role: 'follower', reason: 'higher-term', from: 5 }),
        );
      }
    });
  }
});

describe('thesis §6.2 check-quorum and §4.2.3 leader stickiness', () => {
  for (const checkQuorum of [true, false]) {
    it(`§6.2 ${checkQuorum ? 'with' : 'without'} check-quorum, a leader cut off from the majority ${checkQuorum ? 'steps down' : 'stays leader'}`, () => {
      const net = new Net(3, () => ({ checkQuorum }));
      net.campaign(1);
      net.drop = (m) => m.from === 1 || m.to === 1;
      const leader = net.core(1);
      let ticks = 0;
      while (ticks < 40 && leader.status().role === 'leader') {
        leader.tick();
        ticks++;
        net.deliver();
      }
      if (checkQuorum) {
        // Rounds last the minimum election timeout (10): the first one still counts the
        // answers to the no-op, the second hears nobody.
        expect(ticks).toBe(20);
        expect(leader.status()).toMatchObject({ role: 'follower', term: 1, leader: null });
        expect(net.events.get(1)).toContainEqual({ kind: 'role', role: 'follower', term: 1, reason: 'lost-quorum' });
      } else {
        expect(leader.status().role).toBe('leader');
      }
    });
  }

  it('§6.2 a leader that hears from a majority keeps leading', () => {
    const net = new Net(5, () => ({ checkQuorum: true }));
    net.campaign(1);
    net.drop = (m) => m.from === 4 || m.from === 5;
    const leader = net.core(1);
    for (let t = 0; t < 60; t++) {
      leader.tick();
      net.deliver();
    }
    expect(leader.status().role).toBe('leader');
  });

  it('§4.2.3 with check-quorum, a follower that heard from its leader ignores a RequestVote of a higher term', () => {
    const core = createRaft(configFor(1, 3, { checkQuorum: true }));
    core.step(appendMsg(2, 1, 1, 0, 0));
    drain(core);
    const request: Message = { type: 'RequestVote', from: 3, to: 1, term: 7, lastLogIndex: 5, lastLogTerm: 6 };
    core.step(request);
    let rd = drain(core);
    expect(core.status()).toMatchObject({ term: 1, leader: 2, votedFor: null });
    expect(rd.messages).toEqual([]);
    expect(votes(rd.events)).toEqual([expect.objectContaining({ candidate: 3, term: 7, granted: false, reason: 'leader-active' })]);
    // Once the leader has been silent for the minimum election timeout, the vote is granted.
    core.tick(10);
    core.step(request);
    rd = drain(core);
    expect(core.status()).toMatchObject({ term: 7, votedFor: 3 });
    expect(rd.messages).toEqual([{ type: 'RequestVoteResponse', from: 1, to: 3, term: 7, granted: true }]);
  });
});
