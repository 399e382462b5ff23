import stringWidth from 'string-width';

/**
 * Styled text measured in terminal cells: a line is a list of spans, and every panel line is
 * fitted to an exact width here so Ink never has to wrap (wrapping would break the layout).
 */

/** One run of text with one style. Colour names are chalk's (Ink passes them through). */
export interface Span {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

/** One screen line. */
export type Line = Span[];

/**
 * Terminal cells a string takes, measured by `string-width` — what Ink itself measures with, so
 * an emoji, a CJK character or a combining accent never shifts a border Ink draws.
 */
export function textWidth(text: string): number {
  // Printable ASCII is one cell a character (string-width says the same, far slower): every
  // frame measures thousands of such strings.
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let w = widths.get(text);
  if (w === undefined) {
    if (widths.size >= WIDTH_CACHE_SIZE) widths.clear();
    w = stringWidth(text);
    widths.set(text, w);
  }
  return w;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Widths of other strings already measured (borders, bars, marks repeat in every frame). */
const widths = new Map<string, number>();
const WIDTH_CACHE_SIZE = 4096;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The user-perceived characters of `text` (a family emoji or an accented letter is one). */
export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (g) => g.segment);
}

/** Replaces control characters (they would move the cursor) with a visible placeholder. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Cuts `text` to at most `width` cells, ending in "…" when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of splitGraphemes(text)) {
    const cw = textWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Width of a whole line. */
export function lineWidth(line: Line): number {
  return line.reduce((w, s) => w + textWidth(s.text), 0);
}

/**
 * Fits a line to exactly `width` cells: cut with "…" when too long, padded with spaces when
 * short. Empty spans are dropped.
 */
export function fitLine(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  const total = lineWidth(line);
  if (total <= width) {
    for (const s of line) if (s.text) out.push(s);
    if (total < width) out.push({ text: ' '.repeat(width - total) });
    return out;
  }
  for (const s of line) {
    const w = textWidth(s.text);
    if (used + w <= width - 1) {
      out.push(s);
      used += w;
      continue;
    }
    const room = width - used;
    // truncate() keeps room - 1 cells and adds the ellipsis.
    out.push({ ...s, text: truncate(`${s.text}…`, room) });
    used = width;
    break;
  }
  const w = lineWidth(out);
  if (w < width) out.push({ text: ' '.repeat(width - w) });
  return out;
}

/** Right-aligns `right` against `left` within `width` cells (left is cut first when crowded). */
export function spread(left: Line, right: Line, width: number): Line {
  const rw = lineWidth(right);
  if (rw >= width) return fitLine(right, width);
  const l = fitLine(left, width - rw);
  return [...l, ...right];
}

/** Plain text of a line (tests and NO_COLOR reasoning). */
export function plain(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Splits text into lines of at most `width` cells at spaces (a word wider than that stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && textWidth(line) + 1 + textWidth(word) > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}
