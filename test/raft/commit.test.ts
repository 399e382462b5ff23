import { describe, expect, it } from 'vitest';
import type { RaftBugs } from '../../src/raft/index.js';
import { drain, logOf, Net, shape } from './net.js';

/** Pairs of nodes that applied different entries at the same index (State Machine Safety, §5.4.3). */
function appliedConflicts(net: Net): string[] {
  const out: string[] = [];
  for (const a of net.ids)
    for (const b of net.ids) {
      if (a >= b) continue;
      const ea = net.applied.get(a)!;
      const eb = net.applied.get(b)!;
      for (let i = 0; i < Math.min(ea.length, eb.length); i++)
        if (ea[i]!.term !== eb[i]!.term) out.push(`nodes ${a} and ${b} applied different entries at index ${i + 1}`);
    }
  return out;
}

/**
 * Figure 8 (c): S1, leader of term 4, has replicated its term-2 entry at index 2 to S2 and S3
 * (a majority with itself) but its own no-op of term 4 to nobody. S5 holds a term-3 entry at
 * index 2 and is down. One entry per AppendEntries lets index 2 travel without index 3.
 * (The first probe, carrying index 3 after index 2, is rejected by S2 and S3 and so harmless.)
 */
function figure8c(bugs: RaftBugs): Net {
  const logs: Record<number, number[]> = { 1: [1, 2], 2: [1], 3: [1], 4: [1], 5: [1, 3] };
  const net = new Net(5, (id) => ({
    hardState: { term: 3, votedFor: null, commit: 1 },
    entries: logOf(logs[id]!),
    maxBatchEntries: 1,
    bugs,
  }));
  net.crash(5);
  // S4 hears no AppendEntries; index 3 never arrives where it would be accepted.
  net.drop = (m) =>
    m.type === 'AppendEntries' && (m.to === 4 || (m.entries.some((e) => e.index === 3) && net.core(m.to).status().lastIndex >= 2));
  net.campaign(1);
  return net;
}

