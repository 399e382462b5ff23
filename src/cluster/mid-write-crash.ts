import type { NodeId } from '../raft/types.js';
import { LOG_FILE_NAME } from '../storage/file-storage.js';
import type { FileSystem } from '../storage/file-system.js';
import { type NodeDisk, type NodeDiskFactory, type TornWrite, watchDisk } from './node-disk.js';

/**
 * The cluster's simulated disks (ClusterOptions.disks): one per node for the cluster's life (a
 * node's crash and restart keep its disk), and the armed "crash in the middle of the next log
 * write" that a demo of a torn tail needs. The crash itself is the cluster's: `crashNow` stops
 * the node at once (synchronously, inside the write), then the disk decides what it kept.
 */
export class SimulatedDisks {
  private readonly disks = new Map<NodeId, { disk: NodeDisk; fs: FileSystem }>();
  private readonly armed = new Map<NodeId, (torn: TornWrite | null) => void>();

  constructor(
    private readonly factory: NodeDiskFactory,
    private readonly hooks: { onIo: () => void; crashNow: (id: NodeId) => void },
  ) {}

  /** Where node `id` keeps its files, on its own disk. */
  folder(id: NodeId): string {
    return `/node-${id}`;
  }

  fs(id: NodeId): FileSystem {
    return this.entry(id).fs;
  }

  /** A plain crash: everything the node wrote was fsync'd first (the host waited), so nothing is torn. */
  crashed(id: NodeId): void {
    this.armed.delete(id);
    this.entry(id).disk.crash();
  }

  /** Arms the crash; `done` hears what the disk kept of the torn write. */
  arm(id: NodeId, done: (torn: TornWrite | null) => void): () => void {
    this.armed.set(id, done);
    return () => {
      if (this.armed.get(id) === done) this.armed.delete(id);
    };
  }

  private entry(id: NodeId): { disk: NodeDisk; fs: FileSystem } {
    let e = this.disks.get(id);
    if (!e) {
      const disk = this.factory(id);
      const fs = watchDisk(disk, {
        onIo: this.hooks.onIo,
        isLog: (path) => path.endsWith(`/${LOG_FILE_NAME}`),
        onLogWrite: () => {
          const done = this.armed.get(id);
          if (!done) return;
          this.armed.delete(id);
          this.hooks.crashNow(id);
          done(disk.crash({ tearLastWrite: true }));
        },
      });
      e = { disk, fs };
      this.disks.set(id, e);
    }
    return e;
  }
}
