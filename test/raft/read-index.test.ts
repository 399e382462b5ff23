import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import { configFor, drain, Net } from './net.js';

/** n nodes, n1 leading with its no-op committed everywhere. */
function cluster(n: number, checkQuorum = true): Net {
  const net = new Net(n, () => ({ preVote: true, checkQuorum }));
  net.campaign(1);
  expect(net.leaders()).toEqual([1]);
  return net;
}

describe('thesis §6.4 ReadIndex reads', () => {
  it('§6.4 the leader answers a read with its commit index once a heartbeat round confirms it, writing nothing to the log', () => {
    const net = cluster(3);
    net.core(1).propose('x');
    net.deliver();
    const { commitIndex, lastIndex } = net.core(1).status();
    expect(net.core(1).readIndex(7)).toEqual({ ok: true });
    // Before any follower answers, the read is not confirmed.
    const round = net.collect();
    expect(net.readStates.get(1)).toEqual([]);
    expect(round.filter((m) => m.type === 'AppendEntries').map((m) => m.to)).toEqual([2, 3]);
    expect(round.every((m) => m.type !== 'AppendEntries' || (m.entries.length === 0 && m.readRound === 1))).toBe(true);
    for (const m of round) net.core(m.to).step(m);
    net.deliver();
    expect(net.readStates.get(1)).toEqual([{ id: 7, index: commitIndex }]);
    expect(net.core(1).status().lastIndex).toBe(lastIndex);
  });

  it('§6.4 a majority of answers is enough: one slow follower does not hold a read up', () => {
    const net = cluster(3);
    net.drop = (m) => m.to === 3 || m.from === 3;
    net.core(1).readIndex(1);
    net.deliver();
    expect(net.readStates.get(1)).toEqual([{ id: 1, index: 1 }]);
  });

  it('§6.4 a new leader serves no read until it has committed an entry of its own term', () => {
    const net = new Net(3, () => ({ preVote: false, checkQuorum: false }));
    // Elect n1 but lose every answer to its no-op, so it cannot commit it.
    net.drop = (m) => m.type === 'AppendEntriesResponse';
    net.campaign(1);
    expect(net.leaders()).toEqual([1]);
    expect(net.core(1).status().commitIndex).toBe(0);
    net.core(1).readIndex(1);
    net.deliver();
    expect(net.readStates.get(1)).toEqual([]);
    net.drop = () => false;
    net.run(2); // a heartbeat: the no-op commits, then the read goes out with its index
    expect(net.core(1).status().commitIndex).toBe(1);
    expect(net.readStates.get(1)).toEqual([{ id: 1, index: 1 }]);
  });

  it('§6.4 many reads share one heartbeat round', () => {
    const net = cluster(5);
    const before = net.sentOf('AppendEntries', { from: 1 }).length;
    for (let id = 1; id <= 100; id++) net.core(1).readIndex(id);
    net.deliver();
    expect(net.readStates.get(1)).toHaveLength(100);
    expect(net.sentOf('AppendEntries', { from: 1 }).length - before).toBe(4); // one per follower
  });

  it('§6.4 reads arriving while a round is out ride the next one', () => {
    const net = cluster(3);
    net.core(1).readIndex(1);
    const first = net.collect();
    net.core(1).readIndex(2);
    net.core(1).readIndex(3);
    for (const m of first) net.core(m.to).step(m);
    net.deliver();
    expect(net.readStates.get(1)!.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(
      net
        .sentOf('AppendEntries', { from: 1 })
        .filter((m) => m.readRound !== undefined)
        .map((m) => m.readRound),
    ).toEqual([1, 1, 2, 2]);
  });

  for (const checkQuorum of [true, false]) {
    it(`§6.4 a deposed leader cut off from the majority never confirms a read (check-quorum ${checkQuorum ? 'on' : 'off'})`, () => {
      const net = cluster(5, checkQuorum);
      net.core(1).propose('x=1');
      net.deliver();
      // {1,2} | {3,4,5}: a read reaches n1 just as the network splits.
      const side = (id: number) => (id <= 2 ? 0 : 1);
      net.drop = (m) => side(m.from) !== side(m.to);
      expect(net.core(1).readIndex(41)).toEqual({ ok: true });
      // The majority elects a new leader and commits a new value.
      net.run(200, () => [3, 4, 5].some((id) => net.core(id).status().role === 'leader'));
      const fresh = [3, 4, 5].find((id) => net.core(id).status().role === 'leader')!;
      expect(net.core(fresh).propose('x=2').ok).toBe(true);
      net.deliver();
      expect(net.core(fresh).status().commitIndex).toBe(net.core(fresh).status().lastIndex);
      // Without check-quorum n1 still believes it leads: a second read now would be stale.
      if (!checkQuorum) {
        expect(net.core(1).status().role).toBe('leader');
        expect(net.core(1).readIndex(42)).toEqual({ ok: true });
      }
      net.run(100);
      expect(net.readStates.get(1)).toEqual([]);
      // Healed: n1 learns of the new term and its reads fail instead of being served.
      net.drop = () => false;
      net.run(20);
      expect(net.readStates.get(1)).toEqual([]);
      expect(net.readsFailed.get(1)).toEqual(checkQuorum ? [41] : [41, 42]);
    });
  }

  it('bugs.skipReadQuorum: a leader cut off from the majority answers a read at once (the stale read §6.4 forbids)', () => {
    for (const skipReadQuorum of [false, true]) {
      const net = new Net(5, () => ({ preVote: true, checkQuorum: false, bugs: { skipReadQuorum } }));
      net.campaign(1);
      net.core(1).propose('x=1');
      net.deliver();
      net.drop = (m) => m.from === 1 || m.to === 1;
      expect(net.core(1).readIndex(9)).toEqual({ ok: true });
      net.deliver();
      // With the switch the read is answered with no follower heard from; without it, never.
      expect(net.readStates.get(1)).toEqual(skipReadQuorum ? [{ id: 9, index: 2 }] : []);
    }
  });

  it('§6.4 a follower forwards a read to the leader and gets the read index back', () => {
    const net = cluster(3);
    net.core(1).propose('x');
    net.deliver();
    expect(net.core(2).readIndex(5)).toEqual({ ok: true });
    net.deliver();
    expect(net.sentOf('ReadIndex')).toEqual([{ type: 'ReadIndex', from: 2, to: 1, term: 1, readId: 5 }]);
    expect(net.readStates.get(2)).toEqual([{ id: 5, index: net.core(1).status().commitIndex }]);
    expect(net.readStates.get(1)).toEqual([]);
  });

  it('§6.4 a forwarded read whose request or answer is lost fails after an election timeout, so the client asks again', () => {
    const net = cluster(3);
    net.core(1).propose('x');
    net.deliver();
    net.drop = (m) => m.type === 'ReadIndex' || m.type === 'ReadIndexResponse';
    expect(net.core(2).readIndex(5)).toEqual({ ok: true });
    net.deliver();
    // The leader is still there (heartbeats flow): nothing else would ever end the wait.
    net.run(9);
    expect(net.readsFailed.get(2)).toEqual([]);
    net.run(2);
    expect(net.readsFailed.get(2)).toEqual([5]);
    expect(net.leaders()).toEqual([1]);
    // An answer that comes late is no news: the read is not answered twice.
    net.drop = () => false;
    net.core(2).step({ type: 'ReadIndexResponse', from: 1, to: 2, term: 1, readId: 5, ok: true, index: 2 });
    net.deliver();
    expect(net.readStates.get(2)).toEqual([]);
    // A read answered in time is not failed later.
    expect(net.core(2).readIndex(6)).toEqual({ ok: true });
    net.deliver();
    expect(net.readStates.get(2)).toEqual([{ id: 6, index: net.core(1).status().commitIndex }]);
    net.run(30);
    expect(net.readsFailed.get(2)).toEqual([5]);
  });

  it('§6.4 a node that knows no leader refuses a read at once; reads fail when their leader goes', () => {
    const lone = createRaft(configFor(1, 3));
    expect(lone.readIndex(1)).toEqual({ ok: false, leader: null });
    const net = cluster(3);
    net.drop = (m) => m.from === 1 || m.to === 1;
    net.core(1).readIndex(1);
    net.core(2).readIndex(2);
    net.deliver();
    net.run(40); // n1 steps down (check-quorum), n2 or n3 is elected
    expect(net.readsFailed.get(1)).toEqual([1]);
    expect(net.readsFailed.get(2)).toEqual([2]);
  });

  it('§6.4 a single-node cluster confirms a read at once', () => {
    const core = createRaft(configFor(1, 1));
    for (let i = 0; i < 30 && core.status().role !== 'leader'; i++) core.tick(core.ticksUntilNextEvent());
    drain(core);
    expect(core.status().commitIndex).toBe(1);
    core.readIndex(9);
    expect(drain(core).readStates).toEqual([{ id: 9, index: 1 }]);
  });
});
