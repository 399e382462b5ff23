/**
 * The whole screen as lines, a pure function of the snapshot, the event lines, the
 * interaction state and the terminal size: the cluster line, the grid of node panels (or the
 * help overlay), the event pane, the result line and the prompt.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import { promptLine, resultLine } from './command-lines.js';
import type { UiState } from './controller.js';
import type { EventLine } from './event-log.js';
import { captionLines } from './caption-line.js';
import { eventDivider, eventWindow } from './event-lines.js';
import { inFlightBody, inFlightLines, inFlightTitle, splitInFlight, type InFlightInput } from './inflight-lines.js';
import { logGridLines } from './log-grid-lines.js';
import { headerLine } from './header-line.js';
import { helpText } from '../console/help.js';
import { helpBody, helpTitle } from './help-lines.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { panelLines, panelNeed } from './panel-lines.js';
import { fitLine, lineWidth, wrapWords, type Line } from './spans.js';
import { counted } from './theme.js';

export interface FrameInput {
  snapshot: ClusterSnapshot;
  events: readonly EventLine[];
  /** Event times are shown from this reading of the cluster clock. */
  origin: number;
  ui: UiState;
  columns: number;
  rows: number;
}

export interface Frame {
  lines: Line[];
  /** Where the terminal cursor belongs (on the prompt), 0-based within the frame. */
  cursor: { x: number; y: number };
  /** How far the help overlay can scroll (0 when it fits or is closed). */
  helpScrollMax: number;
  /** How far the event pane can scroll back. */
  eventScrollMax: number;
}

export function dashboardFrame(input: FrameInput): Frame {
  const { snapshot, ui, columns, rows } = input;
  const layout = computeLayout(columns, rows, snapshot.nodes.length, panelNeed(snapshot));
  const width = columns;
  if (layout.tooSmall) {
    const msg = `raft-tui needs a terminal of at least ${MIN_COLUMNS}×${MIN_ROWS} for ${counted(snapshot.nodes.length, 'node')} (this one is ${columns}×${rows}): make it bigger`;
    const lines = wrapWords(msg, width)
      .slice(0, Math.max(1, rows - 2))
      .map((t) => fitLine([{ text: t, color: 'yellow' }], width));
    const prompt = promptLine(ui.line, ui.cursor, width);
    lines.push(prompt.line);
    return { lines, cursor: { x: prompt.cursorX, y: lines.length - 1 }, helpScrollMax: 0, eventScrollMax: 0 };
  }
  const lines: Line[] = [headerLine(snapshot, width)];
  // A caption (`say`) takes the place of event lines, right under the cluster line: one, or
  // two when the terminal is too narrow for it (a story cut mid-sentence loses its point).
  const caption = ui.caption ? captionLines(ui.caption, width, Math.max(1, Math.min(2, layout.eventLines - 1))) : [];
  lines.push(...caption);
  const eventRows = Math.max(0, layout.eventLines - caption.length);
  let helpScrollMax = 0;
  let eventScrollMax = 0;
  const middle = layout.panelRows * layout.panelHeight;
  if (ui.helpOpen) {
    const help = helpWindow(input, middle + 1 + eventRows);
    helpScrollMax = help.scrollMax;
    lines.push(...help.lines);
  } else {
    let paneRows = eventRows;
    if (ui.view === 'log') {
      lines.push(...logGridLines({ snapshot, selected: ui.selected, width, height: middle }));
    } else {
      const empty = emptyCells(layout, snapshot.nodes.length);
      lines.push(...panelGrid(input, layout, empty));
      if (empty.width === 0) {
        // No free cell for the messages on the wire: they take a strip above the events.
        const strip = inFlightStripHeight(snapshot, paneRows);
        if (strip > 0) {
          lines.push(...inFlightLines({ ...wire(input), width, height: strip }));
          paneRows -= strip;
        }
      }
    }
    const window = eventWindow(input.events, input.origin, paneRows, width, {
      scroll: ui.eventScroll,
      filter: ui.eventFilter,
      paused: snapshot.paused,
    });
    eventScrollMax = window.scrollMax;
    lines.push(eventDivider(width, { paused: snapshot.paused, status: paneStatus(ui, window.matching) }));
    lines.push(...window.lines);
  }
  lines.push(resultLine(ui.result, width, snapshot.nodes.length));
  const prompt = promptLine(ui.line, ui.cursor, width);
  lines.push(prompt.line);
  return { lines, cursor: { x: prompt.cursorX, y: lines.length - 1 }, helpScrollMax, eventScrollMax };
}

