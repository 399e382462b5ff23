/**
 * One node's panel as lines of styled text, borders included: the title in the top border
 * (id, role in words, port), then term / vote / leader, commit and applied index, the election
 * timer, the tail of the log, the key-value contents, and its links in the bottom border. A
 * crashed node's panel says DOWN and what its disk kept.
 */
import type { ClusterSnapshot, LogEntryView, NodeView } from '../cluster/types.js';
import { commandText, nodeList, partitionText } from './describe-event.js';
import type { PanelPlan } from './layout.js';
import { fitLine, lineWidth, printable, spread, textWidth, type Line, type Span } from './spans.js';
import { COMMITTED_MARK, DOWN_COLOR, ROLE_COLOR, ROLE_LABEL, SELECTED_COLOR, UNCOMMITTED_MARK, count, termColor } from './theme.js';

export interface PanelInput {
  node: NodeView;
  snapshot: ClusterSnapshot;
  width: number;
  height: number;
  plan: PanelPlan;
  selected: boolean;
}

const PLAIN_BORDER = { tl: '╭', tr: '╮', bl: '╰', br: '╯', h: '─', v: '│' };
const SELECTED_BORDER = { tl: '┏', tr: '┓', bl: '┗', br: '┛', h: '━', v: '┃' };

/** Exactly `height` lines of exactly `width` cells. */
export function panelLines(input: PanelInput): Line[] {
  const { node, width, height, selected } = input;
  const b = selected ? SELECTED_BORDER : PLAIN_BORDER;
  const border: Span = { text: '', color: selected ? SELECTED_COLOR : 'gray', bold: selected };
  const inner = Math.max(1, width - 4);
  const body = node.up ? upBody(input, inner) : downBody(input, inner);
  const rows = height - 2;
  const lines: Line[] = [topBorder(input, b, border)];
  for (let i = 0; i < rows; i++) {
    const content = fitLine(body[i] ?? [], inner);
    lines.push([{ ...border, text: `${b.v} ` }, ...content, { ...border, text: ` ${b.v}` }]);
  }
  lines.push(bottomBorder(input, b, border));
  return lines;
}

type BorderChars = typeof PLAIN_BORDER;

function topBorder(input: PanelInput, b: BorderChars, border: Span): Line {
  const { node, width, selected } = input;
  const role: Span = node.up
    ? { text: ROLE_LABEL[node.role], color: ROLE_COLOR[node.role], bold: true }
    : { text: 'DOWN', color: DOWN_COLOR, bold: true };
  const title: Line = [
    { ...border, text: `${b.tl}${b.h}` },
    { text: selected ? ' ▶ ' : ' ', color: SELECTED_COLOR, bold: true },
    { text: `n${node.id}`, bold: true },
    { text: ' ' },
    role,
    { text: ' ' },
  ];
  const end: Line = [{ ...border, text: `${b.h}${b.tr}` }];
  const port: Line = [{ text: node.port > 0 ? ` :${node.port} ` : ' mem ', color: 'gray' }, ...end];
  // The role matters more than the port: a narrow panel drops the port to keep PRE-CANDIDATE whole.
  if (lineWidth(title) + lineWidth(port) > width) return fillBorder(title, end, width, b.h, border);
  return fillBorder(title, port, width, b.h, border);
}

function bottomBorder(input: PanelInput, b: BorderChars, border: Span): Line {
  const link = linksText(input);
  const left: Line = [{ ...border, text: `${b.bl}${b.h}` }, { text: ' ' }, link, { text: ' ' }];
  return fillBorder(left, [{ ...border, text: b.br }], input.width, b.h, border);
}

/** Joins left and right with a run of border characters, cutting the left part if crowded. */
function fillBorder(left: Line, right: Line, width: number, h: string, border: Span): Line {
  const gap = width - lineWidth(left) - lineWidth(right);
  if (gap >= 0) return [...left, { ...border, text: h.repeat(gap) }, ...right];
  return spread(left, right, width);
}

