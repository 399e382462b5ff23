/**
 * The messages on the wire: every message sent and not yet delivered, one a line —
 * "n1 → n3 AppendEntries prev 6/t2 entries 7-9 commit 6" with a bar for how far along it is.
 * A message just lost shows as lost for a moment. While paused, the one `step` delivers next is
 * marked. When they do not all fit, the lines become counts per link.
 */
import type { MessageView } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { fitLine, lineWidth, printable, textWidth, type Line } from './spans.js';

/** A message that was lost on the way, kept on screen for a moment. */
export interface LostMessage {
  message: MessageView;
  /** When it was lost (the cluster's clock). */
  at: number;
}

export interface InFlightInput {
  messages: readonly MessageView[];
  lost?: readonly LostMessage[];
  /** The cluster's clock when the snapshot was taken. */
  now: number;
  paused: boolean;
  width: number;
  /** Lines available, the title included. */
  height: number;
}

/** The message `step` delivers next: the one due first (ties: sent first). */
export function nextDue(messages: readonly MessageView[]): MessageView | undefined {
  let best: MessageView | undefined;
  for (const m of messages) if (!best || m.deliverAt < best.deliverAt || (m.deliverAt === best.deliverAt && m.id < best.id)) best = m;
  return best;
}

/** Messages ordered by when they arrive: the next to be delivered first. */
export function byDue(messages: readonly MessageView[]): MessageView[] {
  return [...messages].sort((a, b) => a.deliverAt - b.deliverAt || a.id - b.id);
}

/** How far along a message is, 0..1. */
export function progressOf(m: MessageView, now: number): number {
  const span = m.deliverAt - m.sentAt;
  if (span <= 0) return 1;
  return Math.max(0, Math.min(1, (now - m.sentAt) / span));
}

const BAR = 4;

function bar(p: number): string {
  const filled = Math.round(p * BAR);
  return `${'▰'.repeat(filled)}${'▱'.repeat(BAR - filled)}`;
}

/** "n1 → n3". */
function link(from: NodeId, to: NodeId): string {
  return `n${from} → n${to}`;
}

/** The title line: how many are in flight, and what the marks mean. */
export function inFlightTitle(count: number, paused: boolean, lost: number): Line {
  const line: Line = [{ text: count === 0 ? 'in flight: none' : `${count} in flight`, bold: true }];
  if (lost > 0) line.push({ text: ` · ${lost} lost`, color: 'red' });
  if (paused && count > 0) line.push({ text: ' · ▶ = next step', color: 'yellow' });
  return line;
}

/** The body lines (no title): one per message, or per link when they do not fit. */
export function inFlightBody(input: InFlightInput, rows: number): Line[] {
  const { messages, now, paused, width } = input;
  const lost = (input.lost ?? []).filter((l) => !messages.some((m) => m.id === l.message.id));
  if (rows <= 0) return [];
  if (messages.length === 0 && lost.length === 0) return [fitLine([{ text: 'nothing on the wire', color: 'gray' }], width)];
  const next = paused ? nextDue(messages) : undefined;
  if (messages.length + lost.length <= rows) {
    const lost1 = lost.map((l) => lostLine(l.message, width));
    const sorted = byDue(messages);
    // Whole summaries when they fit (a long one continues on the next row), else cut ones.
    const wrapped = sorted.map((m) => messageRows(m, now, m === next, width));
    if (lost1.length + wrapped.reduce((a, r) => a + r.length, 0) <= rows) return [...lost1, ...wrapped.flat()];
    return [...lost1, ...sorted.map((m) => messageRows(m, now, m === next, width)[0] as Line)];
  }
  // Too many to list: the next one (when paused), then counts per link, busiest first.
  const lines: Line[] = [];
  if (next) lines.push(messageRows(next, now, true, width)[0] as Line);
  const links = new Map<string, { from: NodeId; to: NodeId; count: number; types: Map<string, number> }>();
  for (const m of messages) {
    const key = `${m.from}>${m.to}`;
    const entry = links.get(key) ?? { from: m.from, to: m.to, count: 0, types: new Map<string, number>() };
    entry.count++;
    entry.types.set(m.type, (entry.types.get(m.type) ?? 0) + 1);
    links.set(key, entry);
  }
  const sorted = [...links.values()].sort((a, b) => b.count - a.count || a.from - b.from || a.to - b.to);
  const room = rows - lines.length - (lost.length > 0 ? 1 : 0);
  const shown = sorted.length > room ? sorted.slice(0, Math.max(0, room - 1)) : sorted;
  for (const l of shown) {
    const types = [...l.types.entries()].map(([t, n]) => (n > 1 ? `${t} ×${n}` : t)).join(', ');
    lines.push(fitLine([{ text: link(l.from, l.to), bold: true }, { text: ` ${l.count} ` }, { text: types, color: 'gray' }], width));
  }
  if (shown.length < sorted.length) {
    const rest = sorted.slice(shown.length).reduce((a, l) => a + l.count, 0);
    const linksLeft = sorted.length - shown.length;
    lines.push(fitLine([{ text: `+${rest} more on ${linksLeft} other ${linksLeft === 1 ? 'link' : 'links'}`, color: 'gray' }], width));
  }
  if (lost.length > 0) lines.push(fitLine([{ text: `✗ ${lost.length} lost just now`, color: 'red', bold: true }], width));
  return lines.slice(0, rows);
}

/** A message as one row, or two when its summary does not fit beside the link and the bar. */
function messageRows(m: MessageView, now: number, next: boolean, width: number): Line[] {
  const p = progressOf(m, now);
  const head: Line = [
    { text: next ? '▶ ' : '', color: 'yellow', bold: true },
    { text: link(m.from, m.to), bold: true, inverse: next },
    { text: ' ' },
    { text: bar(p), color: next ? 'yellow' : 'cyan' },
    { text: ' ' },
  ];
  const room = width - lineWidth(head);
  const summary = printable(m.summary);
  if (textWidth(summary) <= room) return [fitLine([...head, { text: summary, inverse: next }], width)];
  // Break at the last space that fits; the rest goes on a row of its own, indented.
  const words = summary.split(' ');
  let first = '';
  while (words.length > 0 && textWidth(`${first}${first ? ' ' : ''}${words[0]}`) <= room)
    first = `${first}${first ? ' ' : ''}${words.shift()}`;
  if (!first) return [fitLine([...head, { text: summary, inverse: next }], width)];
  return [
    fitLine([...head, { text: first, inverse: next }], width),
    fitLine([{ text: '    ' }, { text: words.join(' '), color: 'gray' }], width),
  ];
}

function lostLine(m: MessageView, width: number): Line {
  return fitLine(
    [
      { text: '✗ ', color: 'red', bold: true },
      { text: link(m.from, m.to), color: 'red', bold: true },
      { text: ' LOST ', color: 'red', bold: true },
      { text: m.summary, color: 'gray' },
    ],
    width,
  );
}

/** Title and body in exactly `height` lines of `width` cells. */
export function inFlightLines(input: InFlightInput): Line[] {
  const lostCount = (input.lost ?? []).length;
  const lines = [fitLine(inFlightTitle(input.messages.length, input.paused, lostCount), input.width)];
  lines.push(...inFlightBody(input, input.height - 1));
  while (lines.length < input.height) lines.push(fitLine([], input.width));
  return lines.slice(0, input.height);
}
