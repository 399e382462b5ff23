import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { ClusterEvent } from '../../src/cluster/types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { StorageFailureError } from '../../src/storage/storage-failure.js';
import { describeEvent } from '../../src/tui/describe-event.js';
import { waitFor } from '../helpers/wait-for.js';
import { entries, useTempDirs } from './fixtures.js';

// A disk that fills up on demand: every file handle's write fails with ENOSPC while `full` is
// set, the way the kernel reports it. Injected at the file layer; the real disk is never filled.
const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const enospc = (): never => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  };
  const open: typeof real.open = async (...args) => {
    const handle = await real.open(...args);
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'write' && disk.full) return async () => enospc();
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { ...real, default: { ...real, open }, open };
});

const tempDir = useTempDirs();

describe('a full disk', () => {
  it('a save that meets ENOSPC fails with "the disk is full", naming the folder, and later saves refuse', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 3, 1));
    disk.full = true;
    try {
      const err: unknown = await s.save(null, entries(4, 5, 1)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StorageFailureError);
      expect((err as StorageFailureError).code).toBe('ENOSPC');
      expect((err as Error).message).toBe(`the disk is full (no space left to write ${dir}): free some space, then restart the node`);
      expect((err as Error).message).not.toMatch(/offset|cut/);
      await expect(s.save(null, entries(4, 5, 1))).rejects.toThrow(/failed earlier; reopen it/);
    } finally {
      disk.full = false;
    }
    await s.close();
    // What was fsync'd before the disk filled is all there.
    const reopened = await FileStorage.open(dir);
    expect(reopened.load().entries).toEqual(entries(1, 3, 1));
    await reopened.close();
  });

  it('a node whose disk fills stops, and the dashboard says "the disk is full", not "cut 0 bytes"', async () => {
    const dir = await tempDir();
    const cluster = await createCluster({ nodes: 3, dataDir: dir, electionTimeoutMs: [100, 200], heartbeatMs: 20 });
    const events: ClusterEvent[] = [];
    cluster.on('event', (e) => events.push(e));
    try {
      expect((await cluster.submit('SET x = 1', { timeoutMs: 10_000 })).ok).toBe(true);
      disk.full = true;
      void cluster.submit('SET y = 2', { timeoutMs: 2_000 });
      const stopped = await waitFor('a node stopped by the full disk', () =>
        events.find((e) => e.type === 'storage-recovery' && e.reason.includes('the disk is full')),
      );
      const text = describeEvent(stopped)?.text ?? '';
      expect(text).toMatch(
        new RegExp(
          `^n${stopped.node} stopped: the disk is full \\(no space left to write ${escapeRegExp(join(dir, `node-${stopped.node}`))}\\)`,
        ),
      );
      expect(text).not.toMatch(/cut 0 bytes|offset 0/);
      await waitFor('the node to be down', () => cluster.status().find((n) => n.id === stopped.node)?.up === false);
    } finally {
      disk.full = false;
      await cluster.stop();
    }
  }, 30_000);
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
