import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { Storage, StoredState } from '../storage/types.js';
import { PendingWrite } from './pending-write.js';

export interface SimDiskOptions {
  /**
   * How long (virtual ms) a save of entries alone takes, asked at each such save; 0: it is
   * stored at once. Thesis §10.2.1's leader write is the one case the simulator slows down.
   */
  writeMs: () => number;
  /** How long (virtual ms) storing a snapshot takes; a crash meanwhile loses it. Default 0. */
  snapshotWriteMs?: () => number;
  /** Runs `fn` after `ms` of virtual time. */
  later: (ms: number, fn: () => void) => void;
  /**
   * bugs.unpersistedVote: each save stores the PREVIOUS save's hard state and keeps its own in
   * memory, so a vote or term can leave the node before it is stored and a crash forgets it.
   */
  lagHardState?: boolean;
}

/**
 * A simulated node's disk: the cluster's own {@link MemoryStorage} (what a memory cluster's
 * node keeps across a crash), plus what the simulator needs of a disk — writes that take
 * virtual time and a crash that cuts them short, and the broken-on-purpose switch.
 */
export class SimDisk implements Storage {
  private readonly stored: MemoryStorage;
  private pending: PendingWrite | null = null;
  private lagging: HardState | null = null;

  constructor(private readonly options: SimDiskOptions) {
    this.stored = new MemoryStorage();
  }

  load(): StoredState {
    return this.stored.load();
  }

  save(hardState: HardState | null, entries: Entry[], snapshot?: Snapshot | null): PendingWrite | undefined {
    let hs = hardState;
    if (this.options.lagHardState) {
      hs = this.lagging;
      this.lagging = hardState;
    }
    const ms = snapshot ? (this.options.snapshotWriteMs?.() ?? 0) : hardState === null && entries.length > 0 ? this.options.writeMs() : 0;
    if (ms <= 0) {
      this.stored.save(hs, entries, snapshot);
      return undefined;
    }
    const write = new PendingWrite();
    write.snapshot = snapshot != null;
    this.pending = write;
    this.options.later(ms, () => {
      if (this.pending !== write) return; // cut short by a crash: it never lands
      this.pending = null;
      this.stored.save(hs, entries, snapshot);
      write.land();
    });
    return write;
  }

  /** Snapshot writes a crash cut short. */
  cutSnapshots = 0;

  /** The machine stopped: a write under way never lands, and nothing unstored survives. Returns whether one was cut short. */
  crash(): boolean {
    const cut = this.pending !== null;
    if (this.pending?.snapshot) this.cutSnapshots++;
    this.pending = null;
    this.lagging = null;
    return cut;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  summary(): ReturnType<MemoryStorage['summary']> {
    return this.stored.summary();
  }
}
