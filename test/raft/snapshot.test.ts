import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import type { InstallSnapshot, Message, RaftCore, Snapshot } from '../../src/raft/index.js';
import { appendMsg, configFor, drain, logOf, Net, shape } from './net.js';

/** Elects node 1 in a fresh net of `n` and commits `count` commands through it. */
function clusterWithLog(n: number, count: number, overrides: Parameters<typeof configFor>[2] = {}): Net {
  const net = new Net(n, () => overrides);
  net.campaign(1);
  for (let i = 1; i <= count; i++) net.core(1).propose(`c${i}`);
  net.deliver();
  return net;
}

function snapshotMsg(from: number, to: number, term: number, snap: Snapshot, offset = 0, size = snap.data.length): InstallSnapshot {
  const data = snap.data.slice(offset, offset + size);
  return {
    type: 'InstallSnapshot',
    from,
    to,
    term,
    lastIncludedIndex: snap.index,
    lastIncludedTerm: snap.term,
    voters: snap.voters,
    learners: snap.learners,
    offset,
    size: snap.data.length,
    data,
    done: offset + data.length === snap.data.length,
  };
}

/** A follower of term `term` (leader 1) holding `terms` as its log, commit `commit`, Readies drained. */
function follower(terms: number[], term: number, commit: number): RaftCore {
  const core = createRaft({ ...configFor(2, 3), hardState: { term, votedFor: null, commit }, entries: logOf(terms) });
  drain(core);
  core.step(appendMsg(1, 2, term, 0, 0, [], 0)); // hear from the leader of `term`
  drain(core);
  return core;
}

