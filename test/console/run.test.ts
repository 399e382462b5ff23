import { describe, expect, it } from 'vitest';
import { executeConsoleLine, runConsoleCommand } from '../../src/console/run.js';
import { FakeCluster } from './fake-cluster.js';

describe('runConsoleCommand: key-value commands go through submit', () => {
  it('submits the canonical text and reports the commit index and term', async () => {
    const cluster = new FakeCluster();
    cluster.answer = () => ({ ok: true, index: 7, term: 3 });
    const outcome = await executeConsoleLine(cluster, 'set x=1');
    expect(cluster.calls).toEqual(['submit SET x = 1']);
    expect(outcome).toEqual({ ok: true, message: 'SET x = 1 → committed at index 7 (term 3)' });
  });

  it('shows what GET, DEL and CAS answered', async () => {
    const cluster = new FakeCluster();
    const answers = [
      { ok: true as const, index: 8, term: 3, value: '1' },
      { ok: true as const, index: 9, term: 3, value: null },
      { ok: true as const, index: 10, term: 3, value: 'a b' },
      { ok: true as const, index: 11, term: 3, value: null },
      { ok: true as const, index: 12, term: 3, swapped: true, value: '1' },
      { ok: true as const, index: 13, term: 3, swapped: false, value: '3' },
    ];
    cluster.answer = () => answers.shift()!;
    const lines = ['GET x', 'GET y', 'DEL x', 'DEL y', 'CAS x 1 2', 'CAS x 1 2'];
    const messages = [];
    for (const line of lines) messages.push((await executeConsoleLine(cluster, line)).message);
    expect(messages).toEqual([
      'GET x → 1 (index 8)',
      'GET y → not set (index 9)',
      'DEL x → deleted (was a b) at index 10',
      'DEL y → y was not set (index 11)',
      'CAS x 1 2 → swapped at index 12 (term 3)',
      'CAS x 1 2 → not swapped: x is 3 (index 13)',
    ]);
  });

  it('says there is no leader when submit finds none, as a failure', async () => {
    const cluster = new FakeCluster();
    cluster.answer = () => ({ ok: false, error: 'no_leader', message: 'no node is leading', indeterminate: false });
    expect(await executeConsoleLine(cluster, 'SET x = 1')).toEqual({
      ok: false,
      message: 'SET x = 1 → no leader right now — try again in a moment',
    });
  });

  it('says "may still commit" for every indeterminate failure, and never for one that certainly did not happen', async () => {
    const cluster = new FakeCluster();
    for (const error of ['timeout', 'no_leader', 'down', 'not_leader'] as const) {
      cluster.answer = () => ({ ok: false, error, message: `the ${error} detail`, indeterminate: true });
      const outcome = await executeConsoleLine(cluster, 'SET x = 1');
      expect(outcome.ok, error).toBe(false);
      expect(outcome.message, error).toContain('may still commit');
      expect(outcome.message, error).not.toMatch(/try again in a moment|not applied/);
      cluster.answer = () => ({ ok: false, error, message: `the ${error} detail`, indeterminate: false });
      expect((await executeConsoleLine(cluster, 'SET x = 1')).message, error).not.toContain('may still commit');
    }
    cluster.answer = () => ({ ok: false, error: 'timeout', message: 'no answer within 5000 ms', indeterminate: true });
    expect((await executeConsoleLine(cluster, 'SET x = 1')).message).toBe(
      'SET x = 1 → no answer in time: it was proposed and may still commit (GET or look at the log to see) (no answer within 5000 ms)',
    );
  });

  it('moves a virtual clock until the submit settles', async () => {
    const cluster = new FakeCluster(5, true);
    let release: (() => void) | undefined;
    cluster.answer = () => new Promise((resolve) => (release = () => resolve({ ok: true, index: 1, term: 1 })));
    cluster.onAdvance = (total) => {
      if (total >= 100) release?.();
    };
    const outcome = await executeConsoleLine(cluster, 'SET x = 1');
    expect(outcome.ok).toBe(true);
    expect(cluster.advanced).toBeGreaterThanOrEqual(100);
  });
});