/** Which partition side the node is on, or which peers it cannot reach. */
function linksText(input: PanelInput): Span {
  const { node, snapshot } = input;
  if (!node.up) return { text: 'no links: down', color: 'gray' };
  const groups = snapshot.faults.partition;
  if (groups && node.partitionGroup !== null) {
    const own = groups[node.partitionGroup - 1] ?? [node.id];
    if (own.length <= 1) return isolated(input.plan.compact);
    return { text: `${input.plan.compact ? 'side' : 'partition side'} ${partitionText([own])}`, color: 'yellow' };
  }
  if (groups && node.partitionGroup === null) return isolated(input.plan.compact);
  if (node.unreachable.length > 0) return { text: `can't reach ${nodeList(node.unreachable)}`, color: 'yellow' };
  return { text: 'links ok', color: 'gray' };
}

function isolated(compact: boolean): Span {
  return { text: compact ? 'ISOLATED' : 'ISOLATED: reaches no one', color: 'yellow', bold: true };
}

function upBody(input: PanelInput, inner: number): Line[] {
  const { node, plan } = input;
  const lines: Line[] = [statusLine(node, plan.compact)];
  if (plan.indexes) lines.push(indexLine(node, plan.compact));
  if (plan.timer) lines.push(timerLine(node, inner, input.snapshot.paused));
  lines.push(...logLines(node.log, node.commitIndex, plan.logLines, inner, false));
  lines.push(...kvLines(node.kv, plan.kvLines, inner));
  if (plan.counters) lines.push(counterLine(node));
  return lines;
}

function statusLine(node: NodeView, compact: boolean): Line {
  const vote = node.votedFor !== null ? `n${node.votedFor}` : '–';
  const leader = node.leader !== null ? `n${node.leader}` : '?';
  const label = (t: string): Span => ({ text: t, color: 'gray' });
  if (compact) {
    return [label('term '), { text: String(node.term), bold: true }, label(' vote '), { text: vote }, label(' lead '), { text: leader }];
  }
  return [
    label('term '),
    { text: String(node.term), bold: true },
    label(' · voted for '),
    { text: vote },
    label(' · leader '),
    { text: leader },
  ];
}

function indexLine(node: NodeView, compact: boolean): Line {
  const label = (t: string): Span => ({ text: t, color: 'gray' });
  const line: Line = [
    label('commit '),
    { text: String(node.commitIndex) },
    label(compact ? ' applied ' : ' · applied '),
    { text: String(node.lastApplied) },
  ];
  if (!compact) line.push(label(' · last '), { text: String(node.lastIndex) });
  return line;
}

/** The election timer: how close this node is to starting an election (§5.2). */
function timerLine(node: NodeView, inner: number, paused: boolean): Line {
  if (node.role === 'leader') {
    return [{ text: paused ? 'leader, paused' : inner < 26 ? 'sending heartbeats' : 'leader: sending heartbeats', color: 'green' }];
  }
  const p = Math.max(0, Math.min(1, node.electionProgress ?? 0));
  const left = ((1 - p) * node.electionTimeoutMs) / 1000;
  const tail = ` ${left.toFixed(1)}s`;
  const label = 'timer ';
  const barWidth = Math.max(4, Math.min(20, inner - label.length - tail.length));
  const filled = Math.round(p * barWidth);
  const color = p > 0.8 ? 'red' : p > 0.6 ? 'yellow' : 'green';
  return [
    { text: label, color: 'gray' },
    { text: '▰'.repeat(filled), color },
    { text: '▱'.repeat(barWidth - filled), color: 'gray' },
    { text: paused ? ' paused' : tail, color: 'gray' },
  ];
}

/**
 * The last `n` entries: "✓ 7 t3 SET x = 1" when committed, "○ 8 t3 SET y = 2" (dim) when only
 * stored — §5.3: an entry is safe to apply only once committed.
 */
