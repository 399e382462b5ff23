import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// A Node older than 20.15: zlib without crc32.
vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<Record<string, unknown>>();
  // Reading a missing export of a real namespace gives undefined; the mock must say so itself.
  const rest = { ...real, crc32: undefined };
  return { ...rest, default: rest };
});

describe('FileStorage on a Node without zlib.crc32', () => {
  it('fails clearly at open, before touching any file', async () => {
    const { FileStorage } = await import('../../src/storage/file-storage.js');
    const dir = join(tmpdir(), `raft-tui-storage-never-${process.pid}-${Date.now()}`);
    await expect(FileStorage.open(dir)).rejects.toThrow(/needs zlib\.crc32.*Node 20\.15 or later/);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });
});
