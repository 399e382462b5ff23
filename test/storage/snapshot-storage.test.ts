import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/raft/types.js';
import { FileStorage, LOG_FILE_NAME } from '../../src/storage/file-storage.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import { snapshotFileName, snapshotTempPath, writeSnapshotFile } from '../../src/storage/snapshot-file.js';
import { StorageCorruptionError } from '../../src/storage/storage-error.js';
import type { Storage } from '../../src/storage/types.js';
import { entries, entry, useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();

const snap = (index: number, term: number, data = `state as of ${index}`): Snapshot => ({
  index,
  term,
  voters: [1, 2, 3],
  learners: [],
  data,
});

/** Saves entries 1..30 (term 1 up to 15, then term 2) and snapshots at 10 and 20. */
async function withTwoSnapshots(s: Storage): Promise<void> {
  await s.save({ term: 2, votedFor: 1, commit: 0 }, [...entries(1, 15, 1), ...entries(16, 30, 2)]);
  await s.save(null, [], snap(10, 1));
  await s.save(null, [entry(31, 2)], snap(20, 2));
}

async function openFile(dir: string): Promise<FileStorage> {
  return FileStorage.open(dir);
}

describe.each([
  ['MemoryStorage', async () => new MemoryStorage()],
  ['FileStorage', async () => openFile(await tempDir())],
] as const)('%s: snapshots (§7)', (_name, make) => {
  it('keeps the newest snapshot and only the entries after it', async () => {
    const s = await make();
    await withTwoSnapshots(s);
    const { snapshot, entries: log } = s.load();
    expect(snapshot).toEqual(snap(20, 2));
    expect(log.map((e) => e.index)).toEqual(Array.from({ length: 11 }, (_, i) => 21 + i));
    expect(s.summary()).toMatchObject({ lastIndex: 31, snapshotIndex: 20, snapshotTerm: 2 });
    await s.close();
  });

  it('drops the whole log when the snapshot does not match the entry at its index', async () => {
    const s = await make();
    await s.save({ term: 3, votedFor: null, commit: 0 }, entries(1, 8, 1));
    await s.save(null, [entry(13, 3)], snap(12, 3));
    expect(s.load().snapshot?.index).toBe(12);
    expect(s.load().entries).toEqual([entry(13, 3)]);
    await s.close();
  });

  it('ignores a snapshot that is not newer, and refuses entries inside the snapshot', async () => {
    const s = await make();
    await withTwoSnapshots(s);
    await s.save(null, [], snap(15, 1));
    expect(s.load().snapshot?.index).toBe(20);
    await expect(async () => s.save(null, [entry(20, 2)])).rejects.toThrow(/inside the snapshot/);
    await s.close();
  });
});

describe('FileStorage: snapshot files', () => {
  it('reopens from the newest snapshot and the log after it; the log file keeps one interval of slack', async () => {
    const dir = await tempDir();
    const s = await openFile(dir);
    await withTwoSnapshots(s);
    await s.close();
    const names = (await readdir(dir)).filter((n) => n.startsWith('snapshot-')).sort();
    expect(names).toEqual([snapshotFileName(10), snapshotFileName(20)]);
    const r = await openFile(dir);
    expect(r.load().snapshot).toEqual(snap(20, 2));
    expect(r.load().entries[0]?.index).toBe(21);
    expect(r.load().reports).toEqual([]);
    // A third snapshot: the log now starts after 20 and the file of 10 goes.
    await r.save(null, [], snap(30, 2));
    await r.close();
    expect((await readdir(dir)).filter((n) => n.startsWith('snapshot-')).sort()).toEqual([snapshotFileName(20), snapshotFileName(30)]);
  });

  it('a newest snapshot file cut at any byte is reported and not trusted; recovery uses the previous one and the log, losing nothing', async () => {
    const dir = await tempDir();
    const s = await openFile(dir);
    await withTwoSnapshots(s);
    await s.close();
    const path = join(dir, snapshotFileName(20));
    const original = await readFile(path);
    for (let cut = 0; cut < original.length; cut++) {
      await writeFile(path, original.subarray(0, cut));
      const r = await openFile(dir);
      const { snapshot, entries: log, reports } = r.load();
      expect(snapshot, `cut at ${cut}`).toEqual(snap(10, 1));
      expect(
        log.map((e) => e.index),
        `cut at ${cut}`,
      ).toEqual(Array.from({ length: 21 }, (_, i) => 11 + i));
      expect(reports, `cut at ${cut}`).toEqual([
        expect.objectContaining({ file: path, reason: expect.stringMatching(/damaged snapshot not trusted/) }),
      ]);
      await r.close();
    }
  });

  it('a crash while a snapshot is written (its temporary file cut at any byte) leaves the state before it', async () => {
    const dir = await tempDir();
    const s = await openFile(dir);
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 12, 1));
    await s.save(null, [], snap(5, 1));
    await s.close();
    const full = await readFile(join(dir, snapshotFileName(5)));
    const temp = snapshotTempPath(dir, 9);
    // What a write of snapshot 9 would put in the temp file (the same framing, bigger index).
    const d = await tempDir();
    await writeSnapshotFile(d, snap(9, 1, 'x'.repeat(full.length)));
    const bytes = await readFile(join(d, snapshotFileName(9)));
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      await writeFile(temp, bytes.subarray(0, cut));
      const r = await openFile(dir);
      expect(r.load().snapshot?.index).toBe(5);
      expect(r.load().entries.map((e) => e.index)).toEqual([6, 7, 8, 9, 10, 11, 12]);
      expect(r.load().reports).toEqual([]);
      await r.close();
      expect(await readdir(dir)).not.toContain(`${snapshotFileName(9)}.tmp`);
    }
  });

  it('a crash after the snapshot file but before the log rewrite: the snapshot and the log after it', async () => {
    const dir = await tempDir();
    const s = await openFile(dir);
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 12, 1));
    await s.close();
    await writeSnapshotFile(dir, snap(8, 1));
    const r = await openFile(dir);
    expect(r.load().snapshot?.index).toBe(8);
    expect(r.load().entries.map((e) => e.index)).toEqual([9, 10, 11, 12]);
    await r.close();
  });

  it('a damaged snapshot the log no longer reaches behind is refused, naming the files', async () => {
    const dir = await tempDir();
    const s = await openFile(dir);
    await s.save({ term: 3, votedFor: null, commit: 0 }, entries(1, 4, 1));
    await s.save(null, [], snap(10, 3)); // installed over a log that does not lead up to it
    await s.close();
    const path = join(dir, snapshotFileName(10));
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    const err = await openFile(dir).then(
      async (st) => {
        await st.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageCorruptionError);
    expect((err as StorageCorruptionError).file).toBe(join(dir, LOG_FILE_NAME));
    expect((err as Error).message).toContain(path);
  });

  it('without the log file and snapshot files the folder is empty storage again', async () => {
    const dir = await tempDir();
    const s = await openFile(dir);
    await withTwoSnapshots(s);
    await s.close();
    for (const n of await readdir(dir)) await rm(join(dir, n));
    const r = await openFile(dir);
    expect(r.load().snapshot).toBeNull();
    await r.close();
  });
});
