/**
 * Renders one screen of an asciicast v2 recording as an SVG picture: the cast's output is played
 * into a headless xterm (the terminal emulator, so the picture is what a terminal would show),
 * up to the first output event after which the screen shows `before` (not included) or to the end, and the
 * screen's cells become SVG text, coloured as the terminal coloured them.
 */
import xterm from '@xterm/headless';

/** The 16 ANSI colours, a dark theme (the 256-colour cube and greys are computed). */
const ANSI = [
  '#1e1e1e',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#e5e5e5',
  '#767676',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];
const BACKGROUND = '#1e1e1e';
const FOREGROUND = '#d4d4d4';
const CELL_W = 8.4;
const CELL_H = 17;

function palette(n: number): string {
  if (n < 16) return ANSI[n] ?? FOREGROUND;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return rgb(v, v, v);
  }
  const i = n - 16;
  const step = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
  return rgb(step(Math.floor(i / 36)), step(Math.floor(i / 6) % 6), step(i % 6));
}

function rgb(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Style {
  fg: string;
  bg: string | null;
  bold: boolean;
}

function styleOf(cell: xterm.IBufferCell): Style {
  const color = (mode: 'fg' | 'bg'): string | null => {
    const isDefault = mode === 'fg' ? cell.isFgDefault() : cell.isBgDefault();
    if (isDefault) return null;
    const value = mode === 'fg' ? cell.getFgColor() : cell.getBgColor();
    const isRgb = mode === 'fg' ? cell.isFgRGB() : cell.isBgRGB();
    return isRgb ? rgb((value >> 16) & 255, (value >> 8) & 255, value & 255) : palette(value);
  };
  let fg = color('fg') ?? FOREGROUND;
  let bg = color('bg');
  if (cell.isInverse()) [fg, bg] = [bg ?? BACKGROUND, fg];
  return { fg, bg, bold: cell.isBold() !== 0 };
}

/** The screen's text, row after row. */
function screenText(term: xterm.Terminal, rows: number): string {
  const b = term.buffer.active;
  return Array.from({ length: rows }, (_, y) => b.getLine(b.viewportY + y)?.translateToString(true) ?? '').join('\n');
}

/** Plays the cast into a terminal of its size and returns that screen as an SVG document. */
export async function castToSvg(castText: string, options: { before?: string; title?: string } = {}): Promise<string> {
  const lines = castText.split('\n').filter((l) => l.trim() !== '');
  const header = JSON.parse(lines[0] ?? '{}') as { width: number; height: number; title?: string };
  const term = new xterm.Terminal({ cols: header.width, rows: header.height, allowProposedApi: true });
  // One step ahead: a frame writes only the cells that changed, so `before` is looked for on
  // the screen that event leads to, not in its bytes.
  const ahead = options.before ? new xterm.Terminal({ cols: header.width, rows: header.height, allowProposedApi: true }) : undefined;
  const play = (t: xterm.Terminal, data: string) => new Promise<void>((resolve) => t.write(data, resolve));
  for (const line of lines.slice(1)) {
    const [, code, data] = JSON.parse(line) as [number, string, string];
    if (code !== 'o') continue;
    if (ahead && options.before) {
      await play(ahead, data);
      if (screenText(ahead, header.height).includes(options.before)) break;
    }
    await play(term, data);
  }
  ahead?.dispose();
  const buffer = term.buffer.active;
  const width = Math.ceil(header.width * CELL_W) + 24;
  const height = header.height * CELL_H + 24;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(options.title ?? header.title ?? 'raft-tui')}</title>`,
    `<rect width="100%" height="100%" rx="6" fill="${BACKGROUND}"/>`,
    `<g font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`,
  ];
  for (let y = 0; y < header.height; y++) {
    const row = buffer.getLine(buffer.viewportY + y);
    if (!row) continue;
    let x = 0;
    while (x < header.width) {
      const cell = row.getCell(x);
      if (!cell) break;
      const style = styleOf(cell);
      let text = '';
      let cells = 0;
      // One run of cells with the same style becomes one text element.
      while (x + cells < header.width) {
        const c = row.getCell(x + cells);
        if (!c) break;
        const s = styleOf(c);
        if (s.fg !== style.fg || s.bg !== style.bg || s.bold !== style.bold) break;
        text += c.getWidth() === 0 ? '' : c.getChars() || ' ';
        cells++;
      }
      const px = (12 + x * CELL_W).toFixed(1);
      const py = 12 + y * CELL_H;
      if (style.bg) out.push(`<rect x="${px}" y="${py}" width="${(cells * CELL_W).toFixed(1)}" height="${CELL_H}" fill="${style.bg}"/>`);
      if (text.trim() !== '') {
        const weight = style.bold ? ' font-weight="bold"' : '';
        out.push(
          `<text x="${px}" y="${py + 13}" fill="${style.fg}"${weight} textLength="${(cells * CELL_W).toFixed(1)}">${escapeXml(text)}</text>`,
        );
      }
      x += cells;
    }
  }
  out.push('</g>', '</svg>', '');
  term.dispose();
  return out.join('\n');
}
