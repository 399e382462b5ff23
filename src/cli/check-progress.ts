/**
 * Progress of `raft-tui check` on stderr: a bar redrawn in place on a terminal (seeds done /
 * total, elapsed, rate, failures), plain lines every few seconds otherwise, nothing with --json.
 */

/** Where progress goes: anything with `write`. */
export interface TextSink {
  write(text: string): unknown;
}

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressState {
  done: number;
  total: number;
  failures: number;
  /** Run time so far (virtual ms in the simulator). */
  simulatedMs: number;
}

/** `12.3 s`, `4 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, '0')} s`;
  }
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.floor((s - h * 3600) / 60)).padStart(2, '0')} min`;
}

const wallClock = (): number => performance.now();

/** Draws progress no more often than it is worth: 10 frames a second, or a line every 2 s. */
export class CheckProgress {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly sink: TextSink,
    private readonly mode: ProgressMode,
    private readonly options: { color: boolean; columns: number; now?: () => number; unit?: string },
    private readonly started = (options.now ?? wallClock)(),
  ) {}

  update(state: ProgressState, force = false): void {
    if (this.mode === 'off') return;
    const now = this.now();
    const every = this.mode === 'bar' ? 100 : 2000;
    if (!force && now - this.lastDraw < every) return;
    this.lastDraw = now;
    const elapsed = now - this.started;
    const rate = elapsed > 0 ? (state.done / elapsed) * 1000 : 0;
    const speed = elapsed > 0 ? state.simulatedMs / elapsed : 0;
    const unit = this.options.unit ?? 'seeds';
    const text =
      `${state.done}/${state.total} ${unit}  ${formatDuration(elapsed)}  ${rate.toFixed(rate < 10 ? 1 : 0)} ${unit}/s  ` +
      `${Math.round(speed).toLocaleString('en-US')}× real time  ${state.failures} failed`;
    if (this.mode === 'lines') {
      this.sink.write(`check: ${text}\n`);
      return;
    }
    const width = Math.max(10, Math.min(30, this.options.columns - text.length - 4));
    const filled = state.total > 0 ? Math.round((state.done / state.total) * width) : 0;
    let bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    if (this.options.color) bar = `\x1b[${state.failures > 0 ? 31 : 32}m${bar}\x1b[39m`;
    // \r and clear-to-end-of-line redraw the one line in place.
    this.sink.write(`\r${bar} ${text}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the bar, so what follows starts on a clean line. */
  finish(): void {
    if (this.mode === 'bar' && this.drawn) this.sink.write('\r\x1b[K');
    this.drawn = false;
  }

  private now(): number {
    return (this.options.now ?? wallClock)();
  }
}
