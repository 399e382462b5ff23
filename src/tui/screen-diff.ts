/**
 * What to send a terminal to turn the screen it shows into the next frame, cell by cell: only
 * the cells that changed, reached with the shortest cursor move — or by writing the unchanged
 * cells in between again when that is shorter — and the pen changed only when the next cell
 * needs another style. Costs are counted as a recording stores them (asciicast is JSON, where
 * an escape character takes six bytes), so an idle dashboard records small.
 *
 * Pure: it takes the screen as it was and the frame, and returns the bytes and the screen after.
 */
import { type Pen, penChange, penOf, plainPen, RESET_PEN } from './pen.js';
import type { Line } from './spans.js';
import { splitGraphemes, textWidth } from './spans.js';

const ESC = '\x1b';
/** Erase from the cursor to the end of the row. */
const ERASE_REST = `${ESC}[K`;
/**
 * Blank cells in a row from which erasing them (ECH, which leaves the cursor where it is) and
 * moving past is shorter than writing spaces.
 */
const ERASE_CELLS_FROM = 20;

/**
 * Characters every terminal draws one cell wide, as string-width counts them: printable ASCII and
 * the dashboard's own marks (box drawing, bars, arrows, ✓ ✗ · … ×). Only rows made of these are
 * changed cell by cell: after an emoji or a CJK character, the terminal's idea of the column can
 * differ from ours, so such a row is written whole from its first column instead.
 */
const ONE_CELL = /^[\x20-\x7e\u00b7\u00d7\u2026\u2190-\u21ff\u2500-\u25fc\u2713\u2714\u2717]*$/;

/** One row as the terminal shows it. */
export interface ScreenRow {
  /** Equal keys draw the same cells. */
  readonly key: string;
  /** One character a cell and its pen; cells past the end are blank. Undefined: the row holds
   *  characters whose width terminals disagree on, and is only ever written whole. */
  readonly chars: readonly string[] | undefined;
  readonly pens: readonly Pen[];
  readonly line: Line;
}

/** The screen as the terminal shows it after the bytes written so far. */
export interface Screen {
  readonly rows: readonly ScreenRow[];
  /** The terminal's pen, undefined when unknown. */
  readonly pen: Pen | undefined;
  /** The cursor (0-based), undefined when unknown. */
  readonly cursor: { readonly x: number; readonly y: number } | undefined;
}

const BLANK_ROW: ScreenRow = { key: '', chars: [], pens: [], line: [] };

/** A row's identity: equal keys draw the same cells. */
function rowKey(line: Line): string {
  let key = '';
  for (const s of line) key += `${s.text}\u0000${s.color ?? ''}${s.bold ? 'b' : ''}${s.dim ? 'd' : ''}${s.inverse ? 'i' : ''}\u0001`;
  return key;
}

/** A frame's line as a row of cells, cut to `columns`. */
export function screenRow(line: Line, columns: number): ScreenRow {
  const key = rowKey(line);
  const chars: string[] = [];
  const pens: Pen[] = [];
  for (const s of line) {
    if (!ONE_CELL.test(s.text)) return { key, chars: undefined, pens: [], line };
    const pen = penOf(s);
    for (const ch of s.text) {
      if (chars.length >= columns) break;
      chars.push(ch);
      pens.push(pen);
    }
  }
  return { key, chars, pens, line };
}

/** A screen just cleared: every cell blank, pen and cursor as they were. */
export function clearedScreen(before: Screen | undefined): Screen {
  return { rows: [], pen: before?.pen, cursor: before?.cursor };
}

/** Bytes `text` takes in an asciicast file (JSON: a control character is six, `"` and `\` two). */
export function recordedCost(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) n += 6;
    else if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdfff) n += 2;
    else n += 3;
  }
  return n;
}

/** The shortest sequence that moves the cursor from `from` (undefined: unknown) to (x, y). */
export function cursorMove(from: { x: number; y: number } | undefined, x: number, y: number): string {
  const absolute = x === 0 ? `${ESC}[${y + 1}H` : `${ESC}[${y + 1};${x + 1}H`;
  if (!from) return absolute;
  if (from.x === x && from.y === y) return '';
  const options = [absolute];
  const steps = (n: number, code: string) => `${ESC}[${n === 1 ? '' : n}${code}`;
  if (from.y === y) {
    options.push(x > from.x ? steps(x - from.x, 'C') : steps(from.x - x, 'D'), `${ESC}[${x + 1}G`);
  } else if (from.x === x) {
    options.push(y > from.y ? steps(y - from.y, 'B') : steps(from.y - y, 'A'), `${ESC}[${y + 1}d`);
  }
  return options.reduce((a, b) => (b.length < a.length ? b : a));
}

