/**
 * The messages on the wire: every message sent and not yet delivered, one a line —
 * "n1 → n3 AppendEntries prev 6/t2 entries 7-9 commit 6" with a bar for how far along it is.
 * A message just lost shows as lost for a moment. While paused, the one `step` delivers next is
 * marked. When they do not all fit, the lines become counts per link.
 */
import type { MessageView } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { fitLine, lineWidth, plain, printable, textWidth, type Line } from './spans.js';

/** A message that was lost on the way, kept on screen for a moment. */
export interface LostMessage {
  message: MessageView;
  /** When it was lost (the cluster's clock). */
  at: number;
  /** Why, in words ("lost by the network"), when known. */
  reason?: string;
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

/**
 * The message `step` delivers next: the cluster lists messages in the order they will arrive
 * (in order per link, so not always by due time), the next first.
 */
export function nextDue(messages: readonly MessageView[]): MessageView | undefined {
  return messages.find((m) => !m.lost);
}

/** What the cluster's in-flight list holds: the messages on the wire, and those just lost. */
export function splitInFlight(list: readonly MessageView[]): { messages: MessageView[]; lost: LostMessage[] } {
  const messages: MessageView[] = [];
  const lost: LostMessage[] = [];
  for (const m of list) {
    if (m.lost) lost.push({ message: m, at: m.lost.at, reason: m.lost.reason });
    else messages.push(m);
  }
  return { messages, lost };
}

/** How far along a message is, 0..1. */
export function progressOf(m: MessageView, now: number): number {
  const span = m.deliverAt - m.sentAt;
  if (span <= 0) return 1;
  return Math.max(0, Math.min(1, (now - m.sentAt) / span));
}

const BAR = 4;

/** Shorter message names for narrow cells (the help lists them). */
export const SHORT_TYPE: Record<string, string> = {
  AppendEntriesResponse: 'AppendResp',
  AppendEntries: 'Append',
  RequestVoteResponse: 'VoteResp',
  RequestVote: 'VoteReq',
  PreVoteResponse: 'PreVoteResp',
  InstallSnapshotResponse: 'SnapResp',
  InstallSnapshot: 'Snapshot',
};

/** The summary with its message name shortened. */
export function shortSummary(summary: string): string {
  const space = summary.indexOf(' ');
  const type = space < 0 ? summary : summary.slice(0, space);
  const short = SHORT_TYPE[type];
  return short ? `${short}${summary.slice(type.length)}` : summary;
}

function bar(p: number): string {
  const filled = Math.round(p * BAR);
  return `${'▰'.repeat(filled)}${'▱'.repeat(BAR - filled)}`;
}

/** "n1 → n3". */
function link(from: NodeId, to: NodeId): string {
  return `n${from} → n${to}`;
}

/**
 * The title line: how many are in flight, and what the marks mean. Within `width` cells, the
 * marks take their short forms ("✗ 34", "▶ next") before anything is cut.
 */
export function inFlightTitle(count: number, paused: boolean, lost: number, width = Number.POSITIVE_INFINITY): Line {
  const title = (short: boolean): Line => {
    const line: Line = [{ text: count === 0 ? 'in flight: none' : `${count} in flight`, bold: true }];
    if (lost > 0) line.push({ text: short ? ` · ✗ ${lost}` : ` · ${lost} lost`, color: 'red' });
    if (paused && count > 0) line.push({ text: short ? ' · ▶ next' : ' · ▶ steps next', color: 'yellow' });
    return line;
  };
  const long = title(false);
  return lineWidth(long) <= width ? long : title(true);
}

/** The body lines (no title): one per message, or per link when they do not fit. */
export function inFlightBody(input: InFlightInput, rows: number): Line[] {
  const { messages, now, paused, width } = input;
  const lost = (input.lost ?? []).filter((l) => !messages.some((m) => m.id === l.message.id));
  if (rows <= 0) return [];
  if (messages.length === 0 && lost.length === 0) return [fitLine([{ text: 'nothing on the wire', color: 'gray' }], width)];
  const next = paused ? nextDue(messages) : undefined;
  if (messages.length + lost.length <= rows) {
    const lost1 = lost.map((l) => lostLine(l, width));
    const sorted = messages;
    // Whole summaries when they fit (a long one continues on the next row), else cut ones.
    const wrapped = sorted.map((m) => messageRows(m, now, m === next, paused, width));
    if (lost1.length + wrapped.reduce((a, r) => a + r.length, 0) <= rows) return [...lost1, ...wrapped.flat()];
    // One row each, when short names still say what each message is.
    const single = sorted.map((m) => messageRows(m, now, m === next, paused, width, true)[0] as Line);
    const nameShown = (l: Line, m: MessageView): boolean => {
      const name = shortSummary(printable(m.summary)).split(' ')[0] ?? '';
      const text = plain(l).trimEnd();
      return text.endsWith(name) || text.includes(`${name} `);
    };
    if (single.every((l, i) => nameShown(l, sorted[i]!))) return [...lost1, ...single];
    // A narrow cell: as many whole messages as fit (the next one first), then who else is on the wire.
    return [...lost1, ...readableFirst(sorted, wrapped, rows - lost1.length, width)];
  }
  // Too many to list: the next one (when paused), then counts per link, busiest first.
  const lines: Line[] = [];
  if (next) lines.push(messageRows(next, now, true, paused, width)[0] as Line);
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
    const head = `${link(l.from, l.to)} ${l.count} `;
    const named = (name: (t: string) => string): string =>
      [...l.types.entries()].map(([t, n]) => (n > 1 ? `${name(t)} ×${n}` : name(t))).join(', ');
    // A narrow cell gets the short names rather than cut ones.
    let types = named((t) => t);
    if (textWidth(head) + textWidth(types) > width) types = named((t) => SHORT_TYPE[t] ?? t);
    lines.push(fitLine([{ text: link(l.from, l.to), bold: true }, { text: ` ${l.count} ` }, { text: types, color: 'gray' }], width));
  }
  if (shown.length < sorted.length) {
    const rest = sorted.slice(shown.length).reduce((a, l) => a + l.count, 0);
    const linksLeft = sorted.length - shown.length;
    const links = linksLeft === 1 ? 'link' : 'links';
    // A narrow cell gets the short form rather than a cut one.
    const long = `+${rest} more on ${linksLeft} other ${links}`;
    const text = textWidth(long) <= width ? long : `+${rest} more, ${linksLeft} ${links}`;
    lines.push(fitLine([{ text, color: 'gray' }], width));
  }
  if (lost.length > 0) lines.push(fitLine([{ text: `✗ ${lost.length} lost just now`, color: 'red', bold: true }], width));
  return lines.slice(0, rows);
}

