import type { NodeId } from '../raft/types.js';
import type { Rng } from '../raft/rng.js';
import type { NetworkFaults } from './types.js';

export function noFaults(): NetworkFaults {
  return { partition: null, cuts: [], dropRate: 0, duplicateRate: 0, delayMs: null };
}

/** What happens to one message: how many copies arrive (0, 1 or 2) and each one's delay in ms. */
export interface Route {
  delays: number[];
  /** Why nothing arrives, when delays is empty. */
  reason?: 'partition' | 'cut' | 'drop';
}

/**
 * The one fault filter shared by the TCP transport and the in-memory network: partitions,
 * one-way cuts, drop / duplicate rates and delay ranges. It holds the current faults; callers
 * ask it, per message, whether and when it arrives.
 */
export class FaultFilter {
  private current: NetworkFaults = noFaults();
  /** group index per node, rebuilt when the partition changes; undefined: no partition. */
  private groupOf: Map<NodeId, number> | undefined;
  /** No fault at all: every message arrives once, at once (route() would draw nothing). */
  private clearFlag = true;

  get faults(): NetworkFaults {
    return this.current;
  }

  set(faults: NetworkFaults): void {
    this.current = {
      partition: faults.partition ? faults.partition.map((g) => [...g]) : null,
      cuts: faults.cuts.map((c) => ({ ...c })),
      dropRate: faults.dropRate,
      duplicateRate: faults.duplicateRate,
      delayMs: faults.delayMs ? [faults.delayMs[0], faults.delayMs[1]] : null,
    };
    this.groupOf = undefined;
    const c = this.current;
    this.clearFlag = !c.partition && c.cuts.length === 0 && c.dropRate === 0 && c.duplicateRate === 0 && !c.delayMs;
    if (this.current.partition) {
      this.groupOf = new Map();
      this.current.partition.forEach((group, i) => group.forEach((id) => this.groupOf!.set(id, i)));
    }
  }

  update(change: Partial<NetworkFaults>): void {
    this.set({ ...this.current, ...change });
  }

  /** Whether no fault is set: then route() gives every message one copy, no delay, no draw. */
  get clear(): boolean {
    return this.clearFlag;
  }

  /** Whether the partition and cuts let `from` reach `to` (ignores random loss). */
  canReach(from: NodeId, to: NodeId): boolean {
    return this.clearFlag || this.blockedBy(from, to) === undefined;
  }

  /** The 1-based partition group of a node, or null when there is no partition. Alone: its own. */
  groupNumber(id: NodeId): number | null {
    if (!this.groupOf) return null;
    const g = this.groupOf.get(id);
    return g === undefined ? null : g + 1;
  }

  /** Decides the fate of one message from `from` to `to`, drawing from `rng`. */
  route(from: NodeId, to: NodeId, rng: Rng): Route {
    const blocked = this.blockedBy(from, to);
    if (blocked) return { delays: [], reason: blocked };
    const f = this.current;
    if (f.dropRate > 0 && rng.chance(f.dropRate)) return { delays: [], reason: 'drop' };
    const copies = f.duplicateRate > 0 && rng.chance(f.duplicateRate) ? 2 : 1;
    const delays: number[] = [];
    for (let i = 0; i < copies; i++) delays.push(f.delayMs ? rng.int(f.delayMs[0], f.delayMs[1]) : 0);
    return { delays };
  }

  /** What stops `from` from reaching `to` now (ignoring random loss), if anything. */
  blockedBy(from: NodeId, to: NodeId): 'partition' | 'cut' | undefined {
    if (from === to) return undefined;
    if (this.groupOf) {
      const a = this.groupOf.get(from);
      const b = this.groupOf.get(to);
      // A node not named in any group is alone.
      if (a === undefined || b === undefined || a !== b) return 'partition';
    }
    for (const c of this.current.cuts) if (c.from === from && c.to === to) return 'cut';
    return undefined;
  }
}