export function logLines(log: readonly LogEntryView[], commitIndex: number, n: number, inner: number, down: boolean): Line[] {
  if (n <= 0) return [];
  if (log.length === 0) return [[{ text: 'log empty', color: 'gray' }]];
  const tail = log.slice(-n);
  const indexWidth = String(tail[tail.length - 1]?.index ?? 0).length;
  return tail.map((e) => {
    const committed = e.index <= commitIndex;
    const color = termColor(e.term);
    const dim = !committed || down;
    const line: Line = [
      { text: committed ? COMMITTED_MARK : UNCOMMITTED_MARK, color: committed ? 'green' : 'gray' },
      { text: ` ${String(e.index).padStart(indexWidth)}`, dim },
      { text: ` t${e.term} `, color, dim },
      { text: printable(commandText(e.command)), color, dim },
    ];
    return fitLine(line, inner);
  });
}

/** The applied key-value pairs, sorted by key, as many as fit; "+3" says how many did not. */
export function kvLines(kv: Record<string, string>, n: number, inner: number): Line[] {
  if (n <= 0) return [];
  const keys = Object.keys(kv).sort();
  if (keys.length === 0) return [[{ text: 'kv empty', color: 'gray' }]];
  const pairs = keys.map((k) => printable(`${k}=${kv[k] ?? ''}`));
  const lines: Line[] = [];
  let i = 0;
  for (let row = 0; row < n && i < pairs.length; row++) {
    const line: Line = row === 0 ? [{ text: 'kv ', color: 'gray' }] : [{ text: '   ' }];
    let width = 3;
    let placed = 0;
    while (i < pairs.length) {
      const pair = pairs[i] as string;
      const sep = placed > 0 ? 2 : 0;
      const remaining = pairs.length - i - 1;
      const lastRow = row === n - 1;
      // On the last row keep room for "+N" when more pairs follow.
      const reserve = lastRow && remaining > 0 ? ` +${remaining}`.length : 0;
      if (width + sep + textWidth(pair) + reserve > inner && placed > 0) break;
      if (placed > 0) line.push({ text: '  ' });
      line.push({ text: pair, bold: true });
      width += sep + textWidth(pair);
      placed++;
      i++;
    }
    lines.push(line);
  }
  if (i < pairs.length) {
    const last = lines[lines.length - 1];
    last?.push({ text: ` +${pairs.length - i}`, color: 'gray' });
  }
  return lines;
}

function counterLine(node: NodeView): Line {
  const c = node.counters;
  const line: Line = [
    { text: 'msgs ', color: 'gray' },
    { text: `↑${count(c.sent)} ↓${count(c.received)}` },
    { text: ' lost ', color: 'gray' },
    { text: count(c.filtered) },
  ];
  if (c.badInput > 0) line.push({ text: ' bad input ', color: 'gray' }, { text: count(c.badInput), color: 'yellow' });
  return line;
}

function downBody(input: PanelInput, inner: number): Line[] {
  const { node, plan } = input;
  const kept = node.kept;
  const lines: Line[] = [
    [
      { text: 'crashed', color: DOWN_COLOR, bold: true },
      { text: plan.compact ? '; disk kept:' : '; its disk kept:', color: 'gray' },
    ],
  ];
  if (kept) {
    const vote = kept.votedFor !== null ? `n${kept.votedFor}` : '–';
    lines.push([
      { text: 'term ', color: 'gray' },
      { text: String(kept.term), bold: true },
      { text: plan.compact ? ' vote ' : ' · voted for ', color: 'gray' },
      { text: vote },
    ]);
    lines.push([{ text: 'log ', color: 'gray' }, { text: `${kept.lastIndex} ${kept.lastIndex === 1 ? 'entry' : 'entries'}` }]);
  } else {
    lines.push([{ text: 'nothing on disk', color: 'gray' }]);
  }
  const room = input.height - 2 - lines.length - 1;
  if (room > 0 && node.log.length > 0) lines.push(...logLines(node.log, node.commitIndex, Math.min(room, plan.logLines), inner, true));
  const hint = input.selected ? (plan.compact ? 'F2 restarts it' : 'F2 restarts it from disk') : `restart ${node.id} revives it`;
  lines.push([{ text: hint, color: 'gray' }]);
  return lines;
}
