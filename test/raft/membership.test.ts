import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import type { RaftEvent } from '../../src/raft/index.js';
import { configFor, Net } from './net.js';

/** n nodes with pre-vote and check-quorum, n1 leading with its no-op committed everywhere. */
function cluster(n = 3): Net {
  const net = new Net(n, () => ({ preVote: true, checkQuorum: true }));
  net.campaign(1);
  expect(net.leaders()).toEqual([1]);
  return net;
}

const config = (net: Net, id: number) => {
  const s = net.core(id).status();
  return { voters: [...s.voters].sort(), learners: [...s.learners].sort() };
};

const roles = (events: RaftEvent[]) => events.filter((e): e is Extract<RaftEvent, { kind: 'role' }> => e.kind === 'role');

describe('thesis §4.1 single-server configuration changes', () => {
  it('§4.1 a configuration entry takes effect on each server as soon as it is in its log, before it commits', () => {
    const net = cluster();
    net.addNode(4);
    net.drop = (m) => m.type === 'AppendEntriesResponse'; // nothing commits
    const r = net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 });
    expect(r).toMatchObject({ ok: true, index: 2 });
    expect(config(net, 1)).toEqual({ voters: [1, 2, 3], learners: [4] });
    net.deliver();
    expect(net.core(2).status().commitIndex).toBe(1);
    expect(config(net, 2)).toEqual({ voters: [1, 2, 3], learners: [4] });
    expect(net.core(1).log().at(-1)).toMatchObject({ index: 2, type: 'config', data: '{"voters":[1,2,3],"learners":[4]}' });
  });

  it('§4.1 a leader refuses a second change until the first is committed', () => {
    const net = cluster();
    net.addNode(4);
    net.addNode(5);
    net.drop = (m) => m.type === 'AppendEntriesResponse';
    expect(net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 }).ok).toBe(true);
    net.deliver();
    expect(net.core(1).proposeConfigChange({ type: 'add-learner', node: 5 })).toEqual({
      ok: false,
      leader: 1,
      reason: 'config-pending',
      message: 'the configuration change at index 2 is not committed yet',
    });
    net.drop = () => false;
    net.run(12); // the leader resends what went unanswered
    expect(net.core(1).status().commitIndex).toBe(2);
    expect(net.core(1).proposeConfigChange({ type: 'add-learner', node: 5 }).ok).toBe(true);
  });

  it('§4.1 a new leader changes the configuration only after committing an entry of its own term (the 2015 fix)', () => {
    const net = new Net(3, () => ({ preVote: false, checkQuorum: false }));
    net.drop = (m) => m.type === 'AppendEntriesResponse'; // its no-op cannot commit
    net.campaign(1);
    expect(net.leaders()).toEqual([1]);
    expect(net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 })).toEqual({
      ok: false,
      leader: 1,
      reason: 'config-pending',
      message: 'this leader has not committed an entry of its term yet',
    });
    net.drop = () => false;
    net.run(2);
    expect(net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 }).ok).toBe(true);
  });

  it('§4.1 a configuration entry that a conflict removes from a log is undone there', () => {
    const net = cluster(5);
    net.addNode(6);
    // n1 appends a change that only n2 receives, uncommitted; then n3 is elected without it.
    net.drop = (m) => (m.from === 1 && m.to !== 2) || m.type === 'AppendEntriesResponse';
    net.core(1).proposeConfigChange({ type: 'add-learner', node: 6 });
    net.deliver();
    expect(config(net, 2).learners).toEqual([6]);
    net.drop = (m) => m.from === 1 || m.to === 1 || m.from === 2;
    net.run(200, () => net.core(3).status().role === 'leader' || net.core(4).status().role === 'leader');
    // The new leader's log prevails on n2: the change is gone, and so is its configuration.
    net.drop = (m) => m.from === 1 || m.to === 1;
    net.run(10);
    expect(
      net
        .core(2)
        .log()
        .some((e) => e.type === 'config'),
    ).toBe(false);
    expect(config(net, 2)).toEqual({ voters: [1, 2, 3, 4, 5], learners: [] });
  });

  it('§4.1 impossible changes are refused with the reason', () => {
    const net = cluster(1);
    const core = net.core(1);
    expect(core.proposeConfigChange({ type: 'promote', node: 4 })).toMatchObject({
      ok: false,
      message: 'node 4 is not a learner: add it first',
    });
    expect(core.proposeConfigChange({ type: 'add-learner', node: 1 })).toMatchObject({ ok: false, message: 'node 1 is already a voter' });
    expect(core.proposeConfigChange({ type: 'remove', node: 1 })).toMatchObject({
      ok: false,
      message: 'node 1 is the last voter: a cluster needs at least one',
    });
    expect(net.core(1).proposeConfigChange({ type: 'remove', node: 9 })).toMatchObject({ ok: false, reason: 'invalid-change' });
  });
});

