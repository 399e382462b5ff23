/**
 * The one place bytes go to the terminal. The dashboard hands it each whole frame as lines of
 * styled spans; it compares them with what the screen already shows and writes only the rows
 * that changed, each at its own position, then puts the cursor on the prompt. A resize or a
 * redraw clears the screen and writes the next frame in full. Ink, which still runs the
 * components and reads the keyboard, renders into a stand-in stream whose output is not used:
 * laying out and writing the whole frame on every change is what cost the CPU. Anything that
 * wants a copy of the bytes (a recording) listens with `onWrite`.
 */
import { EventEmitter } from 'node:events';
import chalk from 'chalk';
import type { Line, Span } from './spans.js';
import { lineWidth } from './spans.js';

const CSI = '\x1b[';
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
const CLEAR_SCREEN = `${CSI}2J${CSI}3J${CSI}H`;
/** Synchronized output (terminals that know it show the update at once; others ignore it). */
const BEGIN_SYNC = `${CSI}?2026h`;
const END_SYNC = `${CSI}?2026l`;

/** The real terminal, as far as this module needs it. */
export interface TerminalStream {
  write(data: string): unknown;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface TerminalOutput {
  /** The stream to give Ink: it follows the terminal's size; what Ink writes to it is dropped. */
  readonly inkStream: NodeJS.WriteStream;
  /** Shows a frame: `lines` from the top row, the cursor at `cursor` (0-based) or hidden. */
  render(lines: readonly Line[], cursor: { x: number; y: number } | undefined): void;
  /** Clears the screen; the next frame is written in full (Ctrl-L). */
  redraw(): void;
  /** Writes bytes of its own to the terminal (entering and leaving the alternate screen). */
  write(data: string): void;
  /** Calls `listener` with every chunk written to the terminal, in order. */
  onWrite(listener: (data: string) => void): () => void;
  /** Writes what is pending now (tests; and before leaving). */
  flush(): void;
  /** Stops writing frames and following the terminal's size. */
  close(): void;
}

/** One span as terminal bytes, styled the way Ink styles its Text (chalk, same colour names). */
function styled(s: Span): string {
  let c = chalk;
  if (s.color) {
    const named = (chalk as unknown as Record<string, typeof chalk | undefined>)[s.color];
    if (named) c = named;
  }
  if (s.bold) c = c.bold;
  if (s.dim) c = c.dim;
  if (s.inverse) c = c.inverse;
  return c === chalk ? s.text : c(s.text);
}

/** A row's identity: equal keys draw the same cells. */
function rowKey(line: Line): string {
  let key = '';
  for (const s of line) key += `${s.text}\u0000${s.color ?? ''}${s.bold ? 'b' : ''}${s.dim ? 'd' : ''}${s.inverse ? 'i' : ''}\u0001`;
  return key;
}

/** Whether two spans draw the same cells. */
function sameSpan(a: Span, b: Span): boolean {
  return a.text === b.text && a.color === b.color && a.bold === b.bold && a.dim === b.dim && a.inverse === b.inverse;
}

/**
 * Characters every terminal draws one cell wide, as string-width counts them: printable ASCII and
 * the dashboard's own marks (box drawing, bars, arrows, ✓ ✗ · … ×). Only across such text may a
 * write start in the middle of a row: after an emoji or a CJK character, the terminal's idea of
 * the column can differ from ours, and the row is written whole from its first column instead.
 */
const ONE_CELL = /^[\x20-\x7e\u00b7\u00d7\u2026\u2190-\u21ff\u2500-\u25fc\u2713\u2714\u2717]*$/;

/**
 * What to write to turn `old` into `line` on screen: the column to start at (0-based) and the
 * spans from there. The spans both versions share at the start are skipped, and those they share
 * at the end too when the row keeps its width — a timer bar that moved rewrites the bar, not the
 * three panels beside it.
 */
function rowChange(old: Line | undefined, line: Line): { column: number; spans: Line; erase: boolean } {
  if (!old) return { column: 0, spans: line, erase: true };
  let p = 0;
  while (p < line.length && p < old.length && sameSpan(line[p]!, old[p]!)) p++;
  let endNew = line.length;
  let endOld = old.length;
  const sameWidth = lineWidth(line) === lineWidth(old);
  if (sameWidth) {
    while (endNew > p && endOld > p && sameSpan(line[endNew - 1]!, old[endOld - 1]!)) {
      endNew--;
      endOld--;
    }
  }
  const prefix = line.slice(0, p);
  const spans = line.slice(p, sameWidth ? endNew : line.length);
  const text = [...prefix, ...spans].map((s) => s.text).join('');
  if (!ONE_CELL.test(text)) return { column: 0, spans: line, erase: true };
  return { column: lineWidth(prefix), spans, erase: !sameWidth };
}

export function createTerminalOutput(terminal: TerminalStream): TerminalOutput {
  const listeners = new Set<(data: string) => void>();
  /** What the screen shows, row by row (undefined: unknown, clear and write everything). */
  let shown: string[] | undefined;
  /** The lines behind `shown`, to write only the part of a changed row that changed. */
  let shownLines: readonly Line[] = [];
  let pending: { lines: readonly Line[]; cursor: { x: number; y: number } | undefined } | undefined;
  /** The last frame, to write again after a clear. */
  let last: typeof pending;
  let shownCursor: string | undefined;
  let scheduled = false;
  let closed = false;

  const send = (data: string): void => {
    if (data === '') return;
    terminal.write(data);
    for (const l of [...listeners]) l(data);
  };

  const size = (): { columns: number; rows: number } => ({ columns: terminal.columns || 80, rows: terminal.rows || 24 });

  // The stand-in Ink renders into: it reads the size and hears resizes from it.
  const stand = new EventEmitter() as EventEmitter & { columns: number; rows: number; isTTY: boolean; write: (d: string) => boolean };
  Object.assign(stand, size(), { isTTY: true });
  stand.write = (): boolean => true;

  function schedule(): void {
    if (scheduled || closed) return;
    scheduled = true;
    // Frames made in one turn (a keystroke and a snapshot) reach the terminal once.
    setImmediate(() => {
      scheduled = false;
      flush();
    });
  }

  function flush(): void {
    if (closed) return;
    const frame = pending;
    pending = undefined;
    const { columns } = size();
    let out = '';
    if (frame) {
      const keys = frame.lines.map(rowKey);
      if (shown === undefined) out += CLEAR_SCREEN;
      const before = shown ?? [];
      for (let i = 0; i < Math.max(keys.length, before.length); i++) {
        if (keys[i] === before[i]) continue;
        const line = frame.lines[i];
        if (!line) {
          out += `${CSI}${i + 1};1H${CSI}2K`;
          continue;
        }
        // Part of a row only when the screen surely holds the old row as we drew it: both fit
        // the terminal's width as it is now (a frame laid out for another width wraps).
        const old = shown === undefined ? undefined : shownLines[i];
        const fits = old !== undefined && lineWidth(old) <= columns && lineWidth(line) <= columns;
        const change = rowChange(fits ? old : undefined, line);
        out += `${CSI}${i + 1};${change.column + 1}H`;
        out += change.spans.map(styled).join('');
        // Erase the rest only when the row ends early: at the last column an erase would
        // take the last cell with it.
        if (change.erase && lineWidth(line) < columns) out += `${CSI}K`;
      }
      shown = keys;
      shownLines = frame.lines;
    }
    const cursor = frame ? frame.cursor : last?.cursor;
    const wanted = cursor ? `${CSI}${cursor.y + 1};${cursor.x + 1}H${SHOW_CURSOR}` : HIDE_CURSOR;
    if (out !== '' || wanted !== shownCursor) {
      // Hidden while rows are written, so it never flickers across the screen.
      send(`${BEGIN_SYNC}${HIDE_CURSOR}${out}${wanted}${END_SYNC}`);
      shownCursor = wanted;
    }
  }

  const onResize = (): void => {
    Object.assign(stand, size());
    // Every row may have moved or wrapped: start from a clear screen.
    shown = undefined;
    pending ??= last;
    stand.emit('resize');
    schedule();
  };
  terminal.on('resize', onResize);

  return {
    inkStream: stand as unknown as NodeJS.WriteStream,
    render(lines, cursor) {
      pending = { lines, cursor };
      last = pending;
      schedule();
    },
    redraw() {
      shown = undefined;
      shownCursor = undefined;
      pending ??= last;
      schedule();
    },
    write(data) {
      send(data);
    },
    onWrite(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush,
    close() {
      // Frames after this stay off the screen being left.
      closed = true;
      terminal.off('resize', onResize);
    },
  };
}
