/**
 * The event pane as lines: a divider naming the keys that matter now, then the history — the
 * newest lines, or an older stretch when scrolled back, only lines with the filter text when
 * one is set. A long sentence wraps onto the next row instead of being cut off.
 */
import type { EventLine } from './event-log.js';
import { fitLine, lineWidth, splitGraphemes, textWidth, type Line, type Span } from './spans.js';
import { TONE_COLOR } from './theme.js';

export interface PaneView {
  /** Rows scrolled back from the newest (0: following the newest). */
  scroll: number;
  /** Only lines containing this text (any case); null: all. */
  filter: string | null;
  paused: boolean;
}

/** The keys on the divider, most important first: they drop out from the end when narrow. */
function keyBar(paused: boolean): { key: string; what: string }[] {
  return [
    { key: 'F1', what: 'help' },
    { key: 'F4', what: paused ? 'resume' : 'pause' },
    { key: 'F5', what: 'step' },
    { key: 'Tab', what: 'select' },
    { key: 'F2', what: 'crash/restart' },
    { key: 'F6', what: 'log grid' },
    { key: 'PgUp', what: 'scroll' },
    { key: 'F3', what: 'isolate' },
  ];
}

/** The divider above the events: the pane's state on the left, keys on the right. */
export function eventDivider(width: number, state: { paused: boolean; status?: string } = { paused: false }): Line {
  const left: Line = [
    { text: '── ', color: 'gray' },
    { text: 'events', bold: true },
    { text: ' ', color: 'gray' },
  ];
  if (state.status) left.push({ text: `${state.status} `, color: 'yellow', bold: true });
  const leftWidth = lineWidth(left);
  const room = width - leftWidth - 4;
  const all = keyBar(state.paused);
  const keys: Line = [];
  let used = 0;
  const picked = new Set<number>();
  // Keep the most important keys that fit, then show them in the table's order.
  all.forEach((k, i) => {
    const w = textWidth(` ${k.key} ${k.what} `);
    if (used + w <= room) {
      picked.add(i);
      used += w;
    }
  });
  all.forEach((k, i) => {
    if (!picked.has(i)) return;
    keys.push({ text: ` ${k.key}`, bold: true }, { text: ` ${k.what} `, color: 'gray' });
  });
  keys.push({ text: '──', color: 'gray' });
  const fill = Math.max(0, width - leftWidth - lineWidth(keys));
  return fitLine([...left, { text: '─'.repeat(fill), color: 'gray' }, ...keys], width);
}

/** "01:05" since `origin`. */
export function clock(at: number, origin: number): string {
  const s = Math.max(0, Math.floor((at - origin) / 1000));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The lines the filter lets through. */
export function filterEvents(events: readonly EventLine[], filter: string | null): readonly EventLine[] {
  if (!filter) return events;
  const f = filter.toLowerCase();
  return events.filter((e) => e.text.toLowerCase().includes(f));
}

/** One event as screen rows: the time, the sentence, continued on indented rows when long. */
export function eventRows(e: EventLine, origin: number, width: number): Line[] {
  const time: Span = { text: `${clock(e.at, origin)} `, color: 'gray' };
  const style = { color: TONE_COLOR[e.tone], bold: e.tone === 'bad' || e.tone === 'command' };
  const indent = textWidth(time.text);
  const room = Math.max(8, width - indent);
  const parts = wrap(e.text, room);
  return parts.map((text, i) => fitLine([i === 0 ? time : { text: ' '.repeat(indent) }, { text, ...style }], width));
}

/** Splits text into pieces at most `width` cells wide, at spaces when it can. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (textWidth(rest) > width) {
    const chars = splitGraphemes(rest);
    let w = 0;
    let cut = 0;
    while (cut < chars.length && w + textWidth(chars[cut] as string) <= width) w += textWidth(chars[cut++] as string);
    const head = chars.slice(0, cut).join('');
    const space = head.lastIndexOf(' ');
    const at = space > width / 3 ? space : head.length;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^ /, '');
  }
  out.push(rest);
  return out;
}

export interface EventWindow {
  lines: Line[];
  /** Rows above the window (how far it can scroll back). */
  scrollMax: number;
  /** How many history lines pass the filter. */
  matching: number;
}

/** `n` rows of the history: the newest, or `view.scroll` rows back; padded at the top. */
export function eventWindow(events: readonly EventLine[], origin: number, n: number, width: number, view: PaneView): EventWindow {
  const shown = filterEvents(events, view.filter);
  if (n <= 0) return { lines: [], scrollMax: 0, matching: shown.length };
  // Rows from the newest back: only as many lines as can be on screen are laid out.
  const rows: Line[] = [];
  // Parallel to rows: true for the second and later rows of a wrapped sentence.
  const continued: boolean[] = [];
  const need = n + view.scroll;
  let i = shown.length - 1;
  for (; i >= 0 && rows.length < need; i--) {
    const own = eventRows(shown[i] as EventLine, origin, width);
    rows.unshift(...own);
    continued.unshift(...own.map((_, k) => k > 0));
  }
  const reachedTop = i < 0;
  const total = rows.length;
  const scroll = Math.min(view.scroll, Math.max(0, total - n));
  const end = total - scroll;
  const start = Math.max(0, end - n);
  const lines = rows.slice(start, end);
  // The tail of a sentence whose head is above the window reads as a sentence of its own
  // (and has no time): leave those rows blank instead.
  for (let k = 0; k < lines.length && continued[start + k]; k++) lines[k] = fitLine([], width);
  if (shown.length === 0) {
    const what = view.filter ? `no event line contains "${view.filter}" (a lone / shows all)` : 'nothing has happened yet';
    lines.push(fitLine([{ text: what, color: 'gray' }], width));
  }
  while (lines.length < n) lines.unshift(fitLine([], width));
  // Older lines not laid out yet: one can scroll further than this.
  const scrollMax = reachedTop ? Math.max(0, total - n) : view.scroll + n;
  return { lines: lines.slice(-n), scrollMax, matching: shown.length };
}

/** The newest `n` rows (the pane following the newest line, no filter). */
export function eventLines(events: readonly EventLine[], origin: number, n: number, width: number): Line[] {
  return eventWindow(events, origin, n, width, { scroll: 0, filter: null, paused: false }).lines;
}
