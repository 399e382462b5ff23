import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import type { AppendEntries, AppendEntriesResponse, Message } from '../../src/raft/index.js';
import { appendMsg, configFor, drain, logOf, Net, shape } from './net.js';

/** A follower (node 1 of 3) of leader 2 in `term`, holding a log with `terms`. */
function follower(terms: number[], term: number) {
  const core = createRaft(configFor(1, 3, { hardState: { term, votedFor: null, commit: 0 }, entries: logOf(terms) }));
  drain(core);
  return core;
}

const answer = (msgs: Message[]) => msgs.find((m): m is AppendEntriesResponse => m.type === 'AppendEntriesResponse')!;
const appendsTo = (msgs: Message[], to: number) => msgs.filter((m): m is AppendEntries => m.type === 'AppendEntries' && m.to === to);

describe('§5.3 log replication: the follower side', () => {
  it('§5.3 a follower rejects an AppendEntries whose previous entry does not match, with the conflict hint', () => {
    const core = follower([1, 1, 2, 2], 3);
    core.step(appendMsg(2, 1, 3, 6, 3)); // past our end
    expect(answer(drain(core).messages)).toMatchObject({ success: false, index: 6, conflictTerm: 0, conflictIndex: 5 });
    core.step(appendMsg(2, 1, 3, 4, 3)); // our entry 4 has term 2, which starts at index 3
    expect(answer(drain(core).messages)).toMatchObject({ success: false, index: 4, conflictTerm: 2, conflictIndex: 3 });
    expect(core.log()).toHaveLength(4);
    core.step(appendMsg(2, 1, 3, 4, 2, [3])); // matches: accepted
    expect(answer(drain(core).messages)).toMatchObject({ success: true, index: 5 });
    expect(shape(core.log())).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 3],
    ]);
  });

  it('§5.3 a follower deletes a conflicting suffix and appends the leader entries; storage is told to rewrite from there', () => {
    const core = follower([1, 1, 2, 2, 2], 3);
    core.step(appendMsg(2, 1, 3, 2, 1, [3, 3]));
    const rd = drain(core);
    expect(shape(core.log())).toEqual([
      [1, 1],
      [2, 1],
      [3, 3],
      [4, 3],
    ]);
    expect(rd.events).toContainEqual({ kind: 'truncate', from: 3, count: 3 });
    // The Ready's entries start at or before the old last index: storage replaces from there.
    expect(shape(rd.entries)).toEqual([
      [3, 3],
      [4, 3],
    ]);
    expect(answer(rd.messages)).toMatchObject({ success: true, index: 4 });
  });

  it('§5.3 an old or duplicated AppendEntries never truncates a longer matching log', () => {
    const core = follower([1, 1, 1, 1], 1);
    core.step(appendMsg(2, 1, 1, 1, 1, [1])); // a late copy of an earlier message
    const rd = drain(core);
    expect(core.log()).toHaveLength(4);
    expect(rd.entries).toEqual([]);
    expect(rd.events.filter((e) => e.kind === 'truncate')).toEqual([]);
    expect(answer(rd.messages)).toMatchObject({ success: true, index: 2 });
  });

  it('§5.3 a follower commits up to min(leaderCommit, index of last new entry)', () => {
    const core = follower([], 1);
    core.step(appendMsg(2, 1, 1, 0, 0, [1, 1], 5));
    expect(core.status().commitIndex).toBe(2);
    expect(drain(core).committedEntries.map((e) => e.index)).toEqual([1, 2]);
    core.step(appendMsg(2, 1, 1, 1, 1, [], 5)); // last new entry is 1: commit never goes back
    expect(core.status().commitIndex).toBe(2);
    core.step(appendMsg(2, 1, 1, 2, 1, [1, 1], 3));
    expect(core.status().commitIndex).toBe(3);
    const rd = drain(core);
    expect(rd.committedEntries.map((e) => e.index)).toEqual([3]);
    // A commit change alone is no reason to rewrite the hard state.
    expect(rd.hardState).toBeNull();
    expect(core.status().appliedIndex).toBe(3);
  });
});