describe('thesis §4.2 membership in practice', () => {
  it('§4.2.1 a new server joins as a learner: it receives the whole log but neither votes nor counts toward commitment', () => {
    const net = cluster();
    for (const d of ['a', 'b']) net.core(1).propose(d);
    net.deliver();
    const learner = net.addNode(4);
    net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 });
    net.deliver();
    expect(learner.log().length).toBe(net.core(1).log().length);
    expect(config(net, 4)).toEqual({ voters: [1, 2, 3], learners: [4] });
    // With n2 and n3 gone the learner's copy does not make a majority: nothing commits.
    net.drop = (m) => m.from === 2 || m.to === 2 || m.from === 3 || m.to === 3;
    const r = net.core(1).propose('c');
    net.deliver();
    expect(learner.status().lastIndex).toBe(r.ok ? r.index : -1);
    expect(net.core(1).status().commitIndex).toBeLessThan(r.ok ? r.index : 0);
    // And a learner never campaigns, however long it hears nothing.
    net.drop = (m) => m.from === 4 || m.to === 4;
    net.run(200);
    expect(learner.status().role).toBe('follower');
    expect(net.sentOf('PreVote', { from: 4 })).toEqual([]);
    expect(net.sentOf('RequestVote', { from: 4 })).toEqual([]);
  });

  it('§4.2.1 a candidate does not count a learner’s vote', () => {
    const core = createRaft(configFor(1, 3, { preVote: false }));
    // Pretend 4 is a learner: the log holds the configuration.
    const c = createRaft({
      ...configFor(1, 3, { preVote: false }),
      entries: [{ index: 1, term: 1, type: 'config', data: '{"voters":[1,2,3],"learners":[4]}' }],
      hardState: { term: 1, votedFor: null, commit: 1 },
    });
    expect(core.status().learners).toEqual([]);
    for (let i = 0; i < 100 && c.status().role === 'follower'; i++) c.tick(c.ticksUntilNextEvent());
    expect(c.status()).toMatchObject({ role: 'candidate', term: 2, learners: [4] });
    c.step({ type: 'RequestVoteResponse', from: 4, to: 1, term: 2, granted: true });
    expect(c.status().role).toBe('candidate');
    c.step({ type: 'RequestVoteResponse', from: 2, to: 1, term: 2, granted: true });
    expect(c.status().role).toBe('leader');
  });

  it('§4.2.1 a learner promoted to voter counts toward majorities', () => {
    const net = cluster();
    net.addNode(4);
    net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 });
    net.deliver();
    expect(net.core(1).proposeConfigChange({ type: 'promote', node: 4 }).ok).toBe(true);
    net.deliver();
    expect(config(net, 4)).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    // 4 voters: a majority is 3. n1, n2 and n4 commit without n3; n1 and n4 alone cannot.
    net.drop = (m) => m.from === 3 || m.to === 3;
    const a = net.core(1).propose('a');
    net.deliver();
    expect(net.core(1).status().commitIndex).toBe(a.ok ? a.index : -1);
    net.drop = (m) => [2, 3].includes(m.from) || [2, 3].includes(m.to);
    const b = net.core(1).propose('b');
    net.deliver();
    expect(net.core(1).status().commitIndex).toBeLessThan(b.ok ? b.index : 0);
  });

  it('§4.2.2 a leader removed from the configuration manages the cluster until the change commits, then steps down', () => {
    const net = cluster();
    const r = net.core(1).proposeConfigChange({ type: 'remove', node: 1 });
    expect(r.ok).toBe(true);
    expect(net.core(1).status()).toMatchObject({ role: 'leader', voters: [2, 3] });
    net.deliver();
    expect(net.core(1).status()).toMatchObject({ role: 'follower', commitIndex: r.ok ? r.index : -1 });
    expect(roles(net.events.get(1)!).at(-1)).toMatchObject({ role: 'follower', reason: 'removed' });
    // The remaining voters elect a leader among themselves; n1 never campaigns again.
    const preVotesBefore = net.sentOf('PreVote', { from: 1 }).length;
    net.run(200, () => net.leaders().length > 0);
    expect([2, 3]).toContain(net.leaders()[0]);
    net.run(200);
    expect(net.sentOf('PreVote', { from: 1 }).length).toBe(preVotesBefore);
    expect(net.core(1).status().role).toBe('follower');
  });

  it('§4.2.3 a removed server that never learned of its removal cannot disrupt the cluster (pre-vote and the leader lease)', () => {
    const net = cluster();
    net.drop = (m) => m.from === 3 || m.to === 3; // n3 never hears of its removal
    net.core(1).proposeConfigChange({ type: 'remove', node: 3 });
    net.deliver();
    expect(config(net, 1).voters).toEqual([1, 2]);
    expect(config(net, 3).voters).toEqual([1, 2, 3]);
    const term = net.core(1).status().term;
    // Its timer fires again and again; now it can reach the others, which do not listen.
    net.drop = (m) => m.to === 3; // n1 no longer sends to it anyway
    net.run(300);
    expect(net.sentOf('PreVote', { from: 3 }).length).toBeGreaterThan(0);
    expect(net.leaders()).toEqual([1]);
    expect(net.core(1).status().term).toBe(term);
    expect(net.core(2).status().term).toBe(term);
  });

  it('§4.1 with §7: the configuration survives compaction and a restart from the snapshot', () => {
    const net = cluster();
    net.addNode(4);
    net.core(1).proposeConfigChange({ type: 'add-learner', node: 4 });
    net.deliver();
    net.core(1).propose('x');
    net.deliver();
    expect(net.compact(2)).toBe(true);
    expect(net.core(2).snapshot()).toMatchObject({ voters: [1, 2, 3], learners: [4] });
    net.crash(2);
    const restarted = net.restart(2);
    expect(restarted.status()).toMatchObject({ voters: [1, 2, 3], learners: [4] });
  });
});
