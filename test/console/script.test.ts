import { describe, expect, it } from 'vitest';
import { runScript } from '../../src/console/script.js';
import type { CommandOutcome } from '../../src/console/types.js';
import { FakeCluster } from './fake-cluster.js';

describe('runScript', () => {
  it('plays commands in order, skipping blanks and comments, and reports each line', async () => {
    const cluster = new FakeCluster();
    cluster.elect(1);
    const seen: [number, string, CommandOutcome][] = [];
    const script = ['# a demo', '', 'wait leader', 'SET x = 1', '  crash 2  ', 'heal'].join('\n');
    const result = await runScript(cluster, script, 'demo.txt', (lineNo, line, outcome) => seen.push([lineNo, line, outcome]));
    expect(result).toEqual({ ok: true });
    expect(cluster.calls).toEqual(['submit SET x = 1', 'crash 2', 'heal']);
    expect(seen.map(([n, line]) => [n, line])).toEqual([
      [3, 'wait leader'],
      [4, 'SET x = 1'],
      [5, 'crash 2'],
      [6, 'heal'],
    ]);
    expect(seen.every(([, , o]) => o.ok)).toBe(true);
  });

  it('refuses a script with a bad line before running any of it, naming file and line', async () => {
    const cluster = new FakeCluster();
    const result = await runScript(cluster, 'SET x = 1\ncrash 2\n\ncrash 7\n', 'demo.txt');
    expect(result).toEqual({ ok: false, message: 'demo.txt:4: unknown node 7: this cluster has nodes 1-5' });
    expect(cluster.calls).toEqual([]);
  });

  it('stops at the first command that fails, e.g. a SET with no leader', async () => {
    const cluster = new FakeCluster();
    cluster.answer = () => ({ ok: false, error: 'no_leader', message: 'no leader', indeterminate: false });
    const result = await runScript(cluster, 'SET x = 1\ncrash 2', 'demo.txt');
    expect(result).toEqual({ ok: false, message: 'demo.txt:1: SET x = 1 → no leader right now — try again in a moment' });
    expect(cluster.calls).toEqual(['submit SET x = 1']);
  });

  it('stops when a wait runs out of time', async () => {
    const cluster = new FakeCluster();
    const result = await runScript(cluster, 'wait leader\nSET x = 1', 'w.txt', undefined, { waitTimeoutMs: 30 });
    expect(result).toEqual({ ok: false, message: 'w.txt:1: no leader after 30 ms: is a majority up and connected?' });
    expect(cluster.calls).toEqual([]);
  });

  it('ends at quit, saying so', async () => {
    const cluster = new FakeCluster();
    expect(await runScript(cluster, 'heal\nquit\ncrash 1', 'q.txt')).toEqual({ ok: true, quit: true });
    expect(cluster.calls).toEqual(['heal']);
  });

  it('accepts Windows line endings', async () => {
    const cluster = new FakeCluster();
    expect(await runScript(cluster, 'heal\r\ndrop 10\r\n', 'crlf.txt')).toEqual({ ok: true });
    expect(cluster.calls).toEqual(['heal', 'setNetwork {"dropRate":0.1}']);
  });

  it('stops before the next line once aborted, and tells each start', async () => {
    const cluster = new FakeCluster();
    const abort = new AbortController();
    const started: number[] = [];
    const result = await runScript(cluster, 'heal\ndrop 10\ndup 5', 's.txt', undefined, {
      signal: abort.signal,
      onStart: (lineNo) => {
        started.push(lineNo);
        if (lineNo === 2) abort.abort();
      },
    });
    expect(started).toEqual([1, 2]);
    expect(result).toEqual({ ok: false, message: 's.txt:3: stopped before this line' });
    expect(cluster.calls).toEqual(['heal', 'setNetwork {"dropRate":0.1}']);
  });
});

describe('runScript: a command sent in the background (SET x = 1 &)', () => {
  it('goes on at once without waiting for the answer, and reports the answer on its own line when it comes', async () => {
    const { createCluster } = await import('../../src/cluster/create-cluster.js');
    const cluster = await createCluster({ nodes: 3, clock: 'virtual', transport: 'memory', seed: 1 });
    try {
      const seen: [number, string][] = [];
      const script = [
        'wait leader',
        'SET x = 1 &',
        'expect committed 1',
        'expect x unset on all',
        'wait until x = 1 on all',
        'expect x = 1 on all',
      ].join('\n');
      const result = await runScript(cluster, script, 'bg.txt', (lineNo, _line, outcome) => seen.push([lineNo, outcome.message]));
      expect(result).toEqual({ ok: true });
      // Line 2 answered twice: at once (sent), and later with the commit, before `wait 300` ended.
      const line2 = seen.filter(([n]) => n === 2).map(([, m]) => m);
      expect(line2[0]).toMatch(/^SET x = 1 sent to n\d in the background, once: its answer shows when it comes$/);
      expect(line2[1]).toMatch(/^SET x = 1 → committed at index 2/);
      expect(seen.findIndex(([n, m]) => n === 2 && m.includes('committed'))).toBeLessThan(seen.findIndex(([n]) => n === 5));
    } finally {
      await cluster.stop();
    }
  });
});

describe('crash <id> mid-write', () => {
  it('on a cluster without simulated disks, refuses and names what it needs', async () => {
    const { createCluster } = await import('../../src/cluster/create-cluster.js');
    const cluster = await createCluster({ nodes: 3, clock: 'virtual', transport: 'memory', seed: 1 });
    try {
      const result = await runScript(cluster, 'wait leader\ncrash 2 mid-write', 'm.txt');
      expect(result).toEqual({
        ok: false,
        message: 'm.txt:2: a crash mid-write needs nodes on simulated disks (an example whose #! line says disk=files)',
      });
      expect(cluster.status().find((n) => n.id === 2)?.up).toBe(true);
    } finally {
      await cluster.stop();
    }
  });

  it('gives up after the wait timeout when the node writes nothing, and leaves it up', async () => {
    const { createCluster } = await import('../../src/cluster/create-cluster.js');
    const { exampleOptions } = await import('../../src/cli/examples.js');
    const { disks } = exampleOptions('#! disk=files\n', 'd.txt');
    const cluster = await createCluster({ nodes: 3, clock: 'virtual', transport: 'memory', seed: 1, ...(disks ? { disks } : {}) });
    try {
      const result = await runScript(cluster, 'wait leader\nwait 300\ncrash 2 mid-write', 'm.txt', undefined, { waitTimeoutMs: 500 });
      expect(result).toEqual({ ok: false, message: 'm.txt:3: n2 wrote nothing to its log in 500 ms: send a write first (SET x = 1 &)' });
      expect(cluster.status().find((n) => n.id === 2)?.up).toBe(true);
    } finally {
      await cluster.stop();
    }
  });
});
