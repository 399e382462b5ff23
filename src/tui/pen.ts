/**
 * The terminal's pen: the style (colour, bold, dim, inverse) the next character is drawn with.
 * Each span's style is turned into a Pen through chalk, so colour names, NO_COLOR and the
 * colour level mean exactly what they mean to Ink. Going from one pen to the next costs one
 * short SGR sequence holding only what differs, instead of closing and reopening every style.
 */
import chalk from 'chalk';
import type { Span } from './spans.js';

/** A style as SGR parameters. Pens are interned: equal styles are the same object. */
export interface Pen {
  /** The foreground's SGR parameters ('' for the terminal's default colour). */
  readonly fg: string;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly inverse: boolean;
  /** Its parameters from a reset pen, e.g. '1;36'. */
  readonly params: string;
}

const ESC = '\x1b';
/** SGR 0: back to the terminal's default style. */
export const RESET_PEN = `${ESC}[m`;

/** The SGR parameters chalk opens `styler` with ('' when chalk draws it plain, e.g. NO_COLOR). */
function openParams(styler: ((text: string) => string) | undefined): string {
  if (!styler) return '';
  const out = styler('x');
  const m = /^\x1b\[([\d;]+)m/.exec(out);
  return m ? (m[1] ?? '') : '';
}

const pens = new Map<string, Pen>();
let pensLevel = chalk.level;

function intern(fg: string, bold: boolean, dim: boolean, inverse: boolean): Pen {
  const key = `${fg}|${bold ? 1 : 0}${dim ? 1 : 0}${inverse ? 1 : 0}`;
  let pen = pens.get(key);
  if (!pen) {
    const params = [bold ? '1' : '', dim ? '2' : '', inverse ? '7' : '', fg].filter(Boolean).join(';');
    pen = { fg, bold, dim, inverse, params };
    pens.set(key, pen);
  }
  return pen;
}

/** The pen of the terminal's default style. */
export function plainPen(): Pen {
  return intern('', false, false, false);
}

const spanPens = new Map<string, Pen>();

/** The pen a span is drawn with, as chalk (and so Ink) would style it now. */
export function penOf(span: Span): Pen {
  if (chalk.level !== pensLevel) {
    // NO_COLOR or a colour level set after the first frame: styles mean something else now.
    spanPens.clear();
    pensLevel = chalk.level;
  }
  const key = `${span.color ?? ''}|${span.bold ? 1 : 0}${span.dim ? 1 : 0}${span.inverse ? 1 : 0}`;
  let pen = spanPens.get(key);
  if (!pen) {
    const named = span.color ? (chalk as unknown as Record<string, ((t: string) => string) | undefined>)[span.color] : undefined;
    pen = intern(
      openParams(named),
      span.bold === true && openParams(chalk.bold) !== '',
      span.dim === true && openParams(chalk.dim) !== '',
      span.inverse === true && openParams(chalk.inverse) !== '',
    );
    spanPens.set(key, pen);
  }
  return pen;
}

/**
 * The SGR sequence that turns pen `from` into pen `to` ('' when they are the same): only the
 * parameters that differ, or a reset and the new style when that is shorter. `from` undefined:
 * the terminal's pen is not known, so the sequence starts with a reset.
 */
export function penChange(from: Pen | undefined, to: Pen): string {
  if (from === to) return '';
  const fromScratch = to.params === '' ? RESET_PEN : `${ESC}[0;${to.params}m`;
  if (from === undefined) return fromScratch;
  const p: string[] = [];
  // Bold and dim are both turned off by 22; whichever should stay on is turned on again.
  if ((from.bold && !to.bold) || (from.dim && !to.dim)) {
    p.push('22');
    if (to.bold) p.push('1');
    if (to.dim) p.push('2');
  } else {
    if (to.bold && !from.bold) p.push('1');
    if (to.dim && !from.dim) p.push('2');
  }
  if (to.inverse !== from.inverse) p.push(to.inverse ? '7' : '27');
  if (to.fg !== from.fg) p.push(to.fg === '' ? '39' : to.fg);
  const step = `${ESC}[${p.join(';')}m`;
  return step.length <= fromScratch.length ? step : fromScratch;
}
