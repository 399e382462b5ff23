import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/raft/rng.js';
import { CrashFs } from '../../src/sim/crash-fs.js';

async function write(fs: CrashFs, path: string, text: string, sync: boolean): Promise<void> {
  const h = await fs.open(path, 'a');
  const data = Buffer.from(text);
  await h.write(data, 0, data.length, null);
  if (sync) await h.datasync();
  await h.close();
}

describe('CrashFs: a crash keeps what was fsync’d and maybe some of the rest', () => {
  it('fsync’d bytes always survive; unsynced bytes survive as a (possibly torn) prefix, or not at all', async () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const fs = new CrashFs({ rng: createRng(seed) });
      await fs.mkdir('/d', { recursive: true });
      await write(fs, '/d/f', 'durable|', true);
      (await fs.open('/d', 'r')).sync();
      await write(fs, '/d/f', 'maybe-one|', false);
      await write(fs, '/d/f', 'maybe-two|', false);
      fs.crash();
      const after = (await fs.readFile('/d/f')).toString();
      expect(after.startsWith('durable|')).toBe(true);
      expect('durable|maybe-one|maybe-two|'.startsWith(after)).toBe(true);
      outcomes.add(after.length === 8 ? 'lost' : after.length === 28 ? 'kept' : 'torn');
    }
    expect([...outcomes].sort()).toEqual(['kept', 'lost', 'torn']);
  });

  it('a rename not followed by an fsync of its folder may be undone; one that was is kept', async () => {
    let undone = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const fs = new CrashFs({ rng: createRng(seed) });
      await fs.mkdir('/d', { recursive: true });
      await write(fs, '/d/a', 'x', true);
      await (await fs.open('/d', 'r')).sync();
      await fs.rename('/d/a', '/d/b');
      fs.crash();
      const names = await fs.readdir('/d');
      expect(names.length).toBe(1);
      if (names[0] === 'a') undone++;
    }
    expect(undone).toBeGreaterThan(5);
    const fs = new CrashFs({ rng: createRng(1) });
    await fs.mkdir('/d', { recursive: true });
    await write(fs, '/d/a', 'x', true);
    await fs.rename('/d/a', '/d/b');
    await (await fs.open('/d', 'r')).sync();
    fs.crash();
    expect(await fs.readdir('/d')).toEqual(['b']);
  });
});

describe('CrashFs crash({ tearLastWrite: true })', () => {
  it('keeps every fsynced byte and a strict prefix of the last write, and says how much of it', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const fs = new CrashFs({ rng: createRng(seed) });
      await fs.mkdir('/d', { recursive: true });
      const h = await fs.open('/d/log', 'a');
      await (await fs.open('/d', 'r')).sync(); // the file's name is durable too
      const synced = Buffer.from('synced-');
      await h.write(synced, 0, synced.length, null);
      await h.sync();
      const last = Buffer.from('0123456789');
      await h.write(last, 0, last.length, null);
      const torn = fs.crash({ tearLastWrite: true });
      expect(torn).not.toBeNull();
      expect(torn!.path).toBe('/d/log');
      expect(torn!.ofBytes).toBe(10);
      expect(torn!.keptBytes).toBeGreaterThanOrEqual(1);
      expect(torn!.keptBytes).toBeLessThan(10);
      const bytes = (await fs.readFile('/d/log')).toString();
      expect(bytes).toBe(`synced-${'0123456789'.slice(0, torn!.keptBytes)}`);
    }
  });

  it('tears nothing when every write was fsynced', async () => {
    const fs = new CrashFs({ rng: createRng(1) });
    await fs.mkdir('/d', { recursive: true });
    const h = await fs.open('/d/log', 'a');
    await (await fs.open('/d', 'r')).sync();
    await h.write(Buffer.from('abc'), 0, 3, null);
    await h.sync();
    expect(fs.crash({ tearLastWrite: true })).toBeNull();
    expect((await fs.readFile('/d/log')).toString()).toBe('abc');
  });
});