/** Whether a cell shows the same as another: a space looks alike in any colour, bold or dim. */
function sameCell(aChar: string, aPen: Pen, bChar: string, bPen: Pen): boolean {
  if (aChar !== bChar) return false;
  return aPen === bPen || (aChar === ' ' && aPen.inverse === bPen.inverse);
}

/** The pen to draw a cell with, given the pen the terminal has: a space keeps any pen of the same inverse. */
function penFor(ch: string, cellPen: Pen, current: Pen | undefined): Pen {
  if (ch === ' ' && current !== undefined && current.inverse === cellPen.inverse) return current;
  return cellPen;
}

/** A pen that erases to plain blank cells: the current one unless it is inverse or unknown. */
function erasingPen(current: Pen | undefined): Pen {
  return current !== undefined && !current.inverse ? current : plainPen();
}

/**
 * The bytes that turn `before` into `lines` on a terminal of `columns` × `rows`, and the screen
 * after them. Rows past the terminal's height and cells past its width are not written (they
 * would wrap or scroll). The cursor is left where the last write put it.
 */
export function diffScreen(before: Screen, lines: readonly Line[], columns: number, rows: number): { out: string; after: Screen } {
  let out = '';
  let pen = before.pen;
  let cursor = before.cursor;
  const blank = plainPen();
  const after: ScreenRow[] = [];
  const height = Math.min(rows, Math.max(lines.length, before.rows.length));

  const moveTo = (x: number, y: number): void => {
    out += cursorMove(cursor, x, y);
    cursor = { x, y };
  };
  const put = (ch: string, cellPen: Pen, y: number): void => {
    const p = penFor(ch, cellPen, pen);
    out += penChange(pen, p) + ch;
    pen = p;
    const x = (cursor?.x ?? 0) + 1;
    // Past the last column the terminal waits to wrap: where it is then is best not assumed.
    cursor = x >= columns ? undefined : { x, y };
  };
  const eraseRest = (): void => {
    const p = erasingPen(pen);
    out += penChange(pen, p) + ERASE_REST;
    pen = p;
  };

  // First what to write, row by row; then the order to write it in.
  const segments: Segment[] = [];
  for (let y = 0; y < height; y++) {
    const old = before.rows[y] ?? BLANK_ROW;
    const line = lines[y];
    const row = line ? screenRow(line, columns) : BLANK_ROW;
    after.push(row);
    if (row.key === old.key) continue;
    if (!row.chars || !old.chars) {
      // Columns cannot be trusted here: the whole row from its first column, then erase the rest.
      segments.push({ kind: 'whole', y, from: 0, to: columns, row });
      continue;
    }
    segments.push(...rowSegments(old, row, y, columns));
  }

  const writeSegment = (seg: Segment): void => {
    const { row, y } = seg;
    if (seg.kind === 'whole') {
      moveTo(0, y);
      let width = 0;
      spans: for (const s of row.line) {
        const p = penOf(s);
        for (const g of splitGraphemes(s.text)) {
          const w = textWidth(g);
          if (width + w > columns) break spans;
          out += penChange(pen, p) + g;
          pen = p;
          width += w;
        }
      }
      if (width < columns) eraseRest();
      cursor = undefined;
      return;
    }
    moveTo(seg.from, y);
    if (seg.kind === 'erase') {
      eraseRest();
      return;
    }
    const chars = row.chars ?? [];
    for (let i = seg.from; i < seg.to; ) {
      // A long stretch of blank cells (a list that emptied, inside its box) is erased in
      // place rather than written space by space.
      let blanks = 0;
      while (i + blanks < seg.to && (chars[i + blanks] ?? ' ') === ' ' && !(row.pens[i + blanks] ?? blank).inverse) blanks++;
      if (blanks >= ERASE_CELLS_FROM) {
        const p = erasingPen(pen);
        out += `${penChange(pen, p)}${ESC}[${blanks}X`;
        pen = p;
        i += blanks;
        if (i < seg.to) moveTo(i, y);
        continue;
      }
      put(chars[i] ?? ' ', row.pens[i] ?? blank, y);
      i++;
    }
  };

  // Next, the segment that is cheapest to reach from where the cursor and the pen are: cells
  // of one colour across rows cost one colour change instead of one per row.
  const pending = segments.slice();
  while (pending.length > 0) {
    let best = 0;
    if (pending.length <= GREEDY_UP_TO) {
      let bestCost = Number.POSITIVE_INFINITY;
      for (let k = 0; k < pending.length; k++) {
        const cost = reachCost(pending[k]!, cursor, pen);
        if (cost < bestCost) {
          bestCost = cost;
          best = k;
        }
      }
    }
    const [seg] = pending.splice(best, 1);
    writeSegment(seg!);
  }
  return { out, after: { rows: after, pen, cursor } };
}

