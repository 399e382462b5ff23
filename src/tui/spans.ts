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

/** Terminal cells one code point takes: 0 for combining marks, 2 for wide (CJK, emoji), else 1. */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp >= 0x300 && cp <= 0x36f) return 0;
  if (cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Terminal cells a string takes. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Replaces control characters (they would move the cursor) with a visible placeholder. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Cuts `text` to at most `width` cells, ending in "…" when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0) ?? 0);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
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
    out.push({ ...s, text: truncate(s.text + '…', room) });
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