describe('runConsoleCommand: crash and restart', () => {
  it('crashes a node and says what it kept', async () => {
    const cluster = new FakeCluster();
    Object.assign(cluster.node(3), { term: 4, votedFor: 1, lastIndex: 12 });
    const outcome = await executeConsoleLine(cluster, 'crash 3');
    expect(cluster.calls).toEqual(['crash 3']);
    expect(outcome).toEqual({ ok: true, message: 'crashed n3 (it kept term 4, vote n1, 12 entries in storage)' });
  });

  it('crashes whoever leads for "crash leader"', async () => {
    const cluster = new FakeCluster();
    cluster.elect(2, 5);
    const outcome = await executeConsoleLine(cluster, 'crash leader');
    expect(cluster.calls).toEqual(['crash 2']);
    expect(outcome.message).toMatch(/^crashed n2, the leader \(it kept term 5, no vote, 0 entries in storage\)$/);
  });

  it('refuses "crash leader" with no leader, and crashing a node that is down', async () => {
    const cluster = new FakeCluster();
    expect(await executeConsoleLine(cluster, 'crash leader')).toEqual({
      ok: false,
      message: 'no leader right now — try again in a moment',
    });
    cluster.node(4).up = false;
    expect(await executeConsoleLine(cluster, 'crash 4')).toEqual({ ok: false, message: 'n4 is already down (restart 4 brings it back)' });
    expect(cluster.calls).toEqual([]);
  });

  it('restarts a crashed node, refuses one that is up, and restarts all that are down', async () => {
    const cluster = new FakeCluster();
    expect((await executeConsoleLine(cluster, 'restart 1')).message).toBe('n1 is up (crash 1 first)');
    cluster.node(2).up = false;
    cluster.node(5).up = false;
    const one = await executeConsoleLine(cluster, 'restart 2');
    expect(one.ok).toBe(true);
    expect(one.message).toMatch(/^restarted n2 with term 1, no vote, 0 entries from storage; it rejoins as a follower$/);
    const all = await executeConsoleLine(cluster, 'restart all');
    expect(all.message).toMatch(/^restarted n5: /);
    expect(cluster.calls).toEqual(['restart 2', 'restart 5']);
    expect(await executeConsoleLine(cluster, 'restart all')).toEqual({ ok: true, message: 'every node is up already' });
  });
});