describe('§5.3 log replication: the leader side', () => {
  it('§5.3 many proposals between two Readies go out as one AppendEntries per follower', () => {
    const net = new Net(3);
    net.campaign(1);
    const leader = net.core(1);
    for (let i = 0; i < 100; i++) expect(leader.propose(`SET k${i} = ${i}`)).toMatchObject({ ok: true, index: i + 2 });
    const msgs = drain(leader).messages;
    expect(msgs).toHaveLength(2);
    for (const to of [2, 3]) {
      const [m] = appendsTo(msgs, to);
      expect(m).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1 });
      expect(m!.entries.map((e) => e.index)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    }
  });

  it('§5.3 a batch stops at maxBatchEntries and maxBatchBytes', () => {
    const net = new Net(3, (id) => (id === 1 ? { maxBatchEntries: 3, maxBatchBytes: 10 } : {}));
    net.campaign(1);
    const leader = net.core(1);
    for (let i = 0; i < 4; i++) leader.propose('x');
    leader.propose('a long command'); // larger than the byte limit: still sent, alone
    const sizes = appendsTo(drain(leader).messages, 2).map((m) => m.entries.length);
    expect(sizes).toEqual([3, 1, 1]);
  });

  it('§5.3 the leader brings every follower log of Figure 7 to match its own, in a few round trips', () => {
    const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    const figure7: Record<string, number[]> = {
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    };
    for (const [name, followerLog] of Object.entries(figure7)) {
      // Node 1 leads with the figure's leader log; node 3 has the same log and votes for it.
      const net = new Net(3, (id) => ({
        hardState: { term: 7, votedFor: null, commit: 0 },
        entries: logOf(id === 2 ? followerLog : leaderLog),
      }));
      net.campaign(1);
      expect(net.core(1).status()).toMatchObject({ role: 'leader', term: 8 });
      const leaderShape = shape(net.core(1).log());
      expect(shape(net.core(2).log()), `follower (${name})`).toEqual(leaderShape);
      net.heartbeat(1); // brings the commit index (§5.3)
      expect(net.core(2).status().commitIndex, `follower (${name})`).toBe(11);
      // Thanks to the conflict hint at most two rejections; one per entry would take up to seven.
      const rejections = net.sentOf('AppendEntriesResponse', { from: 2 }).filter((m) => !m.success);
      expect(rejections.length, `follower (${name})`).toBeLessThanOrEqual(2);
    }
  });

  it('§5.3 pipelining keeps at most maxInflight AppendEntries in flight and falls back to probe on a rejection', () => {
    const net = new Net(3, (id) => (id === 1 ? { maxInflight: 4, maxBatchEntries: 1 } : {}));
    net.campaign(1);
    const leader = net.core(1);
    const f2 = net.core(2);
    expect(leader.status().progress![2]).toMatchObject({ state: 'replicate', match: 1 });
    // Node 2's traffic is carried by hand; node 3's flows.
    net.drop = (m) => m.to === 2 || m.from === 2;
    const sentTo2 = () => {
      const before = net.sent.length;
      net.deliver();
      return appendsTo(net.sent.slice(before), 2);
    };
    for (let i = 0; i < 10; i++) leader.propose(`c${i}`);
    const window = sentTo2();
    expect(window.map((m) => m.entries.map((e) => e.index))).toEqual([[2], [3], [4], [5]]);
    expect(leader.status().progress![2]).toMatchObject({ state: 'replicate', inflight: 4, next: 6 });

    // The first arrives and is acknowledged: one slot frees and one more message goes out.
    f2.step(window[0]!);
    leader.step(answer(drain(f2).messages));
    expect(sentTo2().map((m) => m.entries.map((e) => e.index))).toEqual([[6]]);

    // The second is lost and the third arrives: the follower rejects, the leader probes.
    f2.step(window[2]!);
    const reject = answer(drain(f2).messages);
    expect(reject).toMatchObject({ success: false, index: 3, conflictTerm: 0, conflictIndex: 3 });
    leader.step(reject);
    expect(leader.status().progress![2]).toMatchObject({ state: 'probe', next: 3, inflight: 0 });
    const probes = sentTo2();
    expect(probes.map((m) => [m.prevLogIndex, m.entries.map((e) => e.index)])).toEqual([[2, [3]]]);
    // While the probe is unanswered nothing more goes to node 2.
    leader.propose('x');
    leader.propose('y');
    expect(sentTo2()).toEqual([]);

    // Its answer puts node 2 back to replicating, and everything reaches it.
    f2.step(probes[0]!);
    leader.step(answer(drain(f2).messages));
    expect(leader.status().progress![2]).toMatchObject({ state: 'replicate', match: 3 });
    net.drop = () => false;
    let maxInflight = 0;
    for (let i = 0; i < 50 && leader.status().progress![2]!.match < 13; i++) {
      const msgs = net.collect();
      maxInflight = Math.max(maxInflight, leader.status().progress![2]!.inflight ?? 0);
      for (const m of msgs) net.core(m.to).step(m);
    }
    expect(maxInflight).toBe(4);
    net.deliver();
    net.heartbeat(1); // brings the commit index (§5.3)
    for (const id of net.ids) {
      expect(shape(net.core(id).log())).toEqual(shape(leader.log()));
      expect(net.core(id).status().commitIndex).toBe(13);
    }
  });

  it('§5.3 a replicating follower that answers nothing for an election timeout falls back to probe', () => {
    const net = new Net(3);
    net.campaign(1);
    const leader = net.core(1);
    net.drop = (m) => m.to === 2;
    leader.propose('SET a = 1');
    net.deliver();
    expect(leader.status().progress![2]).toMatchObject({ state: 'replicate', inflight: 1 });
    leader.tick(5); // less than the minimum election timeout (10)
    net.deliver();
    expect(leader.status().progress![2]!.state).toBe('replicate');
    leader.tick(5);
    net.deliver();
    expect(leader.status().progress![2]).toMatchObject({ state: 'probe', next: 2 });
    // Once messages flow again the next heartbeat carries the missing entry.
    net.drop = () => false;
    leader.tick(leader.ticksUntilNextEvent());
    net.deliver();
    expect(shape(net.core(2).log())).toEqual(shape(leader.log()));
  });

  it('§5.2 the leader sends heartbeats every heartbeatTicks; a follower that is behind gets entries instead', () => {
    const net = new Net(3, () => ({ heartbeatTicks: 3 }));
    net.drop = (m) => m.to === 3; // node 3 hears nothing from the start
    net.campaign(1);
    const leader = net.core(1);
    leader.propose('SET a = 1');
    net.deliver();
    leader.tick(2);
    expect(leader.hasReady()).toBe(false);
    leader.tick(1);
    const msgs = drain(leader).messages;
    const [to2] = appendsTo(msgs, 2);
    const [to3] = appendsTo(msgs, 3);
    expect(to2).toMatchObject({ prevLogIndex: 2, entries: [], leaderCommit: 2 });
    expect(to3!.entries.map((e) => e.index)).toEqual([1, 2]);
  });
});
