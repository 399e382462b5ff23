import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Line } from '../../src/tui/spans.js';
import { fitLine } from '../../src/tui/spans.js';
import { createTerminalOutput } from '../../src/tui/terminal-output.js';

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
/** The rows a write moved the cursor to and wrote (1-based). */
const rowsWritten = (data: string): number[] => [...data.matchAll(/\x1b\[(\d+);1H/g)].map((m) => Number(m[1]));

describe('terminal output', () => {
  it('writes the first frame in full after clearing the screen', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    out.render(frame('a', 'b', 'c'), { x: 2, y: 2 });
    out.flush();
    const data = t.writes.join('');
    expect(data).toContain('\x1b[2J');
    expect(rowsWritten(data)).toEqual([1, 2, 3]);
    expect(data).toMatch(/\x1b\[3;3H\x1b\[\?25h/);
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

  it('within a changed row, writes only the part that changed, at its column', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    const row = (bar: string): Line[] => [fitLine([{ text: '│ n1 ' }, { text: bar, color: 'cyan' }, { text: ' 2.2s │' }], 20)];
    out.render(row('▰▱▱▱'), undefined);
    out.flush();
    t.writes.length = 0;
    out.render(row('▰▰▱▱'), undefined);
    out.flush();
    const data = t.writes.join('');
    // Only the bar, from column 6 (1-based), and nothing of the text around it.
    expect(data).toContain('\x1b[1;6H');
    expect(data).toContain('▰▰▱▱');
    expect(data).not.toContain('n1');
    expect(data).not.toContain('2.2s');
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
    expect(rowsWritten(t.writes.join(''))).toEqual([1, 2]);
    t.writes.length = 0;
    out.redraw();
    out.flush();
    expect(rowsWritten(t.writes.join(''))).toEqual([1, 2]);
  });

  it('blanks rows a shorter frame no longer uses', () => {
    const t = fakeTerminal();
    const out = createTerminalOutput(t);
    out.render(frame('a', 'b', 'c'), undefined);
    out.flush();
    t.writes.length = 0;
    out.render(frame('a'), undefined);
    out.flush();
    expect(t.writes.join('')).toMatch(/\x1b\[2;1H\x1b\[2K.*\x1b\[3;1H\x1b\[2K/);
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
});
