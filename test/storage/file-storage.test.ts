import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStorage, HARD_STATE_FILE_NAME, LOG_FILE_NAME } from '../../src/storage/file-storage.js';
import { StorageCorruptionError } from '../../src/storage/storage-error.js';
import { entries, entry, recordOffsets, useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();

describe('FileStorage', () => {
  it('round-trips hard state and entries across close and open', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 1, votedFor: 2, commit: 0 }, entries(1, 3, 1));
    await s.save({ term: 2, votedFor: null, commit: 3 }, [entry(4, 2), { index: 5, term: 2, type: 'noop', data: '' }]);
    const before = s.load();
    await s.close();

    const reopened = await FileStorage.open(dir);
    const after = reopened.load();
    expect(after.hardState).toEqual({ term: 2, votedFor: null, commit: 3 });
    expect(after.entries).toEqual([...entries(1, 3, 1), entry(4, 2), { index: 5, term: 2, type: 'noop', data: '' }]);
    expect(after).toEqual(before);
    expect(after.reports).toEqual([]);
    expect(reopened.summary()).toEqual({ term: 2, votedFor: null, lastIndex: 5, snapshotIndex: 0, snapshotTerm: 0 });
    await reopened.close();
  });

  it('keeps a conflict truncation (§5.3) across reopen, as a marker appended to the log', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 1, votedFor: 1, commit: 2 }, entries(1, 5, 1));
    const sizeBefore = (await stat(join(dir, LOG_FILE_NAME))).size;
    await s.save({ term: 2, votedFor: null, commit: 2 }, entries(3, 4, 2));
    expect(s.load().entries).toEqual([...entries(1, 2, 1), ...entries(3, 4, 2)]);
    await s.close();

    // Append-only: the old records are still there, followed by the marker and the new entries.
    const bytes = await readFile(join(dir, LOG_FILE_NAME));
    expect(bytes.length).toBeGreaterThan(sizeBefore);
    expect(bytes.toString('utf8')).toContain('{"truncateFrom":3}');

    const reopened = await FileStorage.open(dir);
    expect(reopened.load().entries).toEqual([...entries(1, 2, 1), ...entries(3, 4, 2)]);
    expect(reopened.summary().lastIndex).toBe(4);
    // Appending after a truncation continues from the new end.
    await reopened.save(null, [entry(5, 2)]);
    await reopened.close();
    const again = await FileStorage.open(dir);
    expect(again.load().entries.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 2],
    ]);
    await again.close();
  });

  it('creates a missing folder (and its parents)', async () => {
    const dir = join(await tempDir(), 'a', 'b', 'node-1');
    const s = await FileStorage.open(dir);
    await s.save({ term: 1, votedFor: 1, commit: 0 }, [entry(1, 1)]);
    await s.close();
    expect((await stat(join(dir, LOG_FILE_NAME))).isFile()).toBe(true);
    expect((await stat(join(dir, HARD_STATE_FILE_NAME))).isFile()).toBe(true);
  });

  it('treats a zero-length log as the empty log, and refuses a zero-length hard-state file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOG_FILE_NAME), Buffer.alloc(0));
    const s = await FileStorage.open(dir);
    expect(s.load()).toEqual({ hardState: { term: 0, votedFor: null, commit: 0 }, snapshot: null, entries: [], reports: [] });
    expect(s.summary()).toEqual({ term: 0, votedFor: null, lastIndex: 0, snapshotIndex: 0, snapshotTerm: 0 });
    await s.save({ term: 1, votedFor: 3, commit: 0 }, [entry(1, 1)]);
    await s.close();
    const reopened = await FileStorage.open(dir);
    expect(reopened.summary()).toEqual({ term: 1, votedFor: 3, lastIndex: 1, snapshotIndex: 0, snapshotTerm: 0 });
    await reopened.close();
    // The hard-state file is only ever replaced whole: empty means emptied, and with it the vote
    // for term 1 is gone. Starting as term 0 could vote twice in term 1.
    await writeFile(join(dir, HARD_STATE_FILE_NAME), Buffer.alloc(0));
    const err: unknown = await FileStorage.open(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageCorruptionError);
    expect((err as StorageCorruptionError).file).toBe(join(dir, HARD_STATE_FILE_NAME));
    expect((err as Error).message).toMatch(/hard-state file is empty.*term, vote and commit index are lost.*Restore the folder/);
  });

  it('refuses a log with entries whose hard-state file is missing (the term and vote are lost)', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 3, votedFor: 2, commit: 0 }, entries(1, 4, 3));
    await s.close();
    await rm(join(dir, HARD_STATE_FILE_NAME));
    await expect(FileStorage.open(dir)).rejects.toThrow(/hard-state file is missing while the log holds 4 entries/);
  });

  it('a new folder gets its hard-state file at once, so a missing one later is a loss, not a new node', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.close();
    expect((await readFile(join(dir, HARD_STATE_FILE_NAME))).length).toBeGreaterThan(0);
  });

  it('group commit: one fsync of the log per save, however many entries it holds', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    expect(s.syncCount).toBe(0);
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 500, 1));
    expect(s.syncCount).toBe(1);
    await s.save(null, entries(501, 501, 1));
    expect(s.syncCount).toBe(2);
    await s.save(null, entries(502, 1000, 1));
    expect(s.syncCount).toBe(3);
    // A save with a truncation marker is still one write and one fsync.
    await s.save({ term: 2, votedFor: null, commit: 0 }, entries(900, 950, 2));
    expect(s.syncCount).toBe(4);
    // A save that only moves commit: a small commit record in the log, one fsync, and no
    // replace of the hard-state file (only term and vote changes need that).
    await s.save({ term: 2, votedFor: null, commit: 10 }, []);
    expect(s.syncCount).toBe(5);
    expect(s.hardStateWriteCount).toBe(2);
    // Nothing changed: nothing written.
    await s.save({ term: 2, votedFor: null, commit: 10 }, []);
    await s.save(null, []);
    expect(s.syncCount).toBe(5);
    expect(s.hardStateWriteCount).toBe(2);
    // Entries and a new commit together: still one fsync.
    await s.save({ term: 2, votedFor: null, commit: 951 }, entries(951, 960, 2));
    expect(s.syncCount).toBe(6);
    expect(s.hardStateWriteCount).toBe(2);
    await s.close();
    // 1000 entries, a marker, 51 + 10 replacing entries, two commit records.
    expect((await recordOffsets(join(dir, LOG_FILE_NAME))).length).toBe(1000 + 1 + 51 + 10 + 2);
    const reopened = await FileStorage.open(dir);
    expect(reopened.load().hardState).toEqual({ term: 2, votedFor: null, commit: 951 });
    expect(reopened.summary().lastIndex).toBe(960);
    await reopened.close();
  });

  it("keeps commit-only saves across reopen; the log's last commit record wins over the file", async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 5, 1));
    await s.save({ term: 1, votedFor: 1, commit: 2 }, []);
    await s.save({ term: 1, votedFor: 1, commit: 4 }, []);
    expect(s.hardStateWriteCount).toBe(1);
    // What a crash now would leave: the file still says commit 0 (it is refreshed at most once a
    // second, and on close); the log says 4.
    const crashed = await tempDir();
    await cp(dir, crashed, { recursive: true });
    await s.close();
    expect((await readFile(join(crashed, HARD_STATE_FILE_NAME))).toString()).toContain('"commit":0');
    const fromCrash = await FileStorage.open(crashed);
    expect(fromCrash.load().hardState).toEqual({ term: 1, votedFor: 1, commit: 4 });
    await fromCrash.close();
    // A clean close brought the file's commit up to date.
    expect((await readFile(join(dir, HARD_STATE_FILE_NAME))).toString()).toContain('"commit":4');
    const reopened = await FileStorage.open(dir);
    expect(reopened.load().hardState).toEqual({ term: 1, votedFor: 1, commit: 4 });
    // A later term change rewrites the file with the commit of that moment.
    await reopened.save({ term: 2, votedFor: null, commit: 4 }, []);
    await reopened.close();
    expect((await readFile(join(dir, HARD_STATE_FILE_NAME))).toString()).toContain('"commit":4');
    const again = await FileStorage.open(dir);
    expect(again.load().hardState).toEqual({ term: 2, votedFor: null, commit: 4 });
    await again.close();
  });

  it('runs saves one at a time in call order, even when not awaited', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    const pending = [
      s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 10, 1)),
      s.save(null, entries(11, 20, 1)),
      s.save({ term: 2, votedFor: 2, commit: 15 }, entries(16, 30, 2)),
      s.save(null, entries(31, 40, 2)),
    ];
    // load() shows only completed saves: nothing has completed yet.
    expect(s.summary().lastIndex).toBe(0);
    await Promise.all(pending);
    expect(s.syncCount).toBe(4);
    await s.close();
    const reopened = await FileStorage.open(dir);
    const { hardState, entries: log } = reopened.load();
    expect(hardState).toEqual({ term: 2, votedFor: 2, commit: 15 });
    expect(log).toEqual([...entries(1, 15, 1), ...entries(16, 40, 2)]);
    await reopened.close();
  });

  it('refuses a save that would leave a gap or break the log, and writes nothing for it', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 2, votedFor: 1, commit: 0 }, entries(1, 3, 2));
    await expect(s.save(null, [entry(5, 2)])).rejects.toThrow(/gap/);
    await expect(s.save(null, [entry(4, 2), entry(6, 2)])).rejects.toThrow(/out of sequence/);
    await expect(s.save(null, [entry(4, 1)])).rejects.toThrow(/older than the term/);
    await expect(s.save({ term: 2, votedFor: 1, commit: 9 }, [])).rejects.toThrow(/commit index 9/);
    await expect(s.save({ term: -1, votedFor: 1, commit: 0 }, [])).rejects.toThrow(/term/);
    expect(s.syncCount).toBe(1);
    // A refused save does not poison the storage.
    await s.save(null, [entry(4, 2)]);
    expect(s.summary().lastIndex).toBe(4);
    await s.close();
  });

  it('rejects saves after close, and close waits for queued saves', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    const queued = s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 5, 1));
    await s.close();
    await expect(queued).resolves.toBeUndefined();
    await expect(s.save(null, [entry(6, 1)])).rejects.toThrow(/closed/);
    const reopened = await FileStorage.open(dir);
    expect(reopened.summary().lastIndex).toBe(5);
    await reopened.close();
  });

  it('compacts a log with many dead records by rewriting only the live ones', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir, { compactAfterDeadRecords: 20 });
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 30, 1));
    // Replace 25 entries: 25 dead + 1 marker = 26 dead records ≥ 20, and more than 30 live.
    await s.save({ term: 2, votedFor: 1, commit: 0 }, entries(6, 6, 2));
    await s.save(null, entries(7, 8, 2));
    // Rewritten (one extra fsync for the compacted file): only the 6 live entries and one
    // commit record remain, then the 2 entries of the next save.
    const offsets = await recordOffsets(join(dir, LOG_FILE_NAME));
    expect(offsets.length).toBe(9);
    expect(s.syncCount).toBe(4);
    // Appends after a compaction go to the new file.
    await s.save(null, [entry(9, 2)]);
    await s.close();
    const reopened = await FileStorage.open(dir);
    expect(reopened.load().entries).toEqual([...entries(1, 5, 1), ...entries(6, 9, 2)]);
    expect(reopened.load().reports).toEqual([]);
    await reopened.close();
  });

  it('ignores the temp files of an interrupted replace', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await s.save({ term: 3, votedFor: 2, commit: 1 }, [entry(1, 3)]);
    await s.close();
    await writeFile(join(dir, `${HARD_STATE_FILE_NAME}.tmp`), 'half a write');
    await writeFile(join(dir, `${LOG_FILE_NAME}.tmp`), 'half a compaction');
    const reopened = await FileStorage.open(dir);
    expect(reopened.load().hardState).toEqual({ term: 3, votedFor: 2, commit: 1 });
    expect(reopened.load().entries).toEqual([entry(1, 3)]);
    await reopened.close();
    await expect(stat(join(dir, `${HARD_STATE_FILE_NAME}.tmp`))).rejects.toThrow();
  });

  it('refuses to open a folder that is already open in this process, until it is closed', async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir);
    await expect(FileStorage.open(dir)).rejects.toThrow(/already open/);
    await expect(FileStorage.open(join(dir, '.'))).rejects.toThrow(/already open/);
    await s.close();
    const again = await FileStorage.open(dir);
    await again.close();
  });

  it('opens an existing empty folder', async () => {
    const dir = join(await tempDir(), 'empty');
    await mkdir(dir);
    const s = await FileStorage.open(dir);
    expect(s.load().entries).toEqual([]);
    await s.close();
  });
});