describe('§5.4.2 committing entries from previous terms', () => {
  it('§5.4.2 Figure 8: a leader does not commit an entry of an earlier term by counting replicas', () => {
    const net = figure8c({});
    const s1 = net.core(1);
    expect(s1.status()).toMatchObject({ role: 'leader', term: 4, lastIndex: 3 });
    expect(s1.status().progress).toMatchObject({ 2: { match: 2 }, 3: { match: 2 } });
    expect(s1.status().commitIndex).toBe(1); // index 2 is on 3 of 5, but of term 2
    expect(net.applied.get(1)!.map((e) => e.index)).toEqual([1]);

    // Figure 8 (d): S1 crashes, S5 is elected (votes of S2, S3, S4) and overwrites index 2.
    net.crash(1);
    net.down.delete(5);
    net.drop = () => false;
    for (let i = 0; i < 3 && net.core(5).status().role !== 'leader'; i++) net.campaign(5);
    expect(net.core(5).status()).toMatchObject({ role: 'leader', term: 5 });
    expect(shape(net.core(2).log())).toEqual([
      [1, 1],
      [2, 3],
      [3, 5],
    ]);
    net.heartbeat(5);
    expect(net.core(2).status().commitIndex).toBe(3);
    expect(appliedConflicts(net)).toEqual([]);
  });

  it('§5.4.2 Figure 8 with bugs.commitOldTermByCounting: the old entry commits, then is overwritten', () => {
    const net = figure8c({ commitOldTermByCounting: true });
    expect(net.core(1).status().commitIndex).toBe(2);
    expect(net.applied.get(1)!.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    net.crash(1);
    net.down.delete(5);
    net.drop = () => false;
    for (let i = 0; i < 3 && net.core(5).status().role !== 'leader'; i++) net.campaign(5);
    expect(appliedConflicts(net)).toContain('nodes 1 and 2 applied different entries at index 2');
  });

  it('§5.4.2 Figure 8 (e): once an entry of its own term reaches a majority, the earlier entries commit with it', () => {
    const net = figure8c({});
    net.drop = (m) => m.to === 4;
    // The lost no-op is sent again once S2 and S3 are found stalled (an election timeout).
    const s1 = net.core(1);
    for (let t = 0; t < 20 && s1.status().commitIndex < 3; t++) {
      s1.tick();
      net.deliver();
    }
    expect(s1.status().commitIndex).toBe(3);
    expect(net.applied.get(1)!.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it('§5.3 a leader commits an entry of its term once a majority stores it, and followers learn it', () => {
    const net = new Net(5);
    net.campaign(1);
    net.drop = (m) => m.to === 4 || m.to === 5;
    const leader = net.core(1);
    const { index } = leader.propose('SET x = 1') as { index: number };
    net.deliver();
    expect(leader.status().commitIndex).toBe(index);
    expect(net.events.get(1)).toContainEqual({ kind: 'commit', index, term: 1, quorum: [1, 2, 3], voters: [1, 2, 3, 4, 5] });
    // §5.3: the followers learn it from the leader's next AppendEntries — here a heartbeat.
    for (const id of [2, 3]) expect(net.core(id).status()).toMatchObject({ lastIndex: index, commitIndex: index - 1 });
    net.heartbeat(1);
    for (const id of [2, 3]) {
      expect(net.core(id).status().commitIndex).toBe(index);
      expect(net.applied.get(id)!.map((e) => e.data)).toEqual(['', 'SET x = 1']);
    }
    // Cut off after the no-op arrived, before the heartbeat that would bring its commit.
    expect(net.core(4).status()).toMatchObject({ lastIndex: 1, commitIndex: 0 });
  });

  it('§5.3 a new commit index goes out with the next AppendEntries, not on its own: new entries or a heartbeat carry it', () => {
    const net = new Net(3);
    net.campaign(1);
    net.heartbeat(1);
    const leader = net.core(1);
    const appendsFromLeader = () => net.sentOf('AppendEntries', { from: 1 });
    const before = appendsFromLeader().length;
    const x = (leader.propose('SET x = 1') as { index: number }).index;
    net.deliver();
    expect(leader.status().commitIndex).toBe(x);
    // One AppendEntries per follower, with the entry: no second one just to say it committed.
    const round = appendsFromLeader().slice(before);
    expect(round.map((m) => [m.to, m.entries.length, m.leaderCommit])).toEqual([
      [2, 1, x - 1],
      [3, 1, x - 1],
    ]);
    for (const id of [2, 3]) expect(net.core(id).status().commitIndex).toBe(x - 1);
    // The next entries carry it...
    const next = appendsFromLeader().length;
    leader.propose('SET y = 2');
    net.deliver();
    expect(
      appendsFromLeader()
        .slice(next)
        .map((m) => [m.entries.length, m.leaderCommit]),
    ).toEqual([
      [1, x],
      [1, x],
    ]);
    for (const id of [2, 3]) expect(net.core(id).status()).toMatchObject({ lastIndex: x + 1, commitIndex: x });
    // ...and with nothing new to send, the next heartbeat does.
    net.heartbeat(1);
    for (const id of [2, 3]) expect(net.core(id).status().commitIndex).toBe(x + 1);
  });

  it('bugs.applyBeforeCommit hands entries to the state machine before they commit', () => {
    for (const applyBeforeCommit of [false, true]) {
      const net = new Net(3, () => ({ bugs: { applyBeforeCommit } }));
      net.campaign(1);
      net.drop = () => true;
      net.core(1).propose('SET x = 1');
      net.deliver();
      expect(net.core(1).status().commitIndex).toBe(1);
      expect(net.applied.get(1)!.map((e) => e.index)).toEqual(applyBeforeCommit ? [1, 2] : [1]);
    }
  });
});

describe('thesis §6.4 and client proposals', () => {
  it('§6.4 a new leader appends a no-op entry of its term, so the first command lands at index 2', () => {
    const net = new Net(3);
    net.campaign(2);
    const leader = net.core(2);
    expect(leader.log()).toEqual([{ index: 1, term: 1, type: 'noop', data: '' }]);
    expect(leader.propose('SET x = 1')).toEqual({ ok: true, index: 2, term: 1 });
    net.deliver();
    net.heartbeat(2);
    for (const id of net.ids) expect(net.core(id).status().commitIndex).toBe(2);
  });

  it('§5.3 a proposal on a follower is refused with the leader id', () => {
    const net = new Net(3);
    expect(net.core(3).propose('SET x = 1')).toEqual({ ok: false, leader: null });
    net.campaign(2);
    expect(net.core(3).propose('SET x = 1')).toEqual({ ok: false, leader: 2 });
    expect(net.core(3).log()).toHaveLength(1);
    expect(drain(net.core(3)).entries).toEqual([]);
  });
});

describe("thesis §10.2.1 writing the leader's log in parallel", () => {
  it('§10.2.1 a leader sends new entries before they are durable, but counts its own copy only once persisted', () => {
    const net = new Net(3);
    net.campaign(1);
    const leader = net.core(1);
    const before = leader.status().commitIndex;
    leader.propose('SET x = 1');
    const rd = leader.ready(); // the host has not persisted it yet
    const append = rd.messages.find((m) => m.type === 'AppendEntries' && m.to === 2);
    expect(append && append.type === 'AppendEntries' && append.entries.map((e) => e.data)).toEqual(['SET x = 1']);
    // Follower 2 acknowledges: with the leader's copy not yet durable that is 1 of 3, no majority.
    leader.step({
      type: 'AppendEntriesResponse',
      from: 2,
      to: 1,
      term: leader.status().term,
      success: true,
      index: before + 1,
      conflictTerm: 0,
      conflictIndex: 0,
    });
    expect(leader.status().commitIndex).toBe(before);
    // Persisted: now the leader's own copy counts, and 2 of 3 commit it.
    leader.advance(rd);
    expect(leader.status().commitIndex).toBe(before + 1);
  });
});
