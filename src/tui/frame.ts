/**
 * The whole screen as lines, a pure function of the snapshot, the event lines, the
 * interaction state and the terminal size: the cluster line, the grid of node panels (or the
 * help overlay), the event pane, the result line and the prompt.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import { promptLine, resultLine } from './command-lines.js';
import type { UiState } from './controller.js';
import type { EventLine } from './event-log.js';
import { eventDivider, eventLines } from './event-lines.js';
import { captionLine } from './caption-line.js';
import { headerLine } from './header-line.js';
import { helpText } from '../console/help.js';
import { helpBody, helpTitle } from './help-lines.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { panelLines } from './panel-lines.js';
import { fitLine, textWidth, type Line } from './spans.js';

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
}

export function dashboardFrame(input: FrameInput): Frame {
  const { snapshot, ui, columns, rows } = input;
  const layout = computeLayout(columns, rows, snapshot.nodes.length);
  const width = columns;
  if (layout.tooSmall) {
    const msg = `raft-tui needs a terminal of at least ${MIN_COLUMNS}×${MIN_ROWS} for ${snapshot.nodes.length} nodes (this one is ${columns}×${rows}): make it bigger`;
    const lines = wrapWords(msg, width)
      .slice(0, Math.max(1, rows - 2))
      .map((t) => fitLine([{ text: t, color: 'yellow' }], width));
    const prompt = promptLine(ui.line, ui.cursor, width);
    lines.push(prompt.line);
    return { lines, cursor: { x: prompt.cursorX, y: lines.length - 1 }, helpScrollMax: 0 };
  }
  const lines: Line[] = [headerLine(snapshot, width)];
  // A caption (`say`) takes the place of one event line, right under the cluster line.
  const caption = ui.caption ? captionLine(ui.caption, width) : undefined;
  if (caption) lines.push(caption);
  const eventRows = Math.max(0, layout.eventLines - (caption ? 1 : 0));
  let helpScrollMax = 0;
  const middle = layout.panelRows * layout.panelHeight;
  if (ui.helpOpen) {
    const help = helpWindow(input, middle + 1 + eventRows);
    helpScrollMax = help.scrollMax;
    lines.push(...help.lines);
  } else {
    lines.push(...panelGrid(input, layout));
    lines.push(eventDivider(width));
    lines.push(...eventLines(input.events, input.origin, eventRows, width));
  }
  lines.push(resultLine(ui.result, width));
  const prompt = promptLine(ui.line, ui.cursor, width);
  lines.push(prompt.line);
  return { lines, cursor: { x: prompt.cursorX, y: lines.length - 1 }, helpScrollMax };
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

function panelGrid(input: FrameInput, layout: ReturnType<typeof computeLayout>): Line[] {
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
    for (let i = 0; i < layout.panelHeight; i++) {
      const line: Line = panels.flatMap((p) => p[i] ?? []);
      out.push(fitLine(line, Math.max(total, input.columns)));
    }
  }
  return out.map((l) => fitLine(l, input.columns));
}

/** Splits text into lines of at most `width` characters at spaces. */
function wrapWords(text: string, width: number): string[] {
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