/** Whole messages (their wrapped rows) while they fit, then one line naming the links of the rest. */
function readableFirst(messages: readonly MessageView[], wrapped: readonly Line[][], rows: number, width: number): Line[] {
  const out: Line[] = [];
  let shown = 0;
  while (shown < messages.length && out.length + wrapped[shown]!.length + 1 <= rows) out.push(...wrapped[shown++]!);
  if (shown === messages.length) return out;
  const rest = messages.slice(shown).map((m) => `n${m.from}→n${m.to}`);
  out.push(fitLine([{ text: `+${rest.length} more: `, color: 'gray' }, { text: rest.join(' ') }], width));
  return out;
}

/**
 * A message as one row, or two when its summary does not fit beside the link and the bar.
 * While paused, its id leads: what `step <id>` and `drop-msg <id>` take.
 */
function messageRows(m: MessageView, now: number, next: boolean, paused: boolean, width: number, short = false): Line[] {
  const p = progressOf(m, now);
  const head: Line = [
    { text: next ? '▶ ' : '', color: 'yellow', bold: true },
    { text: paused ? `#${m.id} ` : '', color: 'gray' },
    { text: link(m.from, m.to), bold: true, inverse: next },
    { text: ' ' },
    { text: bar(p), color: next ? 'yellow' : 'cyan' },
    { text: ' ' },
  ];
  const room = width - lineWidth(head);
  const full = printable(m.summary);
  // Short names when one row must do, or when even the name does not fit beside the link.
  const nameFits = textWidth(full.split(' ')[0] ?? '') <= room;
  let summary = (short && textWidth(full) > room) || !nameFits ? shortSummary(full) : full;
  if (short || textWidth(summary) <= room) return [fitLine([...head, { text: summary, inverse: next }], width)];
  // Too long even for two rows: what an AppendEntries carries (its entries, the commit index)
  // says more than the entry it follows.
  if (textWidth(summary) > room + width - 4) summary = summary.replace(/ prev \S+/, '');
  // Break at the last space that fits; the rest goes on a row of its own, indented.
  const words = summary.split(' ');
  let first = '';
  while (words.length > 0 && textWidth(`${first}${first ? ' ' : ''}${words[0]}`) <= room)
    first = `${first}${first ? ' ' : ''}${words.shift()}`;
  // Not even the name fits beside the link: the summary takes the next row.
  if (!first) return [fitLine(head, width), fitLine([{ text: '  ' }, { text: summary, inverse: next }], width)];
  return [
    fitLine([...head, { text: first, inverse: next }], width),
    fitLine([{ text: '    ' }, { text: words.join(' '), color: 'gray' }], width),
  ];
}

function lostLine(l: LostMessage, width: number): Line {
  const m = l.message;
  return fitLine(
    [
      { text: '✗ ', color: 'red', bold: true },
      { text: link(m.from, m.to), color: 'red', bold: true },
      { text: ' LOST ', color: 'red', bold: true },
      { text: m.summary, color: 'gray' },
      { text: l.reason ? ` (${l.reason})` : '', color: 'gray' },
    ],
    width,
  );
}

/** Title and body in exactly `height` lines of `width` cells. */
export function inFlightLines(input: InFlightInput): Line[] {
  const lostCount = (input.lost ?? []).length;
  const lines = [fitLine(inFlightTitle(input.messages.length, input.paused, lostCount, input.width), input.width)];
  lines.push(...inFlightBody(input, input.height - 1));
  while (lines.length < input.height) lines.push(fitLine([], input.width));
  return lines.slice(0, input.height);
}
