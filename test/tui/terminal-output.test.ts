/**
 * The terminal writer: what it sends, checked on a real terminal emulator (xterm's headless
 * build) — the screen it leaves must be the frame, cell by cell and style by style — and how
 * little it sends when little changed.
 */
import { EventEmitter } from 'node:events';
import xterm from '@xterm/headless';
import chalk from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Line, Span } from '../../src/tui/spans.js';
import { fitLine, splitGraphemes, textWidth } from '../../src/tui/spans.js';
import { applyNoColor } from '../../src/tui/no-color.js';
import { createTerminalOutput } from '../../src/tui/terminal-output.js';

// Colours on, as in a terminal (the test runner's stdout is not one).
const level = chalk.level;
beforeAll(() => {
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});

function fakeTerminal(columns = 20, rows = 6) {
  const t = new EventEmitter() as EventEmitter & { columns: number; rows: number; writes: string[]; write: (d: string) => boolean };
  t.columns = columns;
  t.rows = rows;
  t.writes = [];
  t.write = (d: string) => {
    t.writes.push(d);
    return true;
  };
  return t;
}

const frame = (...rows: string[]): Line[] => rows.map((r) => fitLine([{ text: r }], 20));
/** The rows a write moved the cursor to the start of (1-based). */
const rowsWritten = (data: string): number[] => [...data.matchAll(/\x1b\[(\d+)(?:;1)?H/g)].map((m) => Number(m[1]));

/** A headless terminal of the given size, fed everything written. */
function emulator(columns: number, rows: number) {
  const term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true });
  return {
    term,
    feed: (data: string) => new Promise<void>((resolve) => term.write(data, resolve)),
  };
}

/** xterm's palette index for the colour names the dashboard uses. */
const PALETTE: Record<string, number> = {
  black: 0,
  red: 1,
  green: 2,
  yellow: 3,
  blue: 4,
  magenta: 5,
  cyan: 6,
  white: 7,
  gray: 8,
  redBright: 9,
  blueBright: 12,
};

/**
 * Where the emulator's screen differs from the frame (cut to the terminal), as readable
 * strings; empty when they agree. A space is only compared for inverse: in any other style it
 * looks the same.
 */
function differences(term: xterm.Terminal, lines: readonly Line[], columns: number, rows: number): string[] {
  const out: string[] = [];
  const buffer = term.buffer.active;
  for (let y = 0; y < rows; y++) {
    const row = buffer.getLine(buffer.viewportY + y);
    const cells: { ch: string; span: Span }[] = [];
    for (const span of lines[y] ?? []) {
      for (const g of splitGraphemes(span.text)) {
        const w = textWidth(g);
        if (cells.length + w > columns) break;
        cells.push({ ch: g, span });
        for (let i = 1; i < w; i++) cells.push({ ch: '', span });
      }
      if (cells.length >= columns) break;
    }
    while (cells.length < columns) cells.push({ ch: ' ', span: { text: ' ' } });
    for (let x = 0; x < columns; x++) {
      const want = cells[x]!;
      const cell = row?.getCell(x);
      const ch = cell?.getChars() || (cell?.getWidth() === 0 ? '' : ' ');
      const where = `row ${y + 1} col ${x + 1}`;
      if (ch !== want.ch) {
        out.push(`${where}: ${JSON.stringify(ch)} instead of ${JSON.stringify(want.ch)}`);
        continue;
      }
      if (!cell || want.ch === '') continue;
      const s = want.span;
      const inverse = cell.isInverse() !== 0;
      if (inverse !== (s.inverse === true)) out.push(`${where}: inverse ${inverse}`);
      if (want.ch === ' ') continue;
      const fg = cell.isFgDefault() ? undefined : cell.getFgColor();
      if (fg !== (s.color ? PALETTE[s.color] : undefined)) out.push(`${where} ${JSON.stringify(ch)}: colour ${fg} instead of ${s.color}`);
      if ((cell.isBold() !== 0) !== (s.bold === true)) out.push(`${where}: bold`);
      if ((cell.isDim() !== 0) !== (s.dim === true)) out.push(`${where}: dim`);
    }
  }
  return out;
}

