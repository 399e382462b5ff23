import type { NodeId } from '../raft/types.js';
import type { RecoveryReport } from '../storage/types.js';
import type { ClusterEvent } from './types.js';

/** A ClusterEvent before the stream stamps it with the cluster time. */
export type UnstampedEvent = ClusterEvent extends infer E ? (E extends unknown ? Omit<E, 'at'> : never) : never;

/**
 * The cluster's event stream: stamps each event with the cluster time and hands it to every
 * listener (a listener's bug never reaches the cluster). What storage reported while the
 * cluster started came before anyone could listen: it is replayed to each new listener.
 */
export class EventStream {
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly startupReports: ClusterEvent[] = [];

  constructor(
    private readonly now: () => number,
    /** Called for every event, listened to or not (the dashboard redraws). */
    private readonly onEvent: () => void = () => {},
  ) {}

  /** Whether anyone listens: events that cost something to build are skipped when nobody does. */
  get listened(): boolean {
    return this.listeners.size > 0;
  }

  on(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    for (const e of this.startupReports) listener(e);
    return () => this.listeners.delete(listener);
  }

  emit(e: UnstampedEvent): void {
    this.onEvent();
    if (this.listeners.size === 0) return;
    const full = { ...e, at: this.now() } as ClusterEvent;
    for (const l of this.listeners) {
      try {
        l(full);
      } catch {
        // A listener's bug must not take the cluster down.
      }
    }
  }

  /** What storage said while opening a node's files; `atStart`: also kept for later listeners. */
  storageReport(node: NodeId, r: RecoveryReport, atStart: boolean): void {
    if (atStart) this.startupReports.push({ type: 'storage-recovery', node, ...r, at: this.now() });
    this.emit({ type: 'storage-recovery', node, ...r });
  }

  clear(): void {
    this.listeners.clear();
  }
}
