import { FaultFilter, noFaults } from '../net/fault-filter.js';
import type { NetworkFaults } from '../net/types.js';
import type { NodeId } from '../raft/types.js';
import { describeFaults } from './snapshot.js';
import type { UnstampedEvent } from './event-stream.js';

/**
 * The network faults a person sets (partition, cut, heal, drop / duplicate / delay rates): checked,
 * kept in one fault filter, applied, and told to the event stream. `apply` is where they take
 * effect: the inline transports read the filter itself; node processes are sent a copy.
 */
export class FaultControls {
  readonly filter = new FaultFilter();

  constructor(
    private readonly hooks: {
      /** Throws for an id the cluster does not have. */
      requireNode(id: NodeId): void;
      apply(faults: NetworkFaults): void;
      emit(e: UnstampedEvent): void;
    },
  ) {}

  partition(groups: NodeId[][]): void {
    for (const g of groups) for (const id of g) this.hooks.requireNode(id);
    this.change({ partition: groups.map((g) => [...g]) });
  }

  cut(from: NodeId, to: NodeId): void {
    this.hooks.requireNode(from);
    this.hooks.requireNode(to);
    this.change({ cuts: [...this.filter.faults.cuts, { from, to }] });
  }

  heal(): void {
    this.filter.set(noFaults());
    this.changed();
  }

  setNetwork(faults: { dropRate?: number; duplicateRate?: number; delayMs?: [number, number] | null }): void {
    const change: Partial<NetworkFaults> = {};
    if (faults.dropRate !== undefined) change.dropRate = clamp01(faults.dropRate);
    if (faults.duplicateRate !== undefined) change.duplicateRate = clamp01(faults.duplicateRate);
    if (faults.delayMs !== undefined) change.delayMs = faults.delayMs;
    this.change(change);
  }

  private change(change: Partial<NetworkFaults>): void {
    this.filter.update(change);
    this.changed();
  }

  private changed(): void {
    this.hooks.apply(this.filter.faults);
    this.hooks.emit({ type: 'faults', faults: this.filter.faults, description: describeFaults(this.filter.faults) });
  }
}

function clamp01(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`a rate must be a number from 0 to 1 (got ${x})`);
  return Math.min(1, Math.max(0, x));
}
