/**
 * Every node's log in one grid, aligned by index (the Raft paper's Figures 6-8): one row a node,
 * one column an index, each entry shown as its term and coloured by it. A bar after an entry
 * marks that node's commit index; entries past it are dim; `!` marks an entry that differs from
 * the leader's at that index (or that the leader does not have). Logs wider than the screen
 * show their newest indexes.
 */
import type { ClusterSnapshot, LogEntryView, NodeView } from '../cluster/types.js';
import type { Index, NodeId } from '../raft/types.js';
import { commandText } from './describe-event.js';
import { fitLine, printable, type Line, type Span } from './spans.js';
import { DOWN_COLOR, ROLE_COLOR, ROLE_LABEL, SELECTED_COLOR, termColor } from './theme.js';

export interface LogGridInput {
  snapshot: ClusterSnapshot;
  selected: NodeId;
  width: number;
  height: number;
}

/** Marks in the grid (also in the legend and the help). */
export const COMMIT_BAR = '│';
export const DIFFERS_MARK = '!';

function entryAt(node: NodeView, index: Index): LogEntryView | undefined {
  const first = node.log[0]?.index ?? 1;
  return node.log[index - first];
}

/** Indexes where the node's entry differs from the leader's (absent on one side counts). */
export function differingIndexes(node: NodeView, leader: NodeView | undefined): Set<Index> {
  const out = new Set<Index>();
  if (!leader || leader.id === node.id) return out;
  for (const e of node.log) {
    const l = entryAt(leader, e.index);
    if (!l || l.term !== e.term) out.add(e.index);
  }
  return out;
}

/** The grid in exactly `height` lines of `width` cells. */
export function logGridLines(input: LogGridInput): Line[] {
  const { snapshot, width, height, selected } = input;
  const nodes = snapshot.nodes;
  const leader = nodes.find((n) => n.up && n.id === snapshot.leader);
  const lastIndex = Math.max(0, ...nodes.map((n) => n.log[n.log.length - 1]?.index ?? 0));
  const maxTerm = Math.max(1, ...nodes.flatMap((n) => n.log.map((e) => e.term)));
  // Each cell: the mark, the term right-aligned, the commit bar or a space.
  const cell = String(maxTerm).length + 2;
  const labelWidth = width >= 60 ? 16 : 6;
  const columns = Math.max(1, Math.floor((width - labelWidth) / cell));
  const from = Math.max(1, lastIndex - columns + 1);
  const to = Math.max(from, lastIndex);

  const lines: Line[] = [];
  const header: Line = [{ text: (labelWidth >= 16 ? 'log index' : 'index').padEnd(labelWidth), color: 'gray' }];
  for (let i = from; i <= to; i++) header.push({ text: `${String(i).padStart(cell - 1)} `, color: 'gray' });
  lines.push(fitLine(header, width));

  for (const node of nodes) {
    const differs = differingIndexes(node, leader);
    const row: Line = [label(node, node.id === selected, labelWidth)];
    for (let i = from; i <= to; i++) row.push(...cellSpans(node, i, differs.has(i), cell));
    lines.push(fitLine(row, width));
  }
  lines.push(fitLine([], width));
  const legend: Line = [
    { text: 'each entry is its term, coloured by term · ', color: 'gray' },
    { text: COMMIT_BAR, bold: true },
    { text: " after a node's commit index (dim: not committed) · ", color: 'gray' },
    { text: DIFFERS_MARK, color: 'red', bold: true },
    { text: leader ? ` differs from leader n${leader.id}` : ' differs from the leader (none now)', color: 'gray' },
  ];
  lines.push(fitLine(legend, width));
  if (from > 1) lines.push(fitLine([{ text: `indexes 1-${from - 1} are off to the left`, color: 'gray' }], width));
  lines.push(fitLine([{ text: 'F6 or "view nodes" goes back to the node panels', color: 'gray' }], width));
  // What the entries say, newest first, from the selected node's log: as many as fit.
  const source = nodes.find((n) => n.id === selected) ?? leader;
  const room = height - lines.length - 2;
  if (source && room > 0 && source.log.length > 0) {
    lines.push(fitLine([], width));
    lines.push(fitLine([{ text: `n${source.id}'s newest entries`, bold: true }], width));
    for (const e of source.log.slice(-(room - 1)).reverse()) {
      const mark = e.index <= source.commitIndex ? '✓' : '○';
      lines.push(
        fitLine(
          [
            { text: `${mark} ${String(e.index).padStart(4)} `, color: e.index <= source.commitIndex ? 'green' : 'gray' },
            { text: `t${e.term} `, color: termColor(e.term) },
            { text: printable(commandText(e.command)) },
          ],
          width,
        ),
      );
    }
  }
  while (lines.length < height) lines.push(fitLine([], width));
  return lines.slice(0, height);
}

function label(node: NodeView, selected: boolean, width: number): Span {
  const role = node.up ? ROLE_LABEL[node.role] : 'DOWN';
  const text = width >= 16 ? `${selected ? '▶' : ' '}n${node.id} ${role}` : `${selected ? '▶' : ' '}n${node.id} ${role[0]}`;
  return {
    text: text.slice(0, width - 1).padEnd(width),
    color: !node.up ? DOWN_COLOR : selected ? SELECTED_COLOR : ROLE_COLOR[node.role],
    bold: node.role === 'leader' || selected,
  };
}

function cellSpans(node: NodeView, index: Index, differs: boolean, cell: number): Span[] {
  const e = entryAt(node, index);
  const bar = index === node.commitIndex ? COMMIT_BAR : ' ';
  if (!e) {
    // Below the snapshot tail the entry exists but is not shown; past the end there is none.
    const first = node.log[0]?.index ?? 1;
    const known = index < first && index <= node.lastIndex;
    return [
      { text: `${(known ? '·' : '').padStart(cell - 1)}`, color: 'gray' },
      { text: bar, bold: true },
    ];
  }
  const committed = index <= node.commitIndex && node.up;
  return [
    { text: differs ? DIFFERS_MARK : ' ', color: 'red', bold: true },
    { text: String(e.term).padStart(cell - 2), color: termColor(e.term), dim: !committed, bold: committed },
    { text: bar, bold: true },
  ];
}
