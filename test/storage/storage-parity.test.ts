import { describe, expect, it } from 'vitest';
import type { Entry, HardState } from '../../src/raft/types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import type { Storage } from '../../src/storage/types.js';
import { entries, entry, useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();

type Save = [HardState | null, Entry[]];

/** Sequences of saves, each with the state both storages must end up holding. */
const cases: { name: string; saves: Save[]; hardState: HardState; log: Entry[] }[] = [
  { name: 'no saves: the empty state', saves: [], hardState: { term: 0, votedFor: null, commit: 0 }, log: [] },
  {
    name: 'a vote only',
    saves: [[{ term: 3, votedFor: 2, commit: 0 }, []]],
    hardState: { term: 3, votedFor: 2, commit: 0 },
    log: [],
  },
  {
    name: 'appends across several saves; null keeps the hard state',
    saves: [
      [{ term: 1, votedFor: 1, commit: 0 }, entries(1, 3, 1)],
      [null, entries(4, 6, 1)],
      [null, []],
    ],
    hardState: { term: 1, votedFor: 1, commit: 0 },
    log: entries(1, 6, 1),
  },
  {
    name: 'a conflicting suffix is replaced from the first new index (§5.3)',
    saves: [
      [{ term: 1, votedFor: 1, commit: 2 }, entries(1, 5, 1)],
      [{ term: 3, votedFor: null, commit: 2 }, entries(3, 3, 3)],
    ],
    hardState: { term: 3, votedFor: null, commit: 2 },
    log: [...entries(1, 2, 1), entry(3, 3)],
  },
  {
    name: 'replacing from index 1 empties the old log',
    saves: [
      [{ term: 1, votedFor: 1, commit: 0 }, entries(1, 4, 1)],
      [{ term: 2, votedFor: 2, commit: 0 }, entries(1, 2, 2)],
    ],
    hardState: { term: 2, votedFor: 2, commit: 0 },
    log: entries(1, 2, 2),
  },
  {
    name: 'truncate, append, truncate again (Figure 7 style follower catching up)',
    saves: [
      [{ term: 2, votedFor: null, commit: 1 }, [entry(1, 1), ...entries(2, 6, 2)]],
      [{ term: 4, votedFor: null, commit: 1 }, [...entries(4, 4, 3), ...entries(5, 7, 4)]],
      [{ term: 5, votedFor: 5, commit: 4 }, entries(6, 8, 5)],
    ],
    hardState: { term: 5, votedFor: 5, commit: 4 },
    log: [entry(1, 1), ...entries(2, 3, 2), entry(4, 3), entry(5, 4), ...entries(6, 8, 5)],
  },
  {
    name: 'commit moves on its own, and the latest saved commit wins even if lower',
    saves: [
      [{ term: 1, votedFor: 1, commit: 0 }, entries(1, 4, 1)],
      [{ term: 1, votedFor: 1, commit: 3 }, []],
      [{ term: 2, votedFor: null, commit: 3 }, []],
      [{ term: 2, votedFor: null, commit: 1 }, []],
    ],
    hardState: { term: 2, votedFor: null, commit: 1 },
    log: entries(1, 4, 1),
  },
  {
    name: 'noop entries and empty data survive',
    saves: [
      [{ term: 1, votedFor: 1, commit: 1 }, [{ index: 1, term: 1, type: 'noop', data: '' }, entry(2, 1, 'SET ü = "quoted, multi\nline"')]],
    ],
    hardState: { term: 1, votedFor: 1, commit: 1 },
    log: [{ index: 1, term: 1, type: 'noop', data: '' }, entry(2, 1, 'SET ü = "quoted, multi\nline"')],
  },
  {
    name: 'an invalid save in the middle is refused and changes nothing',
    saves: [
      [{ term: 1, votedFor: 1, commit: 0 }, entries(1, 2, 1)],
      [{ term: 9, votedFor: 9, commit: 0 }, [entry(4, 9)]],
      [null, [entry(3, 1)]],
    ],
    hardState: { term: 1, votedFor: 1, commit: 0 },
    log: entries(1, 3, 1),
  },
];

const makers: { name: string; open: () => Promise<{ storage: Storage; reopen: () => Promise<Storage> }> }[] = [
  {
    name: 'MemoryStorage',
    open: () => {
      const storage = new MemoryStorage();
      // The cluster keeps the object across a crash: "reopening" is using it again.
      return Promise.resolve({ storage, reopen: () => Promise.resolve(storage) });
    },
  },
  {
    name: 'FileStorage',
    open: async () => {
      const dir = await tempDir();
      return { storage: await FileStorage.open(dir), reopen: () => FileStorage.open(dir) };
    },
  },
];

describe.each(makers)('$name', ({ open }) => {
  it.each(cases)('$name', async ({ saves, hardState, log }) => {
    const { storage, reopen } = await open();
    for (const [hs, batch] of saves) {
      // Invalid saves throw (memory) or reject (file); both must leave the state unchanged.
      await Promise.resolve()
        .then(() => storage.save(hs, batch))
        .catch(() => undefined);
    }
    expect(storage.load()).toEqual({ hardState, snapshot: null, entries: log, reports: [] });
    expect(storage.summary()).toEqual({
      term: hardState.term,
      votedFor: hardState.votedFor,
      lastIndex: log.length,
      snapshotIndex: 0,
      snapshotTerm: 0,
    });
    await storage.close();

    const again = await reopen();
    expect(again.load()).toEqual({ hardState, snapshot: null, entries: log, reports: [] });
    await again.close();
  });

  it('refuses the same invalid saves', async () => {
    const { storage } = await open();
    await storage.save({ term: 2, votedFor: 1, commit: 0 }, entries(1, 2, 2));
    const refused: Save[] = [
      [null, [entry(4, 2)]],
      [null, [entry(3, 2), entry(5, 2)]],
      [null, [entry(3, 1)]],
      [null, [entry(0, 2)]],
      [{ term: 2, votedFor: 1, commit: 3 }, []],
      [{ term: 2, votedFor: 0, commit: 0 }, []],
      [null, [{ index: 3, term: 2, type: 'weird' as 'noop', data: '' }]],
    ];
    for (const [hs, batch] of refused) {
      await expect(
        Promise.resolve().then(() => storage.save(hs, batch)),
        JSON.stringify([hs, batch]),
      ).rejects.toThrow();
    }
    expect(storage.summary()).toEqual({ term: 2, votedFor: 1, lastIndex: 2, snapshotIndex: 0, snapshotTerm: 0 });
    await storage.close();
  });

  it('load() returns an array and hard state that the caller may change freely', async () => {
    const { storage } = await open();
    const batch = entries(1, 2, 1);
    await storage.save({ term: 1, votedFor: 1, commit: 0 }, batch);
    batch.pop(); // the caller's array is its own; the entries in it are immutable by contract
    const first = storage.load();
    first.entries.pop();
    first.hardState.term = 99;
    expect(storage.load().entries).toEqual(entries(1, 2, 1));
    expect(storage.load().hardState.term).toBe(1);
    await storage.close();
  });
});
