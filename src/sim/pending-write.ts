/**
 * A write that lands at a later virtual time: what the simulator's storage returns from `save`
 * when a write takes time. A then-able whose callbacks run synchronously when the simulator
 * calls {@link PendingWrite.land} — so a synchronous run can wait for it, where a Promise would
 * need an event-loop turn. A write cut short by a crash never lands: its callbacks never run.
 * Only what the node host needs: one level of `then`, no chaining.
 */
export class PendingWrite implements PromiseLike<void> {
  private callbacks: (() => void)[] | null = [];
  /** It stores a snapshot (§7): a crash that cuts it short is counted. */
  snapshot = false;

  // biome-ignore lint/suspicious/noThenProperty: being a then-able is the point: the node host waits for it as for a Promise.
  then<A = undefined, B = never>(onLanded?: ((value: undefined) => A | PromiseLike<A>) | null): PromiseLike<A | B> {
    if (onLanded) {
      if (this.callbacks === null) onLanded(undefined);
      else this.callbacks.push(() => void onLanded(undefined));
    }
    return this as unknown as PromiseLike<A | B>;
  }

  /** The write is on disk: run what waited for it, in order. */
  land(): void {
    const waiting = this.callbacks;
    this.callbacks = null;
    for (const fn of waiting ?? []) fn();
  }
}