/** What the divider says about the pane: the filter, and how far back it is scrolled. */
function paneStatus(ui: FrameInput['ui'], matching: number): string | undefined {
  const parts: string[] = [];
  if (ui.eventFilter) parts.push(`/${ui.eventFilter}: ${matching} ${matching === 1 ? 'line' : 'lines'}`);
  if (ui.eventScroll > 0) parts.push(`↑ ${ui.eventScroll} back, PgDn returns`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The in-flight view's inputs from the frame's. */
function wire(input: FrameInput): Omit<InFlightInput, 'width' | 'height'> {
  const { snapshot } = input;
  const { messages, lost } = splitInFlight(snapshot.inFlight);
  return { messages, lost, now: snapshot.takenAt, paused: snapshot.paused };
}

/** Rows for the in-flight strip when no grid cell is free: some, never most of the events. */
function inFlightStripHeight(snapshot: ClusterSnapshot, eventRows: number): number {
  const count = snapshot.inFlight.length;
  if (count === 0 && !snapshot.paused) return 0;
  // Rows for every message and the title, as many as half the event rows.
  return Math.max(0, Math.min(count + 1, Math.floor(eventRows / 2)));
}

/** The free cells at the end of the panel grid: where the in-flight view goes. */
function emptyCells(layout: ReturnType<typeof computeLayout>, nodes: number): { from: number; width: number } {
  const cells = layout.panelColumns * layout.panelRows;
  const free = cells - nodes;
  if (free <= 0) return { from: 0, width: 0 };
  const from = layout.panelColumns - free;
  const width = layout.panelWidths.slice(from).reduce((a, b) => a + b, 0);
  return { from, width };
}

/** The help overlay in `height` lines: the title, then a scrolled window of the rest. */
function helpWindow(input: FrameInput, height: number): { lines: Line[]; scrollMax: number } {
  const { ui, columns } = input;
  // `help` alone answers with the whole table: that is the full overlay.
  const only = ui.helpText && ui.helpText !== helpText() ? ui.helpText : null;
  const body = helpBody(columns, only);
  const room = Math.max(1, height - 1);
  const scrollMax = Math.max(0, body.length - room);
  const from = Math.min(ui.helpScroll, scrollMax);
  const shown = body.slice(from, from + room);
  if (scrollMax > 0 && from < scrollMax) {
    const more = body.length - from - room + 1;
    shown[shown.length - 1] = fitLine([{ text: `↓ ${more} more ${more === 1 ? 'line' : 'lines'}: ↓ or PgDn`, color: 'gray' }], columns);
  }
  while (shown.length < room) shown.push(fitLine([], columns));
  return { lines: [helpTitle(columns, scrollMax > 0), ...shown], scrollMax };
}

function panelGrid(input: FrameInput, layout: ReturnType<typeof computeLayout>, empty: { width: number }): Line[] {
  const { snapshot, ui } = input;
  const out: Line[] = [];
  const total = layout.panelWidths.reduce((a, b) => a + b, 0);
  for (let r = 0; r < layout.panelRows; r++) {
    const row = snapshot.nodes.slice(r * layout.panelColumns, (r + 1) * layout.panelColumns);
    const panels = row.map((node, c) =>
      panelLines({
        node,
        snapshot,
        width: layout.panelWidths[c] ?? layout.panelWidths[0] ?? 26,
        height: layout.panelHeight,
        plan: layout.plan,
        selected: node.id === ui.selected,
      }),
    );
    if (r === layout.panelRows - 1 && empty.width > 0) {
      // The free cells of the last row show the messages on the wire, framed like a panel.
      const w = { ...wire(input), width: empty.width - 4, height: layout.panelHeight - 2 };
      const title = inFlightTitle(w.messages.length, w.paused, w.lost?.length ?? 0, empty.width - 6);
      panels.push(boxed(title, inFlightBody(w, w.height), empty.width, layout.panelHeight));
    }
    for (let i = 0; i < layout.panelHeight; i++) {
      const line: Line = panels.flatMap((p) => p[i] ?? []);
      out.push(fitLine(line, Math.max(total, input.columns)));
    }
  }
  return out.map((l) => fitLine(l, input.columns));
}

/** Lines framed in a thin gray border, `height` lines in all, the title in the top border. */
function boxed(title: Line, rest: Line[], width: number, height: number): Line[] {
  const g = (text: string): { text: string; color: string } => ({ text, color: 'gray' });
  const inner = width - 4;
  const shown = lineWidth(title) > width - 6 ? fitLine(title, width - 6) : title;
  const top: Line = [g('╭─ '), ...shown, g(' '), g('─'.repeat(Math.max(0, width - 5 - lineWidth(shown)))), g('╮')];
  const lines: Line[] = [top];
  for (let i = 0; i < height - 2; i++) lines.push([g('│ '), ...fitLine(rest[i] ?? [], inner), g(' │')]);
  lines.push([g('╰'), g('─'.repeat(Math.max(0, width - 2))), g('╯')]);
  return lines;
}
