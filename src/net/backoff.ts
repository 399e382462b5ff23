/**
 * Capped exponential backoff for reconnecting: base, 2×base, 4×base … up to cap. A connection
 * that stayed up for at least `cap` counts as a success and starts the next wait from base again;
 * one that is refused right after connecting keeps growing the wait, so it cannot spin.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
  ) {}

  /** The wait before the next attempt; each call doubles the one after, up to the cap. */
  next(): number {
    const delay = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return delay;
  }

  /** Records how long the last connection stayed up; long enough resets to the base wait. */
  connectionLasted(ms: number): void {
    if (ms >= this.capMs) this.attempt = 0;
  }

  reset(): void {
    this.attempt = 0;
  }
}
