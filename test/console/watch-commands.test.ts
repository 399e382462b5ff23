import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../src/console/parse.js';
import { executeConsoleLine } from '../../src/console/run.js';
import type { ConsoleCommand } from '../../src/console/types.js';
import { FakeCluster } from './fake-cluster.js';

const ctx = { ids: [1, 2, 3, 4, 5] };

function command(line: string): ConsoleCommand | null {
  const parsed = parseConsoleLine(line, ctx);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(line)} to parse: ${parsed.message}`);
  return parsed.command;
}

function error(line: string): string {
  const parsed = parseConsoleLine(line, ctx);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(line)} to be rejected`);
  return parsed.message;
}

describe('parsing latency, timeout, step <n>, drop-msg and leader / followers', () => {
  it('reads the new commands', () => {
    expect(command('latency 10-20ms')).toEqual({ kind: 'latency', rangeMs: [10, 20] });
    expect(command('latency 15ms')).toEqual({ kind: 'latency', rangeMs: [15, 15] });
    expect(command('latency off')).toEqual({ kind: 'latency', rangeMs: [0, 0] });
    expect(command('timeout 2')).toEqual({ kind: 'timeout', id: 2 });
    expect(command('timeout followers')).toEqual({ kind: 'timeout', id: 'followers' });
    expect(command('step')).toEqual({ kind: 'step' });
    expect(command('step 12')).toEqual({ kind: 'step', message: 12 });
    expect(command('drop-msg 7')).toEqual({ kind: 'drop-msg', id: 7 });
  });

  it('takes leader and followers wherever a node id goes', () => {
    expect(command('crash leader')).toEqual({ kind: 'crash', target: 'leader' });
    expect(command('crash followers')).toEqual({ kind: 'crash', target: 'followers' });
    expect(command('restart followers')).toEqual({ kind: 'restart', target: 'followers' });
    expect(command('isolate Leader')).toEqual({ kind: 'isolate', id: 'leader' });
    expect(command('rejoin leader')).toEqual({ kind: 'rejoin', id: 'leader' });
    expect(command('partition leader | followers')).toEqual({ kind: 'partition', groups: [['leader'], ['followers']] });
    expect(command('partition leader,2 | 3')).toEqual({ kind: 'partition', groups: [['leader', 2], [3]] });
  });

  it('names the problem and the fix', () => {
    expect(error('latency')).toBe('latency needs a range: latency 10-20ms (or latency off)');
    expect(error('latency 20-10ms')).toMatch(/runs backwards/);
    expect(error('timeout')).toBe('timeout needs a node id, "leader" or "followers": timeout 2 (or timeout followers)');
    expect(error('timeout 9')).toBe('unknown node 9: this cluster has nodes 1-5');
    expect(error('step x')).toBe('"x" is not a message number: step (the next message due) or step 12 (message #12)');
    expect(error('drop-msg')).toBe('drop-msg needs a message number: drop-msg 12 (message #12 of the in-flight list)');
    expect(error('partition leader | leader')).toBe('leader is in two groups: a node can be in one group only');
  });
});

describe('running them: leader and followers are resolved when the command runs', () => {
  it('crash / restart / isolate the leader or the followers', async () => {
    const c = new FakeCluster();
    c.elect(3);
    expect((await executeConsoleLine(c, 'isolate leader')).message).toBe(
      'isolated n3: it cannot reach any other node (rejoin 3 undoes it)',
    );
    expect(c.calls).toEqual(['partition [[1,2,4,5],[3]]']);
    c.calls.length = 0;
    const crashed = await executeConsoleLine(c, 'crash followers');
    expect(crashed.ok).toBe(true);
    expect(c.calls).toEqual(['crash 1', 'crash 2', 'crash 4', 'crash 5']);
    c.calls.length = 0;
    expect((await executeConsoleLine(c, 'restart followers')).message).toMatch(/^restarted n1, n2, n4, n5/);
    expect(c.calls).toEqual(['restart 1', 'restart 2', 'restart 4', 'restart 5']);
  });

  it('partition leader | followers cuts the leader off; a node named twice is refused', async () => {
    const c = new FakeCluster();
    c.elect(2);
    expect((await executeConsoleLine(c, 'partition leader | followers')).ok).toBe(true);
    expect(c.calls).toEqual(['partition [[2],[1,3,4,5]]']);
    expect(await executeConsoleLine(c, 'partition leader | 2,3')).toEqual({
      ok: false,
      message: 'n2 is in two groups: a node can be in one group only',
    });
  });

  it('without a leader, leader and followers name nobody and say so', async () => {
    const c = new FakeCluster();
    expect((await executeConsoleLine(c, 'isolate leader')).message).toMatch(/^no leader right now/);
    expect((await executeConsoleLine(c, 'crash followers')).message).toMatch(/^no leader right now, so no followers/);
    expect(c.calls).toEqual([]);
  });

  it('timeout fires timers; a leader has none', async () => {
    const c = new FakeCluster();
    c.elect(1);
    expect(await executeConsoleLine(c, 'timeout 2')).toEqual({ ok: true, message: "n2's election timer fired" });
    expect((await executeConsoleLine(c, 'timeout leader')).ok).toBe(false);
    c.calls.length = 0;
    await executeConsoleLine(c, 'timeout followers');
    expect(c.calls).toEqual(['timeout 2', 'timeout 3', 'timeout 4', 'timeout 5']);
  });

  it('step <n>, drop-msg and latency reach the cluster', async () => {
    const c = new FakeCluster();
    c.paused = true;
    await executeConsoleLine(c, 'step 4');
    expect(await executeConsoleLine(c, 'latency 10-20ms')).toEqual({
      ok: true,
      message: 'every message now takes 10-20 ms of cluster time (scaled by speed; heal keeps it)',
    });
    c.flying = [
      {
        id: 4,
        from: 1,
        to: 2,
        type: 'AppendEntries',
        term: 2,
        summary: 'AppendEntries prev 0/t0 heartbeat commit 0',
        sentAt: 0,
        deliverAt: 5,
      },
    ];
    expect(await executeConsoleLine(c, 'drop-msg 4')).toEqual({
      ok: true,
      message: 'dropped #4 n1 → n2 AppendEntries prev 0/t0 heartbeat commit 0: it is lost',
    });
    expect(await executeConsoleLine(c, 'drop-msg 5')).toEqual({
      ok: false,
      message: 'no message #5 is in flight (see the in-flight list)',
    });
    expect(c.calls).toEqual(['step 4', 'setLatency [10,20]', 'dropMessage 4', 'dropMessage 5']);
  });

  it('step works on the virtual clock without pause', async () => {
    const c = new FakeCluster(3, true);
    expect((await executeConsoleLine(c, 'step')).ok).toBe(true);
  });
});