/** A small seeded generator (mulberry32): the same seed, the same frames. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('terminal output', () => {
  it('writes the first frame in full after clearing the screen', async () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    out.render(frame('a', 'b', 'c'), { x: 2, y: 2 });
    out.flush();
    const data = t.writes.join('');
    expect(data).toContain('\x1b[2J');
    const e = emulator(20, 6);
    await e.feed(data);
    expect(differences(e.term, frame('a', 'b', 'c'), 20, 6)).toEqual([]);
    expect(e.term.buffer.active.cursorY).toBe(2);
    expect(e.term.buffer.active.cursorX).toBe(2);
    expect(data.endsWith('\x1b[?25h\x1b[?2026l')).toBe(true);
  });

  it('writes only the rows that changed, never erasing the whole screen again', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    out.render(frame('a', 'b', 'c'), undefined);
    out.flush();
    t.writes.length = 0;
    out.render(frame('a', 'B', 'c'), undefined);
    out.flush();
    const data = t.writes.join('');
    expect(rowsWritten(data)).toEqual([2]);
    expect(data).toContain('B');
    expect(data).not.toContain('\x1b[2J');
  });

  it('within a changed row, writes only the cells that changed, at their column', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    const row = (bar: string): Line[] => [fitLine([{ text: '│ n1 ' }, { text: bar, color: 'cyan' }, { text: ' 2.2s │' }], 20)];
    out.render(row('▰▱▱▱'), undefined);
    out.flush();
    t.writes.length = 0;
    out.render(row('▰▰▱▱'), undefined);
    out.flush();
    const data = t.writes.join('');
    // Only the second cell of the bar, at column 7 (1-based; the cursor was on that row), in
    // the bar's colour.
    expect(data).toMatch(/\x1b\[(1;)?7[HG]\x1b\[36m▰/);
    expect(data).not.toContain('▱');
    expect(data).not.toContain('n1');
    expect(data).not.toContain('2.2s');
  });

  it('a one-cell change costs a few bytes: the move, the colour when it differs, the character', () => {
    const t = fakeTerminal(80, 24);
    const out = createTerminalOutput(t);
    const screen = (n: string): Line[] =>
      Array.from({ length: 24 }, (_, y) =>
        fitLine([{ text: `row ${y} ` }, { text: y === 10 ? n : '0', color: 'gray' }, { text: ' messages', bold: true }], 80),
      );
    out.render(screen('7'), { x: 3, y: 23 });
    out.flush();
    t.writes.length = 0;
    out.render(screen('8'), { x: 3, y: 23 });
    out.flush();
    const data = t.writes.join('');
    // The move to row 11 col 8, the colour (the terminal's pen was left elsewhere), "8", the
    // move back to the prompt: about twenty bytes, where the whole row would be some eighty.
    expect(data.length).toBeLessThanOrEqual(24);
    expect(data).toContain('8');
  });

  it('erases a long stretch of a row that emptied inside its box without writing every space', async () => {
    const t = fakeTerminal(40, 3);
    const out = createTerminalOutput(t);
    const e = emulator(40, 3);
    const box = (inside: string): Line[] => [[{ text: '│' }, ...fitLine([{ text: inside, color: 'cyan' }], 38), { text: '│' }]];
    out.render(box('n5 → n2 ▰▰▱▱ AppendEntries prev 1/t1'), undefined);
    out.flush();
    await e.feed(t.writes.splice(0).join(''));
    out.render(box('nothing'), undefined);
    out.flush();
    const data = t.writes.join('');
    await e.feed(data);
    expect(differences(e.term, box('nothing'), 40, 3)).toEqual([]);
    expect(data).not.toMatch(/ {20}/);
    expect(data.length).toBeLessThan(30);
  });

  it('sends no colour or style at all under NO_COLOR (chalk at level 0), even after coloured frames', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    const styled = (n: string): Line[] => [
      fitLine(
        [
          { text: 'n1 ', bold: true },
          { text: n, color: 'green' },
          { text: ' x', inverse: true, dim: true },
        ],
        20,
      ),
    ];
    out.render(styled('LEADER'), undefined);
    out.flush();
    expect(t.writes.join('')).toMatch(/\x1b\[[\d;]*m/);
    t.writes.length = 0;
    applyNoColor({ NO_COLOR: '1' });
    try {
      out.redraw();
      out.render(styled('FOLLOWER'), undefined);
      out.flush();
      const data = t.writes.join('');
      expect(data).toContain('FOLLOWER');
      // Only the one reset before clearing (the terminal's pen was green): no style after it.
      expect(data.replace('\x1b[m\x1b[2J', '')).not.toMatch(/\x1b\[[\d;]*m/);
    } finally {
      chalk.level = 1;
    }
  });

  it('writes a row with wide characters whole, from its first column', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    const row = (v: string): Line[] => [fitLine([{ text: 'kv 🚀=' }, { text: v }], 20)];
    out.render(row('1'), undefined);
    out.flush();
    t.writes.length = 0;
    out.render(row('2'), undefined);
    out.flush();
    const data = t.writes.join('');
    expect(rowsWritten(data)).toEqual([1]);
    expect(data).toContain('kv 🚀=2');
  });

  it('writes nothing when nothing changed', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    out.render(frame('a', 'b'), { x: 0, y: 1 });
    out.flush();
    t.writes.length = 0;
    out.render(frame('a', 'b'), { x: 0, y: 1 });
    out.flush();
    expect(t.writes).toEqual([]);
  });

  it('clears and writes everything again on resize and on redraw', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    let resized = 0;
    out.inkStream.on('resize', () => resized++);
    out.render(frame('a', 'b'), undefined);
    out.flush();
    t.writes.length = 0;
    t.columns = 30;
    t.emit('resize');
    out.flush();
    expect(resized).toBe(1);
    expect(out.inkStream.columns).toBe(30);
    expect(t.writes.join('')).toContain('\x1b[2J');
    expect(t.writes.join('')).toMatch(/a.*b/s);
    t.writes.length = 0;
    out.redraw();
    out.flush();
    expect(t.writes.join('')).toContain('\x1b[2J');
    expect(t.writes.join('')).toMatch(/a.*b/s);
  });

  it('blanks rows a shorter frame no longer uses', async () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    const e = emulator(20, 6);
    out.render(frame('a', 'bbbbbbbbbbbbbbbbb', 'c'), undefined);
    out.flush();
    out.render(frame('a'), undefined);
    out.flush();
    await e.feed(t.writes.join(''));
    expect(differences(e.term, frame('a'), 20, 6)).toEqual([]);
  });

  it('sends every byte to its listeners too, and nothing after close', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    const copy: string[] = [];
    out.onWrite((d) => copy.push(d));
    out.write('\x1b[?1049h');
    out.render(frame('x'), undefined);
    out.flush();
    expect(copy.join('')).toBe(t.writes.join(''));
    out.close();
    out.render(frame('y'), undefined);
    out.flush();
    expect(t.writes.join('')).not.toContain('y');
  });

  it('leaves the screen exactly as the last frame after many random frames (seeded)', async () => {
    const columns = 30;
    const rows = 8;
    const next = random(20_260_102);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const colours = [undefined, undefined, 'gray', 'green', 'red', 'cyan', 'blueBright', 'white'];
    const texts = ['a', 'ab', ' ', '   ', 'n5 → n2', '▰▰', '▱▱▱', '│', '━━', '✓ 1', '0.3s', '·', 'x', '12', '日本', ' '.repeat(22)];
    const span = (): Span => ({
      text: pick(texts),
      color: pick(colours),
      ...(next() < 0.2 ? { bold: true } : {}),
      ...(next() < 0.1 ? { dim: true } : {}),
      ...(next() < 0.1 ? { inverse: true } : {}),
    });
    const randomLine = (): Line => {
      const line: Line = [];
      const spans = Math.floor(next() * 8);
      for (let i = 0; i < spans; i++) line.push(span());
      // Mostly fitted to the width, as the dashboard does; sometimes short or too long.
      return next() < 0.7 ? fitLine(line, columns) : line;
    };
    let lines: Line[] = Array.from({ length: rows }, randomLine);
    const t = fakeTerminal(columns, rows);
    const out = createTerminalOutput(t);
    const e = emulator(columns, rows);
    for (let f = 0; f < 400; f++) {
      // Each frame changes a few cells of a few rows, or many, or none.
      const changes = pick([0, 1, 1, 2, 3, rows]);
      lines = lines.map((l) => l.slice());
      for (let c = 0; c < changes; c++) {
        const y = Math.floor(next() * (rows + 1));
        if (y >= rows) lines = lines.slice(0, Math.floor(next() * rows));
        else if (next() < 0.5 || !lines[y]) lines[y] = randomLine();
        else {
          const l = lines[y]!.slice();
          const i = Math.floor(next() * (l.length + 1));
          l.splice(i, next() < 0.5 ? 1 : 0, span());
          lines[y] = next() < 0.5 ? fitLine(l, columns) : l;
        }
      }
      const cursor = next() < 0.8 ? { x: Math.floor(next() * columns), y: rows - 1 } : undefined;
      out.render(lines, cursor);
      out.flush();
      await e.feed(t.writes.splice(0).join(''));
      const wrong = differences(e.term, lines, columns, rows);
      if (wrong.length > 0) throw new Error(`frame ${f}: ${wrong.slice(0, 5).join('; ')}`);
      const b = e.term.buffer.active;
      if (cursor) expect([b.cursorX, b.cursorY], `frame ${f}: cursor`).toEqual([cursor.x, cursor.y]);
    }
  });
});
