import type { ClusterSnapshot } from './types.js';

/**
 * Hands the dashboard's snapshots to their listeners: at most 20 a second while something
 * changes (the cluster marks itself dirty), and every 250 ms anyway so timer bars still move.
 * Nothing is built while nobody listens.
 */
export class SnapshotPublisher {
  private readonly listeners = new Set<(s: ClusterSnapshot) => void>();
  private interval: NodeJS.Timeout | undefined;
  private dirty = true;
  private lastPublishedAt = 0;

  constructor(private readonly take: () => ClusterSnapshot) {}

  on(listener: (s: ClusterSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Publishes on a 50 ms wall-clock interval: only when something changed, or every 250 ms (`always`: every time). */
  startInterval(always = false): void {
    this.interval = setInterval(() => (always ? this.publish() : this.maybePublish()), 50);
    this.interval.unref();
  }

  private maybePublish(): void {
    if (this.listeners.size === 0) return;
    const now = performance.now();
    if (!this.dirty && now - this.lastPublishedAt < 250) return;
    this.lastPublishedAt = now;
    this.publish();
  }

  /** A snapshot to every listener now (the paced clock calls it at each frame of cluster time). */
  publish(): void {
    if (this.listeners.size === 0) return;
    this.dirty = false;
    const snap = this.take();
    for (const l of this.listeners) {
      try {
        l(snap);
      } catch {
        // A listener's bug must not take the cluster down.
      }
    }
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.listeners.clear();
  }
}
