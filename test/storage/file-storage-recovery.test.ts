import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStorage, HARD_STATE_FILE_NAME, LOG_FILE_NAME } from '../../src/storage/file-storage.js';
import { encodeRecords } from '../../src/storage/record-codec.js';
import { StorageCorruptionError } from '../../src/storage/storage-error.js';
import { entries, entry, flipByte, recordOffsets, useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();

/** A folder holding hard state term 2 and a log of 5 entries written by three saves. */
async function writeSampleLog(): Promise<{ dir: string; logPath: string; offsets: number[]; size: number }> {
  const dir = await tempDir();
  const s = await FileStorage.open(dir);
  await s.save({ term: 2, votedFor: 1, commit: 0 }, entries(1, 2, 1));
  await s.save(null, entries(3, 4, 2));
  await s.save(null, [entry(5, 2)]);
  await s.close();
  const logPath = join(dir, LOG_FILE_NAME);
  return { dir, logPath, offsets: await recordOffsets(logPath), size: (await stat(logPath)).size };
}

async function openError(dir: string): Promise<StorageCorruptionError> {
  const err: unknown = await FileStorage.open(dir).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageCorruptionError);
  return err as StorageCorruptionError;
}

describe('FileStorage recovery', () => {
  it('a write killed at any byte of the last record: earlier records kept, the cut reported', async () => {
    const { dir, logPath, offsets, size } = await writeSampleLog();
    const original = await readFile(logPath);
    const last = offsets.at(-1) ?? -1;
    expect(offsets).toHaveLength(5);

    for (let cut = last + 1; cut < size; cut++) {
      await writeFile(logPath, original.subarray(0, cut));
      const s = await FileStorage.open(dir);
      const { entries: log, reports } = s.load();
      expect(log, `cut at ${cut}`).toEqual([...entries(1, 2, 1), ...entries(3, 4, 2)]);
      expect(reports, `cut at ${cut}`).toEqual([expect.objectContaining({ file: logPath, offset: last, droppedBytes: cut - last })]);
      expect(reports[0]?.reason).toMatch(/incomplete record (header|payload)/);
      // The torn bytes are gone from the file, so new records follow good ones.
      expect((await stat(logPath)).size).toBe(last);
      await s.save(null, [entry(5, 3, 'after the crash')]);
      await s.close();
      const reopened = await FileStorage.open(dir);
      expect(reopened.load().reports).toEqual([]);
      expect(reopened.load().entries.at(-1)).toEqual(entry(5, 3, 'after the crash'));
      await reopened.close();
    }
  });

  it('a write killed exactly at a record boundary loses nothing and reports nothing', async () => {
    const { dir, logPath, offsets } = await writeSampleLog();
    await truncate(logPath, offsets[3]);
    const s = await FileStorage.open(dir);
    expect(s.load().entries).toEqual([...entries(1, 2, 1), entry(3, 2)]);
    expect(s.load().reports).toEqual([]);
    await s.close();
  });

  it('a flipped byte anywhere in the last record: the record is cut and reported', async () => {
    const { dir, logPath, offsets, size } = await writeSampleLog();
    const original = await readFile(logPath);
    const last = offsets.at(-1) ?? -1;
    for (let at = last; at < size; at++) {
      await writeFile(logPath, original);
      await flipByte(logPath, at);
      const s = await FileStorage.open(dir);
      const { entries: log, reports } = s.load();
      expect(log, `flip at ${at}`).toEqual([...entries(1, 2, 1), ...entries(3, 4, 2)]);
      expect(reports, `flip at ${at}`).toEqual([expect.objectContaining({ file: logPath, offset: last, droppedBytes: size - last })]);
      expect((await stat(logPath)).size).toBe(last);
      await s.close();
    }
  });

  it('a flipped byte anywhere in a middle record: open() throws naming the file and offset', async () => {
    const { dir, logPath, offsets } = await writeSampleLog();
    const original = await readFile(logPath);
    const start = offsets[2] ?? -1;
    const end = offsets[3] ?? -1;
    for (let at = start; at < end; at++) {
      await writeFile(logPath, original);
      await flipByte(logPath, at);
      const err = await openError(dir);
      expect(err.file).toBe(logPath);
      expect(err.offset, `flip at ${at}`).toBe(start);
      expect(err.message).toContain(logPath);
      expect(err.message).toContain(`byte offset ${start}`);
      // Never silently dropped: the file is left as it was for a person to inspect.
      expect((await readFile(logPath)).length).toBe(original.length);
    }
  });

  it('a torn tail after a zero-filled gap is cut (a file extended but never written)', async () => {
    const { dir, logPath, offsets, size } = await writeSampleLog();
    await appendFile(logPath, Buffer.alloc(4096));
    const s = await FileStorage.open(dir);
    expect(s.load().entries).toHaveLength(5);
    expect(s.load().reports).toEqual([expect.objectContaining({ offset: size, droppedBytes: 4096 })]);
    expect(offsets).toHaveLength(5);
    await s.close();
  });

  it('a record with a good checksum but out of sequence (an index jump) is refused', async () => {
    const { dir, logPath, size } = await writeSampleLog();
    await appendFile(logPath, encodeRecords([Buffer.from(JSON.stringify(entry(7, 2)))]));
    const err = await openError(dir);
    expect(err.offset).toBe(size);
    expect(err.message).toMatch(/out of sequence: expected index 6, found 7/);
  });

  it('a refused log is left exactly as it was, torn tail included', async () => {
    const { dir, logPath } = await writeSampleLog();
    await appendFile(logPath, encodeRecords([Buffer.from(JSON.stringify(entry(9, 2)))]));
    await appendFile(logPath, encodeRecords([Buffer.from(JSON.stringify(entry(10, 2)))]).subarray(0, 11));
    const before = await readFile(logPath);
    await openError(dir);
    expect(await readFile(logPath)).toEqual(before);
  });

  it('a truncation marker past the end of the log is refused', async () => {
    const { dir, logPath, size } = await writeSampleLog();
    await appendFile(logPath, encodeRecords([Buffer.from('{"truncateFrom":9}')]));
    const err = await openError(dir);
    expect(err.offset).toBe(size);
    expect(err.message).toMatch(/truncation from index 9/);
  });

  it('a commit record past the end of the log is refused', async () => {
    const { dir, logPath, size } = await writeSampleLog();
    await appendFile(logPath, encodeRecords([Buffer.from('{"commit":6}')]));
    const err = await openError(dir);
    expect(err.offset).toBe(size);
    expect(err.message).toMatch(/commit index 6 but the log ends at index 5/);
  });

  it('a record with a good checksum but a payload that is not an entry is refused', async () => {
    const { dir, logPath, size } = await writeSampleLog();
    await appendFile(logPath, encodeRecords([Buffer.from('{"hello":"world"}')]));
    const err = await openError(dir);
    expect(err.offset).toBe(size);
  });

  it('a garbage hard-state file: open() throws naming it', async () => {
    const { dir } = await writeSampleLog();
    const path = join(dir, HARD_STATE_FILE_NAME);
    await writeFile(path, 'term=5 votedFor=2, definitely not a record\n');
    const err = await openError(dir);
    expect(err.file).toBe(path);
    expect(err.message).toContain(path);
    expect(err.message).toContain('byte offset 0');
  });

  it('a hard-state file whose checksum fails: open() throws naming it', async () => {
    const { dir } = await writeSampleLog();
    const path = join(dir, HARD_STATE_FILE_NAME);
    const size = (await stat(path)).size;
    await flipByte(path, size - 3);
    const err = await openError(dir);
    expect(err.file).toBe(path);
    expect(err.message).toMatch(/checksum mismatch/);
  });

  it('a hard-state file with a good checksum but a bad value: open() throws naming it', async () => {
    const { dir } = await writeSampleLog();
    const path = join(dir, HARD_STATE_FILE_NAME);
    await writeFile(path, encodeRecords([Buffer.from('{"term":-4,"votedFor":null,"commit":0}')]));
    const err = await openError(dir);
    expect(err.file).toBe(path);
    expect(err.message).toMatch(/term -4/);
  });

  it('a hard-state file with bytes after its record: open() throws naming it', async () => {
    const { dir } = await writeSampleLog();
    const path = join(dir, HARD_STATE_FILE_NAME);
    const size = (await stat(path)).size;
    await appendFile(path, 'x');
    const err = await openError(dir);
    expect(err.file).toBe(path);
    expect(err.offset).toBe(size);
  });

  it('a log cut at a record boundary below the commit index in the hard state is refused with the file, the indexes and what to do', async () => {
    const { dir, logPath, offsets } = await writeSampleLog();
    // Entries 1-5 durable and committed; a clean close puts commit 5 in the hard-state file.
    const s = await FileStorage.open(dir);
    await s.save({ term: 2, votedFor: 1, commit: 5 }, []);
    await s.close();
    const original = await readFile(logPath);
    // Every cut at a record boundary that loses an entry (offsets[0..4] start entries 1-5).
    for (const [i, cut] of offsets.entries()) {
      await writeFile(logPath, original.subarray(0, cut));
      const err = await openError(dir);
      expect(err.file).toBe(logPath);
      expect(err.offset).toBe(cut);
      expect(err.reason).toContain(`the log ends at index ${i}, but ${join(dir, HARD_STATE_FILE_NAME)} records commit index 5`);
      expect(err.reason).toContain(`entries ${i + 1}-5 were committed`);
      expect(err.reason).toMatch(/Restore this folder from a backup/);
      // Refused, not repaired: the file is left as it was.
      expect((await stat(logPath)).size).toBe(cut);
    }
  });

  it('the hard state never claims a commit the log does not hold, so a crash at any point opens', async () => {
    // A save that changes the term and carries new entries writes the hard-state file first: if
    // it held the new commit index, a crash before the log write would look like lost records.
    const dir = await tempDir();
    const s = await FileStorage.open(dir, { hardStateRefreshMs: 60_000 });
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 3, 1));
    await s.save({ term: 2, votedFor: null, commit: 6 }, entries(4, 6, 2));
    const written = await readFile(join(dir, HARD_STATE_FILE_NAME));
    await s.close();
    const crashed = await tempDir();
    // The crash: the log as it was before the second save, the hard-state file after its first step.
    await writeFile(
      join(crashed, LOG_FILE_NAME),
      (await readFile(join(dir, LOG_FILE_NAME))).subarray(0, (await recordOffsets(join(dir, LOG_FILE_NAME)))[3]),
    );
    await writeFile(join(crashed, HARD_STATE_FILE_NAME), written);
    const reopened = await FileStorage.open(crashed);
    expect(reopened.load().entries).toEqual(entries(1, 3, 1));
    expect(reopened.load().hardState).toEqual({ term: 2, votedFor: null, commit: 0 });
    expect(reopened.load().reports).toEqual([]);
    await reopened.close();
  });

  it("refreshes the hard-state file's commit while commits move, and never lowers it", async () => {
    const dir = await tempDir();
    const s = await FileStorage.open(dir, { hardStateRefreshMs: 0 });
    await s.save({ term: 1, votedFor: 1, commit: 0 }, entries(1, 5, 1));
    await s.save({ term: 1, votedFor: 1, commit: 4 }, []);
    expect(s.commitRefreshCount).toBe(1);
    expect((await readFile(join(dir, HARD_STATE_FILE_NAME))).toString()).toContain('"commit":4');
    // A restarted core relearns its commit from 0; a term change meanwhile keeps the file at 4.
    await s.save({ term: 2, votedFor: null, commit: 0 }, []);
    await s.save({ term: 3, votedFor: null, commit: 0 }, []);
    expect((await readFile(join(dir, HARD_STATE_FILE_NAME))).toString()).toContain('"commit":4');
    await s.close();
    await truncate(join(dir, LOG_FILE_NAME), (await recordOffsets(join(dir, LOG_FILE_NAME)))[3]);
    await expect(FileStorage.open(dir)).rejects.toThrow(/the log ends at index 3, but .* records commit index 4/);
  });
});