describe('runConsoleCommand: network faults', () => {
  it('partitions and says which side keeps a majority', async () => {
    const cluster = new FakeCluster();
    const outcome = await executeConsoleLine(cluster, 'partition 1,2 | 3,4,5');
    expect(cluster.calls).toEqual(['partition [[1,2],[3,4,5]]']);
    expect(outcome.message).toBe('partitioned {1,2} | {3,4,5}: only {3,4,5} holds a majority (3 of 5)');
  });

  it('counts unnamed nodes as alone, and says when no side has a majority', async () => {
    const cluster = new FakeCluster();
    const outcome = await executeConsoleLine(cluster, 'partition 1,2 | 3,4');
    expect(outcome.message).toBe('partitioned {1,2} | {3,4} | {5}: no group holds a majority (3 of 5): nothing can commit until heal');
  });

  it('isolates a node into a group of its own, keeping the rest of a partition', async () => {
    const cluster = new FakeCluster();
    await executeConsoleLine(cluster, 'isolate 3');
    expect(cluster.faults.partition).toEqual([[1, 2, 4, 5], [3]]);
    await executeConsoleLine(cluster, 'partition 1,2 | 3,4,5');
    await executeConsoleLine(cluster, 'isolate 4');
    expect(cluster.faults.partition).toEqual([[1, 2], [3, 5], [4]]);
    expect((await executeConsoleLine(cluster, 'isolate 4')).message).toBe('n4 is already isolated (rejoin 4 undoes it)');
  });

  it('rejoins an isolated node into the largest group', async () => {
    const cluster = new FakeCluster();
    // n5 is named in no group: it is alone, and stays alone.
    await executeConsoleLine(cluster, 'partition 1 | 2,3 | 4');
    const outcome = await executeConsoleLine(cluster, 'rejoin 4');
    expect(cluster.faults.partition).toEqual([[1], [2, 3, 4], [5]]);
    expect(outcome).toEqual({ ok: true, message: 'n4 rejoined: {1} | {2,3,4} | {5}' });
  });

  it('removes the partition when rejoining leaves one group, keeping other faults', async () => {
    const cluster = new FakeCluster();
    await executeConsoleLine(cluster, 'drop 10');
    await executeConsoleLine(cluster, 'delay 5-10ms');
    cluster.cut(1, 2);
    await executeConsoleLine(cluster, 'isolate 3');
    cluster.calls.length = 0;
    const outcome = await executeConsoleLine(cluster, 'rejoin 3');
    expect(outcome).toEqual({ ok: true, message: 'n3 rejoined: no partition is left' });
    expect(cluster.faults).toEqual({ partition: null, cuts: [{ from: 1, to: 2 }], dropRate: 0.1, duplicateRate: 0, delayMs: [5, 10] });
  });

  it('refuses to rejoin a node that is not isolated', async () => {
    const cluster = new FakeCluster();
    expect(await executeConsoleLine(cluster, 'rejoin 2')).toEqual({ ok: false, message: 'n2 is not isolated: nothing to undo' });
    expect(cluster.calls).toEqual([]);
  });

  it('sets drop, dup and delay through setNetwork, and heals', async () => {
    const cluster = new FakeCluster();
    expect((await executeConsoleLine(cluster, 'drop 20')).message).toBe('dropping 20% of messages');
    expect((await executeConsoleLine(cluster, 'dup 5%')).message).toBe('delivering 5% of messages twice');
    expect((await executeConsoleLine(cluster, 'delay 20-200ms')).message).toBe('delaying each message 20-200 ms, so some overtake others');
    expect((await executeConsoleLine(cluster, 'delay off')).message).toBe('delay off: messages go straight through');
    expect((await executeConsoleLine(cluster, 'heal')).message).toBe('healed: every link is up; no drops, duplicates or delays');
    expect(cluster.calls).toEqual([
      'setNetwork {"dropRate":0.2}',
      'setNetwork {"duplicateRate":0.05}',
      'setNetwork {"delayMs":[20,200]}',
      'setNetwork {"delayMs":null}',
      'heal',
    ]);
  });
});

describe('runConsoleCommand: time, load, help and quit', () => {
  it('pauses, steps while paused, resumes; refuses step when not paused', async () => {
    const cluster = new FakeCluster();
    expect(await executeConsoleLine(cluster, 'step')).toEqual({ ok: false, message: 'not paused: type pause first, then step' });
    expect((await executeConsoleLine(cluster, 'pause')).ok).toBe(true);
    expect(await executeConsoleLine(cluster, 'step')).toEqual({
      ok: true,
      message: 'step: delivered #1 n1 → n2 AppendEntries prev 0/t0 heartbeat commit 0 — n2 accepted: its log matches up to 0',
    });
    expect((await executeConsoleLine(cluster, 'resume')).message).toBe('resumed');
    expect(cluster.calls).toEqual(['pause', 'step', 'resume']);
  });

  it('sets the speed and the load', async () => {
    const cluster = new FakeCluster();
    expect((await executeConsoleLine(cluster, 'speed 0.1')).message).toBe('speed 0.1×: 10 times slower');
    expect((await executeConsoleLine(cluster, 'load 20')).message).toBe('load: 20 random SETs a second');
    expect((await executeConsoleLine(cluster, 'load off')).message).toBe('load off');
    expect(cluster.calls).toEqual(['setSpeed 0.1', 'setLoad 20', 'setLoad 0']);
  });

  it('turns an exception from the cluster into a failed outcome', async () => {
    const cluster = new FakeCluster();
    cluster.setSpeed = () => {
      throw new Error('speed must be above 0');
    };
    expect(await executeConsoleLine(cluster, 'speed 2')).toEqual({ ok: false, message: 'speed must be above 0' });
  });

  it('returns the help table, or one command’s details', async () => {
    const cluster = new FakeCluster();
    const all = await executeConsoleLine(cluster, 'help');
    expect(all.ok).toBe(true);
    expect(all.help).toContain('partition <ids> | <ids>');
    const one = await executeConsoleLine(cluster, 'help crash');
    expect(one.message).toBe('crash <id|leader|followers> — stop a node: it loses memory, keeps its disk');
    expect(one.help).toContain('example: crash 2');
  });

  it('asks to quit', async () => {
    expect(await executeConsoleLine(new FakeCluster(), 'quit')).toEqual({ ok: true, message: 'bye', quit: true });
  });

  it('changes nothing on a line that does not parse', async () => {
    const cluster = new FakeCluster();
    expect(await executeConsoleLine(cluster, 'crash 9')).toEqual({ ok: false, message: 'unknown node 9: this cluster has nodes 1-5' });
    expect(cluster.calls).toEqual([]);
  });

  it('does nothing for a comment', async () => {
    const cluster = new FakeCluster();
    expect(await executeConsoleLine(cluster, '# hello')).toEqual({ ok: true, message: '' });
    expect(cluster.calls).toEqual([]);
  });
});