describe('§7 log compaction', () => {
  it('§7: a server snapshots its applied state and drops the entries the snapshot covers', () => {
    const net = clusterWithLog(3, 10);
    const before = net.core(1).status();
    expect(net.compact(1)).toBe(true);
    const s = net.core(1).status();
    expect(s.snapshotIndex).toBe(before.appliedIndex);
    expect(s.snapshotTerm).toBe(1);
    expect(s.lastIndex).toBe(before.lastIndex);
    expect(net.core(1).log()).toHaveLength(0);
    const rd = net.core(1).ready();
    expect(rd.snapshot?.index).toBe(11);
    expect(rd.events).toContainEqual({ kind: 'snapshot-taken', index: 11, term: 1, compacted: 11 });
  });

  it('§7: a snapshot covers only what the host applied, and only moves forward', () => {
    const core = createRaft({ ...configFor(1, 1), entries: logOf([1, 1, 1]), hardState: { term: 1, votedFor: 1, commit: 0 } });
    expect(core.compact(1, '[]')).toBe(false); // nothing applied yet
    const net = clusterWithLog(1, 3);
    const c = net.core(1);
    expect(c.compact(c.status().appliedIndex + 1, 'x')).toBe(false);
    expect(net.compact(1)).toBe(true);
    expect(c.compact(c.status().snapshotIndex, 'x')).toBe(false);
  });

  it('§7: a follower far behind gets the snapshot, then the entries after it, and ends with the same state', () => {
    const net = clusterWithLog(3, 5);
    net.crash(3);
    for (let i = 6; i <= 40; i++) net.core(1).propose(`c${i}`);
    net.deliver();
    expect(net.compact(1)).toBe(true);
    net.core(1).propose('after-snapshot');
    net.deliver();
    net.restart(3);
    net.run(
      20,
      () =>
        net.core(3).status().lastIndex === net.core(1).status().lastIndex &&
        net.core(3).status().commitIndex === net.core(1).status().commitIndex,
    );

    const leader = net.core(1).status();
    const s3 = net.core(3).status();
    expect(net.sentOf('InstallSnapshot', { from: 1, to: 3 }).length).toBeGreaterThan(0);
    expect(s3.snapshotIndex).toBe(leader.snapshotIndex);
    expect(s3.lastIndex).toBe(leader.lastIndex);
    expect(shape(net.core(3).log())).toEqual(shape(net.core(1).log()));
    expect(net.state.get(3)).toEqual(net.state.get(1));
    expect(net.events.get(3)).toContainEqual(
      expect.objectContaining({ kind: 'snapshot-received', leader: 1, index: leader.snapshotIndex, installed: true }),
    );
    // Storage holds the snapshot and the entries after it: a restart comes back the same.
    const stored = net.stored.get(3)!;
    expect(stored.snapshot?.index).toBe(leader.snapshotIndex);
    net.crash(3);
    const again = net.restart(3);
    expect(again.status().snapshotIndex).toBe(leader.snapshotIndex);
    expect(shape(again.log())).toEqual(shape(net.core(1).log()));
  });

  it('§7: the snapshot goes in chunks with offsets, one in flight at a time, and survives a lost chunk', () => {
    const net = clusterWithLog(3, 5, { snapshotChunkChars: 16 });
    net.crash(3);
    for (let i = 6; i <= 30; i++) net.core(1).propose(`command-${i}`);
    net.deliver();
    net.compact(1);
    let dropped = false;
    net.drop = (m) => {
      // Lose the second chunk once: the leader must resend it from the follower's offset.
      if (!dropped && m.type === 'InstallSnapshot' && m.offset === 16) {
        dropped = true;
        return true;
      }
      return false;
    };
    net.restart(3);
    let maxOutstanding = 0;
    for (let round = 0; round < 200 && net.core(3).status().snapshotIndex === 0; round++) {
      net.core(1).tick(1);
      net.core(3).tick(1);
      const msgs = net.collect();
      const chunks = msgs.filter((m) => m.type === 'InstallSnapshot' && m.to === 3).length;
      maxOutstanding = Math.max(maxOutstanding, chunks);
      for (const m of msgs) if (!net.down.has(m.to) && !net.drop(m)) net.core(m.to).step(m);
      const pr = net.core(1).status().progress?.[3];
      if (pr?.state === 'snapshot') expect(pr.snapshot?.size).toBeGreaterThan(16);
    }
    net.deliver();
    const chunks = net.sentOf('InstallSnapshot', { from: 1, to: 3 });
    const size = chunks[0]!.size;
    expect(size).toBeGreaterThan(32);
    expect(chunks.map((c) => c.offset)).toContain(16);
    expect(chunks.filter((c) => c.offset === 16).length).toBeGreaterThanOrEqual(2); // resent
    expect(chunks.every((c) => c.data.length <= 16 && c.done === (c.offset + c.data.length === size))).toBe(true);
    expect(maxOutstanding).toBe(1);
    expect(dropped).toBe(true);
    expect(net.state.get(3)).toEqual(net.state.get(1));
    expect(net.core(1).status().progress?.[3]?.state).toBe('replicate');
  });

  it("§7: the leader's progress for that follower is in the snapshot state while it sends", () => {
    const net = clusterWithLog(3, 5);
    net.crash(3);
    for (let i = 0; i < 10; i++) net.core(1).propose('x');
    net.deliver();
    net.compact(1);
    net.restart(3);
    net.drop = (m) => m.type === 'InstallSnapshot'; // keep it in flight forever
    net.run(10);
    const pr = net.core(1).status().progress?.[3];
    expect(pr?.state).toBe('snapshot');
    expect(pr?.snapshot).toMatchObject({ index: net.core(1).status().snapshotIndex, acked: 0 });
    expect(net.events.get(1)).toContainEqual(expect.objectContaining({ kind: 'snapshot-send', to: 3 }));
  });

  it("§7: a snapshot older than the follower's commit index is ignored", () => {
    const core = follower([1, 1, 1, 1, 1, 1, 1, 1], 1, 0);
    core.step(appendMsg(1, 2, 1, 8, 1, [], 6)); // commit 6
    drain(core);
    const logBefore = shape(core.log());
    core.step(snapshotMsg(1, 2, 1, { index: 4, term: 1, voters: [1, 2, 3], learners: [], data: '["old"]' }));
    const rd = core.ready();
    expect(rd.snapshot).toBeNull();
    expect(shape(core.log())).toEqual(logBefore);
    expect(core.status().snapshotIndex).toBe(0);
    // It answers that its log matches up to its commit, so the leader moves on.
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'AppendEntriesResponse', success: true, index: 6 })]);
    expect(rd.events).toContainEqual(expect.objectContaining({ kind: 'snapshot-received', installed: false }));
  });

  it('§7: entries after a snapshot that matches the log are kept', () => {
    const core = follower([1, 1, 2, 2, 2, 3, 3], 3, 0);
    const snap: Snapshot = { index: 4, term: 2, voters: [1, 2, 3], learners: [], data: '["s"]' };
    core.step(snapshotMsg(1, 2, 3, snap));
    const rd = core.ready();
    expect(rd.snapshot).toEqual(snap);
    expect(rd.committedEntries).toEqual([]); // the snapshot replaces them
    expect(core.status()).toMatchObject({ snapshotIndex: 4, snapshotTerm: 2, lastIndex: 7, commitIndex: 4 });
    expect(shape(core.log())).toEqual([
      [5, 2],
      [6, 3],
      [7, 3],
    ]);
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'AppendEntriesResponse', success: true, index: 4 })]);
    expect(rd.events).toContainEqual(expect.objectContaining({ kind: 'snapshot-received', installed: true, kept: 3 }));
    core.advance(rd);
    expect(core.status().appliedIndex).toBe(4);
  });

  it('§7: a snapshot that does not match the log replaces the whole log', () => {
    const core = follower([1, 1, 1, 1, 1, 1], 3, 0);
    core.step(snapshotMsg(1, 2, 3, { index: 4, term: 2, voters: [1, 2, 3], learners: [], data: '[]' }));
    const rd = core.ready();
    expect(rd.snapshot?.index).toBe(4);
    expect(core.log()).toEqual([]);
    expect(core.status()).toMatchObject({ snapshotIndex: 4, snapshotTerm: 2, lastIndex: 4, commitIndex: 4 });
  });

  it('§7: an AppendEntries from before the snapshot is answered from the snapshot on', () => {
    const core = follower([1, 1, 1, 1, 1, 1], 1, 0);
    core.step(snapshotMsg(1, 2, 1, { index: 5, term: 1, voters: [1, 2, 3], learners: [], data: '[]' }));
    drain(core);
    // Entries 3..8: 3..5 are in the snapshot, 6 is ours already, 7 and 8 are new.
    core.step(appendMsg(1, 2, 1, 2, 1, [1, 1, 1, 1, 1, 1], 8));
    const rd = drain(core);
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'AppendEntriesResponse', success: true, index: 8 })]);
    expect(core.status()).toMatchObject({ snapshotIndex: 5, lastIndex: 8, commitIndex: 8 });
    // A heartbeat checking below the snapshot matches too.
    core.step(appendMsg(1, 2, 1, 1, 1, [], 8));
    expect(drain(core).messages).toEqual([expect.objectContaining({ type: 'AppendEntriesResponse', success: true, index: 5 })]);
  });

  it('§7 with §5.1: a snapshot chunk from a stale leader is refused with the current term', () => {
    const core = follower([1, 1], 3, 0);
    core.step(snapshotMsg(1, 2, 2, { index: 2, term: 1, voters: [1, 2, 3], learners: [], data: '[]' }));
    const rd = drain(core);
    expect(rd.snapshot).toBeNull();
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'InstallSnapshotResponse', term: 3 })]);
  });

  it('§7: a node restarts from its snapshot and the entries after it, and can lead', () => {
    const snap: Snapshot = { index: 10, term: 2, voters: [1, 2, 3], learners: [], data: '["a","b"]' };
    const entries = [11, 12].map((index) => ({ index, term: 3, type: 'normal' as const, data: `e${index}` }));
    const net = new Net(3, (id) =>
      id === 1
        ? { snapshot: snap, entries, hardState: { term: 3, votedFor: 1, commit: 0 } }
        : { hardState: { term: 3, votedFor: null, commit: 0 } },
    );
    const s = net.core(1).status();
    expect(s).toMatchObject({ snapshotIndex: 10, snapshotTerm: 2, lastIndex: 12, commitIndex: 10, appliedIndex: 10 });
    net.campaign(1);
    expect(net.leaders()).toEqual([1]);
    net.run(20);
    for (const id of [2, 3]) {
      expect(net.core(id).status().lastIndex).toBe(13);
      expect(net.state.get(id)).toEqual(['a', 'b', 'e11', 'e12']);
    }
  });

  it('§7: malformed InstallSnapshot messages are ignored', () => {
    const core = follower([1, 1], 1, 0);
    const good = snapshotMsg(1, 2, 1, { index: 5, term: 1, voters: [1, 2, 3], learners: [], data: 'abc' });
    const bad: unknown[] = [
      { ...good, size: 2 }, // chunk past the end
      { ...good, done: false },
      { ...good, lastIncludedTerm: 2 }, // newer than the sender's term
      { ...good, lastIncludedIndex: 0 },
      { ...good, data: 5 },
      { ...good, voters: [0] },
    ];
    for (const m of bad) core.step(m as Message);
    expect(core.ready().snapshot).toBeNull();
    expect(core.status().snapshotIndex).toBe(0);
  });
});
