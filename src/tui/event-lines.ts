/**
 * The event pane as lines: a divider naming the most useful keys, then the newest sentences,
 * each with its time since the dashboard started.
 */
import type { EventLine } from './event-log.js';
import { fitLine, lineWidth, spread, type Line } from './spans.js';
import { TONE_COLOR } from './theme.js';

/** The divider above the events, with the keys a newcomer needs. */
export function eventDivider(width: number): Line {
  const left: Line = [
    { text: '── ', color: 'gray' },
    { text: 'events', bold: true },
    { text: ' ', color: 'gray' },
  ];
  const keys: Line = [
    { text: ' Tab', bold: true },
    { text: ' select  ', color: 'gray' },
    { text: 'F2', bold: true },
    { text: ' crash/restart  ', color: 'gray' },
    { text: 'F3', bold: true },
    { text: ' isolate/rejoin  ', color: 'gray' },
    { text: 'F1', bold: true },
    { text: ' help ', color: 'gray' },
    { text: '──', color: 'gray' },
  ];
  const fill = (w: number): Line => [{ text: '─'.repeat(Math.max(0, w)), color: 'gray' }];
  const keysWidth = lineWidth(keys);
  const leftWidth = lineWidth(left);
  if (leftWidth + keysWidth + 2 > width) return fitLine([...left, ...fill(width)], width);
  return spread([...left, ...fill(width - leftWidth - keysWidth)], keys, width);
}

/** "01:05" since `origin`. */
export function clock(at: number, origin: number): string {
  const s = Math.max(0, Math.floor((at - origin) / 1000));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The newest `n` lines, padded at the top when there are fewer. */
export function eventLines(events: readonly EventLine[], origin: number, n: number, width: number): Line[] {
  if (n <= 0) return [];
  const shown = events.slice(-n);
  const lines: Line[] = [];
  if (events.length === 0) lines.push(fitLine([{ text: 'nothing has happened yet', color: 'gray' }], width));
  while (lines.length + shown.length < n) lines.push(fitLine([], width));
  for (const e of shown) {
    const line: Line = [
      { text: `${clock(e.at, origin)} `, color: 'gray' },
      { text: e.text, color: TONE_COLOR[e.tone], bold: e.tone === 'bad' || e.tone === 'command' },
    ];
    if (e.repeat > 1) line.push({ text: ` ×${e.repeat}`, color: 'gray' });
    lines.push(fitLine(line, width));
  }
  return lines.slice(-n);
}
