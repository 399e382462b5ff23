/**
 * The one place bytes go to the terminal. The dashboard hands it each whole frame as lines of
 * styled spans; it compares them with what the screen already shows and writes only the cells
 * that changed (screen-diff.ts), then puts the cursor on the prompt. A resize or a
 * redraw clears the screen and writes the next frame in full. Ink, which still runs the
 * components and reads the keyboard, renders into a stand-in stream whose output is not used:
 * laying out and writing the whole frame on every change is what cost the CPU. Anything that
 * wants a copy of the bytes (a recording) listens with `onWrite`.
 */
import { EventEmitter } from 'node:events';
import { clearedScreen, cursorMove, diffScreen, penBeforeClear, type Screen } from './screen-diff.js';
import type { Line } from './spans.js';

const CSI = '\x1b[';
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
const CLEAR_SCREEN = `${CSI}2J${CSI}3J${CSI}H`;
/** Synchronized output (terminals that know it show the update at once; others ignore it). */
const BEGIN_SYNC = `${CSI}?2026h`;
const END_SYNC = `${CSI}?2026l`;
/** Frames longer than this (in characters) are wrapped in synchronized output, the cursor hidden. */
const WRAP_ABOVE = 512;

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

export function createTerminalOutput(terminal: TerminalStream): TerminalOutput {
  const listeners = new Set<(data: string) => void>();
  /** What the screen shows (undefined: unknown, clear and write everything). */
  let screen: Screen | undefined;
  /** The terminal's pen and cursor, known even when the cells are not (after a resize). */
  let terminalState: Screen | undefined;
  let pending: { lines: readonly Line[]; cursor: { x: number; y: number } | undefined } | undefined;
  /** The last frame, to write again after a clear. */
  let last: typeof pending;
  /** Where the prompt cursor was last shown (undefined: hidden). */
  let shownCursor: { x: number; y: number } | undefined;
  let cursorVisible: boolean | undefined;
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
    const { columns, rows } = size();
    let out = '';
    let state = screen ?? terminalState;
    const cleared = frame !== undefined && screen === undefined;
    if (frame) {
      if (cleared) {
        const before = penBeforeClear(terminalState);
        out += before.out + CLEAR_SCREEN;
        state = { ...clearedScreen(undefined), pen: before.pen, cursor: { x: 0, y: 0 } };
      }
      const diff = diffScreen(state as Screen, frame.lines, columns, rows);
      out += diff.out;
      state = diff.after;
    }
    const cursor = frame ? frame.cursor : last?.cursor;
    const cursorMoved = cursor !== undefined && (shownCursor === undefined || cursor.x !== shownCursor.x || cursor.y !== shownCursor.y);
    if (out !== '' || cursorMoved || cursorVisible !== (cursor !== undefined)) {
      const place = cursor ? cursorMove(state?.cursor, cursor.x, cursor.y) : '';
      if (cursor && state) state = { ...state, cursor };
      if (cleared || out.length > WRAP_ABOVE) {
        // A big change (a clear, many rows) is shown at once, the cursor hidden while it is
        // written, so it neither tears nor flickers across the screen.
        const hide = cursorVisible === false ? '' : HIDE_CURSOR;
        send(`${BEGIN_SYNC}${hide}${out}${cursor ? place + SHOW_CURSOR : ''}${END_SYNC}`);
      } else {
        // A few cells go out bare: one short write is drawn whole, and the wrapping would cost
        // more than the cells themselves.
        const hide = !cursor && cursorVisible !== false ? HIDE_CURSOR : '';
        const show = cursor && cursorVisible !== true ? SHOW_CURSOR : '';
        send(`${hide}${out}${place}${show}`);
      }
      shownCursor = cursor;
      cursorVisible = cursor !== undefined;
    }
    terminalState = state;
    if (frame) screen = state;
  }

  const onResize = (): void => {
    Object.assign(stand, size());
    // Every row may have moved or wrapped: start from a clear screen.
    screen = undefined;
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
      screen = undefined;
      shownCursor = undefined;
      cursorVisible = undefined;
      pending ??= last;
      schedule();
    },
    write(data) {
      send(data);
      // Bytes of its own may move the cursor, change the pen or the screen: assume nothing.
      screen = undefined;
      terminalState = undefined;
      shownCursor = undefined;
      cursorVisible = undefined;
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