/** One piece of a frame: cells [from, to) of a row to write, the rest of a row to erase, or a whole row. */
interface Segment {
  kind: 'cells' | 'erase' | 'whole';
  y: number;
  from: number;
  to: number;
  row: ScreenRow;
}

/** Frames with more segments than this are written in row order (choosing is quadratic). */
const GREEDY_UP_TO = 48;

/** What it costs to start a segment: the move there and the first pen change. */
function reachCost(seg: Segment, cursor: { x: number; y: number } | undefined, pen: Pen | undefined): number {
  const move = recordedCost(cursorMove(cursor, seg.from, seg.y));
  if (seg.kind === 'erase') return move + recordedCost(penChange(pen, erasingPen(pen)));
  const first = seg.row.chars ? (seg.row.pens[seg.from] ?? plainPen()) : seg.row.line[0] ? penOf(seg.row.line[0]) : plainPen();
  const ch = seg.row.chars?.[seg.from] ?? ' ';
  return move + recordedCost(penChange(pen, penFor(ch, first, pen)));
}

/**
 * The segments that turn `old` into `row` (both with trusted columns): runs of changed cells,
 * joined when writing the unchanged cells between them again is shorter than moving past
 * them, and the end of the row erased when it became blank.
 */
function rowSegments(old: ScreenRow, row: ScreenRow, y: number, columns: number): Segment[] {
  const blank = plainPen();
  const oldChars = old.chars ?? [];
  const newChars = row.chars ?? [];
  const n = Math.min(columns, Math.max(oldChars.length, newChars.length));
  const charAt = (i: number): string => newChars[i] ?? ' ';
  const penAt = (i: number): Pen => row.pens[i] ?? blank;
  const changed = (i: number): boolean => !sameCell(oldChars[i] ?? ' ', old.pens[i] ?? blank, charAt(i), penAt(i));

  // From `blankFrom` on, the new row is blank: cells that changed there can be erased at once.
  let blankFrom = n;
  while (blankFrom > 0 && charAt(blankFrom - 1) === ' ' && !penAt(blankFrom - 1).inverse) blankFrom--;
  let firstTail = -1;
  let lastTail = -1;
  for (let i = blankFrom; i < n; i++) {
    if (!changed(i)) continue;
    if (firstTail < 0) firstTail = i;
    lastTail = i;
  }
  const erase = firstTail >= 0 && lastTail - firstTail + 1 > recordedCost(ERASE_REST);
  const end = erase ? blankFrom : n;

  const out: Segment[] = [];
  let i = 0;
  while (i < end) {
    if (!changed(i)) {
      i++;
      continue;
    }
    const from = i;
    while (i < end && changed(i)) i++;
    const last = out[out.length - 1];
    if (last && last.kind === 'cells' && gapCost(last.to, from, charAt, penAt) <= moveCost(last.to, from, y, charAt, penAt)) {
      last.to = i;
    } else out.push({ kind: 'cells', y, from, to: i, row });
  }
  if (erase) out.push({ kind: 'erase', y, from: firstTail, to: n, row });
  return out;
}

/** Moving from cell `from` to cell `to` of row y instead, and the pen change into cell `to`. */
function moveCost(from: number, to: number, y: number, charAt: (i: number) => string, penAt: (i: number) => Pen): number {
  const pen = penAt(from - 1);
  return recordedCost(cursorMove({ x: from, y }, to, y) + penChange(pen, penFor(charAt(to), penAt(to), pen)));
}

/** Writing cells [from, to) again, unchanged: their characters and the pen changes among them (and into the next cell). */
function gapCost(from: number, to: number, charAt: (i: number) => string, penAt: (i: number) => Pen): number {
  let text = '';
  let pen: Pen | undefined = from > 0 ? penAt(from - 1) : undefined;
  for (let x = from; x <= to; x++) {
    const p = penFor(charAt(x), penAt(x), pen);
    if (pen !== undefined) text += penChange(pen, p);
    pen = p;
    if (x < to) text += charAt(x);
  }
  return recordedCost(text);
}

/** Before clearing the screen: a pen that clears to plain blank cells. */
export function penBeforeClear(screen: Screen | undefined): { out: string; pen: Pen } {
  const pen = screen?.pen;
  if (pen !== undefined && !pen.inverse) return { out: '', pen };
  return { out: RESET_PEN, pen: plainPen() };
}
