import { describe, expect, it } from 'vitest';
import type { RaftEvent } from '../../src/raft/index.js';
import { Net } from './net.js';

const transfers = (events: RaftEvent[]) => events.filter((e): e is Extract<RaftEvent, { kind: 'transfer' }> => e.kind === 'transfer');

/** A 3-node cluster with pre-vote and check-quorum on, n1 leading, and everything committed. */
function cluster(n = 3): Net {
  const net = new Net(n, () => ({ preVote: true, checkQuorum: true }));
  net.campaign(1);
  expect(net.leaders()).toEqual([1]);
  return net;
}

describe('thesis §3.10 leadership transfer', () => {
  it('§3.10 the target campaigns at once on TimeoutNow, skipping pre-vote, and wins although the old leader is active', () => {
    const net = cluster();
    const term = net.core(1).status().term;
    expect(net.core(1).transferLeadership(3)).toEqual({ ok: true });
    net.deliver();
    expect(net.leaders()).toEqual([3]);
    expect(net.core(3).status().term).toBe(term + 1);
    // No pre-vote was asked for: the election came from TimeoutNow, and its RequestVotes say so.
    expect(net.sentOf('PreVote', { from: 3 })).toEqual([]);
    expect(net.sentOf('TimeoutNow')).toEqual([{ type: 'TimeoutNow', from: 1, to: 3, term }]);
    expect(net.sentOf('RequestVote', { from: 3 }).every((m) => m.transfer === true)).toBe(true);
    expect(net.events.get(3)).toContainEqual(expect.objectContaining({ kind: 'role', role: 'candidate', reason: 'transfer', from: 1 }));
    // The lease check (§4.2.3) would have refused a plain RequestVote: the voters heard a leader.
    expect(net.events.get(2)).toContainEqual(expect.objectContaining({ kind: 'vote', candidate: 3, granted: true }));
    expect(transfers(net.events.get(1)!).map((e) => e.phase)).toEqual(['started', 'timeout-now']);
  });

  it('§3.10 the leader stops accepting proposals while a transfer is under way', () => {
    const net = cluster();
    net.drop = (m) => m.type === 'TimeoutNow';
    net.core(1).transferLeadership(2);
    expect(net.core(1).propose('x')).toEqual({ ok: false, leader: 1, reason: 'transferring' });
    expect(net.core(1).status().transferee).toBe(2);
  });

  it('§3.10 the leader first brings the target up to date, then sends TimeoutNow', () => {
    const net = cluster();
    // n3 misses three entries.
    net.drop = (m) => m.to === 3;
    for (const d of ['a', 'b', 'c']) net.core(1).propose(d);
    net.deliver();
    const last = net.core(1).status().lastIndex;
    expect(net.core(3).status().lastIndex).toBeLessThan(last);
    net.drop = () => false;
    net.core(1).transferLeadership(3);
    // Nothing goes to n3 before the entries it lacks; TimeoutNow only once it holds them all.
    const out = net.collect();
    expect(out.filter((m) => m.type === 'TimeoutNow')).toEqual([]);
    for (const m of out) net.core(m.to).step(m);
    net.deliver();
    expect(net.core(3).status().role).toBe('leader');
    expect(net.core(3).log().length).toBeGreaterThanOrEqual(last);
    const timeoutNow = net.sent.findIndex((m) => m.type === 'TimeoutNow');
    const lastAppendToN3 = net.sent.findIndex((m) => m.type === 'AppendEntriesResponse' && m.from === 3 && m.success && m.index === last);
    expect(lastAppendToN3).toBeGreaterThanOrEqual(0);
    expect(timeoutNow).toBeGreaterThan(lastAppendToN3);
  });

  it('§3.10 a transfer that does not complete within an election timeout is abandoned and proposals resume', () => {
    const net = cluster();
    net.drop = (m) => m.type === 'TimeoutNow';
    net.core(1).transferLeadership(2);
    net.run(9); // electionTicks [10, 20]: the leader's election timeout is 10 ticks
    expect(net.core(1).propose('early').ok).toBe(false);
    net.run(1);
    expect(transfers(net.events.get(1)!).map((e) => e.phase)).toEqual(['started', 'timeout-now', 'abandoned']);
    expect(net.core(1).status().transferee).toBeNull();
    expect(net.leaders()).toEqual([1]);
    expect(net.core(1).propose('after').ok).toBe(true);
  });

  it('§3.10 only a leader transfers, only to a voter, and one transfer at a time', () => {
    const net = cluster();
    expect(net.core(2).transferLeadership(3)).toEqual({ ok: false, message: 'node 2 is not the leader' });
    expect(net.core(1).transferLeadership(7)).toEqual({ ok: false, message: 'node 7 is not a voter: leadership can only go to a voter' });
    expect(net.core(1).transferLeadership(1)).toEqual({ ok: true }); // already there
    net.drop = (m) => m.type === 'TimeoutNow';
    expect(net.core(1).transferLeadership(2)).toEqual({ ok: true });
    expect(net.core(1).transferLeadership(3)).toMatchObject({
      ok: false,
      message: expect.stringContaining('transfer to node 2 is under way'),
    });
  });

  it('§3.10 a leader that steps down drops its transfer', () => {
    const net = cluster();
    net.drop = (m) => m.type === 'TimeoutNow';
    net.core(1).transferLeadership(2);
    const { term, lastIndex } = net.core(1).status();
    // A vote request of a later term (here: another transfer's) deposes the leader (§5.1).
    net.core(1).step({ type: 'RequestVote', from: 3, to: 1, term: term + 1, lastLogIndex: lastIndex, lastLogTerm: term, transfer: true });
    expect(net.core(1).status()).toMatchObject({ role: 'follower', transferee: null });
    net.core(1).tick(10);
    net.collect();
    // Gone with the role: no 'abandoned' later, and proposals are refused as a follower's are.
    expect(transfers(net.events.get(1)!).map((e) => e.phase)).toEqual(['started', 'timeout-now']);
  });
});
