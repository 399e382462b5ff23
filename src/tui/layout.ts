/**
 * Where everything goes for a terminal size and a node count: a grid of node panels sized to
 * fit, the event pane below, and how much detail each panel can show. The frame is one row
 * shorter than the terminal (a frame that fills the screen makes Ink clear it every time).
 */

/** Panels narrower than this cannot show a log line. */
export const MIN_PANEL_WIDTH = 26;
/** Panels wider than this only add blank space. */
const MAX_PANEL_WIDTH = 64;
const MAX_PANEL_HEIGHT = 18;
/** Header, events divider, result line, prompt. */
const FIXED_LINES = 4;
/** Event lines at 24 rows; taller terminals share extra rows between panels and events. */
const MIN_EVENT_LINES = 3;
/** Smaller than this, the dashboard asks for a bigger terminal. */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 12;

/** What one panel shows, in lines inside its border. */
export interface PanelPlan {
  /** Abbreviated labels (narrow panels). */
  compact: boolean;
  indexes: boolean;
  timer: boolean;
  logLines: number;
  kvLines: number;
  counters: boolean;
}

export interface Layout {
  columns: number;
  /** Frame height: terminal rows - 1. */
  height: number;
  tooSmall: boolean;
  panelColumns: number;
  panelRows: number;
  /** Width of each panel column, borders included. */
  panelWidths: number[];
  /** Height of each panel, borders included. */
  panelHeight: number;
  plan: PanelPlan;
  eventLines: number;
}

/**
 * `need`: the content lines the fullest panel has (see panelNeed); panels take no more rows than
 * that, and the event pane takes the rest. Without it, panels take what the grid allows.
 */
export function computeLayout(columns: number, rows: number, nodeCount: number, need?: number): Layout {
  const height = Math.max(1, rows - 1);
  const n = Math.max(1, nodeCount);
  const minEvents = MIN_EVENT_LINES + Math.floor(Math.max(0, height - 23) / 2);
  const available = height - FIXED_LINES - minEvents;
  const { panelColumns, panelRows } = chooseGrid(n, columns, available);
  const each = Math.min(MAX_PANEL_WIDTH, Math.floor(columns / panelColumns));
  const spare = Math.min(MAX_PANEL_WIDTH * panelColumns, columns) - each * panelColumns;
  const panelWidths = Array.from({ length: panelColumns }, (_, i) => Math.min(MAX_PANEL_WIDTH, each + (i < spare ? 1 : 0)));
  const wanted = need === undefined ? MAX_PANEL_HEIGHT : need + 2;
  const panelHeight = Math.max(3, Math.min(MAX_PANEL_HEIGHT, wanted, Math.floor(available / panelRows)));
  const eventLines = Math.max(0, height - FIXED_LINES - panelRows * panelHeight);
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS || height - FIXED_LINES < panelRows * 3;
  const inner = Math.min(...panelWidths) - 2;
  return {
    columns,
    height,
    tooSmall,
    panelColumns,
    panelRows,
    panelWidths,
    panelHeight,
    plan: planPanel(panelHeight - 2, inner),
    eventLines,
  };
}

/**
 * The grid that shows panels best: wide enough for full labels (about 36 columns) and tall
 * enough for a few log lines (about 10 rows), height counting more than width; few empty cells.
 */
function chooseGrid(n: number, columns: number, available: number): { panelColumns: number; panelRows: number } {
  const maxCols = Math.max(1, Math.min(n, Math.floor(columns / MIN_PANEL_WIDTH)));
  let best = { panelColumns: maxCols, panelRows: Math.ceil(n / maxCols), score: -Infinity };
  for (let cols = 1; cols <= maxCols; cols++) {
    const rows = Math.ceil(n / cols);
    const width = Math.min(MAX_PANEL_WIDTH, Math.floor(columns / cols));
    const height = Math.min(MAX_PANEL_HEIGHT, Math.floor(available / rows));
    if (height < 3) continue;
    const empty = cols * rows - n;
    const score = Math.min(width / 36, 1) + 1.5 * Math.min(height / 10, 1) - 0.05 * empty;
    if (score > best.score) best = { panelColumns: cols, panelRows: rows, score };
  }
  return { panelColumns: best.panelColumns, panelRows: best.panelRows };
}

/** Shares `lines` content lines among the parts of a panel, most important first. */
export function planPanel(lines: number, innerWidth: number): PanelPlan {
  let left = Math.max(0, lines - 1); // the status line is always there
  const take = (): boolean => {
    if (left <= 0) return false;
    left--;
    return true;
  };
  const plan: PanelPlan = { compact: innerWidth < 34, indexes: false, timer: false, logLines: 0, kvLines: 0, counters: false };
  if (take()) plan.logLines = 1;
  plan.indexes = take();
  plan.timer = take();
  if (take()) plan.kvLines = 1;
  while (plan.logLines < 3 && take()) plan.logLines++;
  if (!plan.compact && left >= 2) plan.counters = take();
  while (plan.logLines < 8 && take()) plan.logLines++;
  if (take()) plan.kvLines++;
  while (take()) plan.logLines++;
  return plan;
}
