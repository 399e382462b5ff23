import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Entry, Term } from '../../src/raft/types.js';

/** A fresh temp folder per call, removed after each test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-tui-storage-'));
    made.push(dir);
    return dir;
  };
}

/** An entry with ~30 bytes of command. */
export function entry(index: number, term: Term, data = `SET key${index} = value-${index}`): Entry {
  return { index, term, type: 'normal', data };
}

/** Entries from..to (inclusive), all of one term. */
export function entries(from: number, to: number, term: Term): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

/** Start offsets of the records in a log file, read from their length fields. */
export async function recordOffsets(path: string): Promise<number[]> {
  const bytes = await readFile(path);
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32BE(at)) offsets.push(at);
  return offsets;
}

/** XORs one byte of a file with 0xff. */
export async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
  await writeFile(path, bytes);
}