describe('runConsoleCommand: wait', () => {
  it('waits for a leader, woken by a cluster event', async () => {
    const cluster = new FakeCluster();
    const waiting = runConsoleCommand(cluster, { kind: 'wait', for: 'leader' }, { waitTimeoutMs: 5000 });
    setTimeout(() => {
      cluster.elect(4, 3);
      cluster.emit({ at: 0, type: 'raft', node: 4, event: { kind: 'role', role: 'leader', term: 3, reason: 'won-election' } });
    }, 5);
    expect(await waiting).toEqual({ ok: true, message: 'n4 leads (term 3)' });
    expect(cluster.listenerCount()).toBe(0);
  });

  it('answers at once when there is a leader already', async () => {
    const cluster = new FakeCluster();
    cluster.elect(1);
    expect(await runConsoleCommand(cluster, { kind: 'wait', for: 'leader' })).toEqual({ ok: true, message: 'n1 leads (term 2)' });
  });

  it('gives up on a leader after the timeout, leaving no listener behind', async () => {
    const cluster = new FakeCluster();
    const outcome = await runConsoleCommand(cluster, { kind: 'wait', for: 'leader' }, { waitTimeoutMs: 50 });
    expect(outcome).toEqual({ ok: false, message: 'no leader after 50 ms: is a majority up and connected?' });
    expect(cluster.listenerCount()).toBe(0);
  });

  it('waits for the next commit', async () => {
    const cluster = new FakeCluster();
    cluster.commitIndex = 5;
    const waiting = runConsoleCommand(cluster, { kind: 'wait', for: 'commit' }, { waitTimeoutMs: 5000 });
    setTimeout(() => cluster.emit({ at: 0, type: 'committed', node: 1, index: 6, term: 2, command: 'SET x = 1', quorum: [1, 2, 3] }), 5);
    expect(await waiting).toEqual({ ok: true, message: 'index 6 committed (term 2)' });
    expect(cluster.listenerCount()).toBe(0);
  });

  it('gives up on a commit after the timeout', async () => {
    const cluster = new FakeCluster();
    const outcome = await runConsoleCommand(cluster, { kind: 'wait', for: 'commit' }, { waitTimeoutMs: 40 });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^nothing committed in 40 ms/);
    expect(cluster.listenerCount()).toBe(0);
  });

  it('waits a time on the wall clock, or advances a virtual clock', async () => {
    const real = new FakeCluster();
    const started = performance.now();
    expect(await runConsoleCommand(real, { kind: 'wait', for: 'ms', ms: 30 })).toEqual({ ok: true, message: 'waited 30 ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const virtual = new FakeCluster(3, true);
    await runConsoleCommand(virtual, { kind: 'wait', for: 'ms', ms: 5000 });
    expect(virtual.advanced).toBe(5000);
  });

  it('advances a virtual clock until a leader appears', async () => {
    const cluster = new FakeCluster(3, true);
    cluster.onAdvance = (total) => {
      if (total >= 400) cluster.elect(2);
    };
    expect(await runConsoleCommand(cluster, { kind: 'wait', for: 'leader' })).toEqual({ ok: true, message: 'n2 leads (term 2)' });
    expect(cluster.advanced).toBeGreaterThanOrEqual(400);
    expect(cluster.advanced).toBeLessThan(1000);
  });
});
