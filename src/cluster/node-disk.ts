import type { FileHandleLike, FileSystem } from '../storage/file-system.js';
import type { NodeId } from '../raft/types.js';

/** What a crash in the middle of a write left of it on the disk. */
export interface TornWrite {
  path: string;
  keptBytes: number;
  ofBytes: number;
}

/**
 * A node's simulated disk: the file system its FileStorage runs on, and the machine's crash,
 * which decides what the disk keeps of the writes not yet fsync'd (the simulator's CrashFs).
 */
export interface NodeDisk {
  fs: FileSystem;
  /** The machine stops; with `tearLastWrite`, in the middle of the last write made. */
  crash(options?: { tearLastWrite?: boolean }): TornWrite | null;
}

/** Makes a node's disk; called again for every cluster made (a rewind makes a new one). */
export type NodeDiskFactory = (id: NodeId) => NodeDisk;

/**
 * Wraps a node's disk so that the cluster hears of its I/O: `onIo` after every operation (on a
 * virtual clock the scheduler then gives promise continuations a turn, so a save lands at the
 * moment it was made), and `onLogWrite` right after a write to the log file reached the page
 * cache — before its fsync: where a crash tears it.
 */
export function watchDisk(
  disk: NodeDisk,
  hooks: { onIo: () => void; onLogWrite: () => void; isLog: (path: string) => boolean },
): FileSystem {
  const fs = disk.fs;
  const io = async <T>(p: Promise<T>): Promise<T> => {
    hooks.onIo();
    return p;
  };
  const handle = (h: FileHandleLike, log: boolean): FileHandleLike => ({
    write: async (data, offset, length, position) => {
      const r = await io(h.write(data, offset, length, position));
      if (log) hooks.onLogWrite();
      return r;
    },
    sync: () => io(h.sync()),
    datasync: () => io(h.datasync()),
    truncate: (length) => io(h.truncate(length)),
    close: () => h.close(),
  });
  return {
    open: async (path, flags) => handle(await io(fs.open(path, flags)), hooks.isLog(path)),
    readFile: (path) => io(fs.readFile(path)),
    rename: (from, to) => io(fs.rename(from, to)),
    rm: (path, options) => io(fs.rm(path, options)),
    mkdir: (path, options) => io(fs.mkdir(path, options)),
    readdir: (path) => io(fs.readdir(path)),
    stat: (path) => io(fs.stat(path)),
  };
}
