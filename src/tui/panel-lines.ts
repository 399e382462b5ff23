/**
 * One node's panel as lines of styled text, borders included: the title in the top border
 * (id, role in words, port), then term / vote / leader, commit and applied index, the election
 * timer, the tail of the log, the key-value contents, and its links in the bottom border. A
 * crashed node's panel says DOWN and what its disk kept.
 */
import type { ClusterSnapshot, LogEntryView, NodeView } from '../cluster/types.js';
import { commandText, nodeList, partitionText } from './describe-event.js';
import type { PanelPlan } from './layout.js';
import { isLearner, learnerLine, membershipLabel, removedLines } from './membership-lines.js';
import type { NodeId } from '../raft/types.js';
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
  // The leader's whole border takes its role colour; the selected panel is drawn heavy.
  const leads = node.up && node.role === 'leader';
  const border: Span = { text: '', color: leads ? ROLE_COLOR.leader : selected ? SELECTED_COLOR : 'gray', bold: selected || leads };
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
  const role: Span =
    membershipLabel(node) ??
    (node.up ? { text: ROLE_LABEL[node.role], color: ROLE_COLOR[node.role], bold: true } : { text: 'DOWN', color: DOWN_COLOR, bold: true });
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
  const rows = input.height - 2;
  const lines: Line[] = [statusLine(node, plan.compact)];
  if (plan.indexes) lines.push(indexLine(node, plan.compact));
  // A learner never campaigns (thesis §4.2.1): how far behind it is replaces its timer.
  if (isLearner(node)) lines.push(learnerLine(node, input.snapshot, plan.compact));
  // A leader's table says more than "sending heartbeats": it takes that line.
  else if (plan.timer && !(node.role === 'leader' && node.progress))
    lines.push(timerLine(node, inner, input.snapshot.paused, input.snapshot.speed));
  // What the role is doing comes before the log: the leader's followers, a candidate's tally.
  const voters = node.voters.length > 0 ? node.voters.length : input.snapshot.nodes.length;
  const role = roleLines(node, voters, inner, plan.compact);
  // The role's lines come before the log: the log tail is on every other panel too.
  const roleRoom = Math.max(0, rows - lines.length);
  // Short of room, the table's header goes first, then its last rows.
  lines.push(...(role.length > roleRoom && role.length > 1 ? role.slice(1) : role).slice(0, roleRoom));
  // At least the newest entry; short of room, the counters and then the key-value line go.
  const logRoom = Math.max(
    plan.logLines > 0 ? 1 : 0,
    Math.min(plan.logLines, rows - lines.length - plan.kvLines - (plan.counters ? 1 : 0)),
  );
  lines.push(...logLines(node.log, node.commitIndex, logRoom, inner, false, snapshotPoint(node)));
  lines.push(...kvLines(node.kv, plan.kvLines, inner));
  // A spare row shows the message counters rather than nothing.
  if (plan.counters || lines.length < rows) lines.push(counterLine(node));
  return lines;
}

/** The lines a role adds: the leader's progress table, a (pre-)candidate's tally. */
export function roleLines(node: NodeView, voters: number, inner: number, compact: boolean): Line[] {
  if (node.role === 'leader' && node.progress) return progressLines(node, inner);
  if ((node.role === 'candidate' || node.role === 'precandidate') && node.votes) return [voteLine(node, voters, compact)];
  return [];
}

/** Nodes in a cluster of `voters` needed for a majority (§5.2). */
function majorityOf(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * A (pre-)candidate's tally: "votes 2/3: n1 n4 · refused by n2" — granted so far out of the
 * majority it needs (§5.2; pre-votes: thesis §9.6).
 */
export function voteLine(node: NodeView, voters: number, compact: boolean): Line {
  const votes = node.votes ?? { granted: [], refused: [] };
  const need = majorityOf(voters);
  const pre = node.role === 'precandidate';
  const line: Line = [
    { text: pre ? (compact ? 'pre ' : 'pre-votes ') : 'votes ', color: 'gray' },
    { text: `${votes.granted.length}/${need}`, bold: true, color: votes.granted.length >= need ? 'green' : 'yellow' },
  ];
  if (votes.granted.length > 0) line.push({ text: ': ', color: 'gray' }, { text: nodeList(votes.granted) });
  if (votes.refused.length > 0) {
    line.push({ text: compact ? ' ✗ ' : ' · refused by ', color: 'gray' }, { text: nodeList(votes.refused), color: 'red' });
  }
  return line;
}

/**
 * The leader's view of each follower (§5.3, etcd's Progress): what it knows the follower holds
 * (match), what it sends next (next), how many AppendEntries are unacknowledged (in flight), and
 * whether it probes one at a time or replicates with a pipeline.
 */
export function progressLines(node: NodeView, inner: number): Line[] {
  const rows = [...(node.progress ?? [])].sort((a, b) => a.peer - b.peer);
  const wide = inner >= 36;
  const w = {
    peer: Math.max(2, ...rows.map((p) => `n${p.peer}`.length)) + 1,
    match: Math.max(5, ...rows.map((p) => String(p.match).length)),
    next: Math.max(4, ...rows.map((p) => String(p.next).length)),
    fly: wide ? 9 : 3,
  };
  const head = (t: string, n: number): string => t.padStart(n);
  const header: Line = [
    {
      text: `${''.padEnd(w.peer)}${head('match', w.match)} ${head('next', w.next)} ${head(wide ? 'in flight' : 'fly', w.fly)} state`,
      color: 'gray',
    },
  ];
  const lines = rows.map((p): Line => {
    // §7: a snapshot on its way says which and how far along: "snapshot ≤1200 40%".
    const t = p.snapshot;
    const transfer = t ? `${wide ? ` ≤${t.index}` : ''} ${Math.floor((100 * t.acked) / Math.max(1, t.size))}%` : '';
    const state = (wide ? p.state : STATE_SHORT[p.state]) + transfer;
    const caughtUp = p.match >= node.lastIndex;
    return [
      { text: `n${p.peer}`.padEnd(w.peer), bold: true },
      { text: String(p.match).padStart(w.match), color: caughtUp ? 'green' : 'yellow' },
      { text: ` ${String(p.next).padStart(w.next)}` },
      { text: ` ${String(p.inflight).padStart(w.fly)}`, color: p.inflight > 0 ? 'cyan' : 'gray' },
      { text: ` ${state}`, color: p.state === 'replicate' ? 'green' : 'yellow' },
    ];
  });
  return [header, ...lines];
}

const STATE_SHORT: Record<string, string> = { probe: 'probe', replicate: 'repl', snapshot: 'snap' };

/** §5.3/§5.4.2: the nodes whose copy made the leader's commit index: those holding it. */
export function commitQuorum(node: NodeView): NodeId[] {
  // The core says which nodes' match made it; without that, those that hold it.
  if (node.commitQuorum) return [...node.commitQuorum].sort((a, b) => a - b);
  if (!node.progress) return [];
  const holders = node.progress.filter((p) => p.match >= node.commitIndex).map((p) => p.peer);
  return [node.id, ...holders].sort((a, b) => a - b);
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
  if (node.role === 'leader' && node.progress && node.commitIndex > 0) {
    // The commit index and the majority that holds it.
    const holders = commitQuorum(node);
    const quorum = holders.length === node.progress.length + 1 ? `all ${holders.length}` : nodeList(holders);
    if (compact) return [label('commit '), { text: String(node.commitIndex), bold: true }, label(' by '), { text: quorum }];
    return [
      label('commit '),
      { text: String(node.commitIndex), bold: true },
      label(' by '),
      { text: quorum },
      label(' · last '),
      { text: String(node.lastIndex) },
    ];
  }
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
function timerLine(node: NodeView, inner: number, paused: boolean, speed: number): Line {
  if (node.role === 'leader') {
    return [{ text: paused ? 'leader, paused' : inner < 26 ? 'sending heartbeats' : 'leader: sending heartbeats', color: 'green' }];
  }
  const p = Math.max(0, Math.min(1, node.electionProgress ?? 0));
  const left = ((1 - p) * node.electionTimeoutMs) / 1000;
  const tail = paused ? ' paused' : ` ${left.toFixed(1)}s`;
  // A follower's timer restarts whenever its leader is heard from (§5.2): what ran of it is
  // how long ago that was.
  if (node.role === 'follower' && node.leader !== null) {
    // The cluster says when the leader was last heard (cluster ms); a person waits 1/speed of it.
    const ago = node.lastContactMs != null ? node.lastContactMs / Math.max(0.001, speed) / 1000 : (p * node.electionTimeoutMs) / 1000;
    // Under a second, heartbeats keep arriving and a tenth-of-a-second count would only flicker
    // (the bar shows them); past it the leader has gone quiet, and the count says for how long.
    const heard = `n${node.leader} ${ago < 1 ? '<1s' : `${ago.toFixed(1)}s`} ago`;
    // Out of how long a timeout: the time left is the rest of the bar, and a second number
    // counting down beside the one counting up would only change every frame twice over.
    const tail = paused ? ' paused' : ` of ${(node.electionTimeoutMs / 1000).toFixed(1)}s`;
    const label = inner >= 30 ? 'heard ' : '';
    const room = inner - label.length - heard.length - tail.length - 1;
    const barWidth = Math.max(3, Math.min(16, room));
    const filled = Math.round(p * barWidth);
    const color = p > 0.8 ? 'red' : p > 0.6 ? 'yellow' : 'green';
    return [
      { text: label, color: 'gray' },
      { text: heard },
      { text: ' ' },
      { text: '▰'.repeat(filled), color },
      { text: '▱'.repeat(barWidth - filled), color: 'gray' },
      { text: tail, color: 'gray' },
    ];
  }
  const label = 'timer ';
  const barWidth = Math.max(4, Math.min(20, inner - label.length - tail.length));
  const filled = Math.round(p * barWidth);
  const color = p > 0.8 ? 'red' : p > 0.6 ? 'yellow' : 'green';
  return [
    { text: label, color: 'gray' },
    { text: '▰'.repeat(filled), color },
    { text: '▱'.repeat(barWidth - filled), color: 'gray' },
    { text: tail, color: 'gray' },
  ];
}

/** Where a node's snapshot ends (§7), or null when it has none. */
function snapshotPoint(node: NodeView): { index: number; term: number } | null {
  return node.snapshotIndex > 0 ? { index: node.snapshotIndex, term: node.snapshotTerm } : null;
}

/** "▣ snapshot ≤ 1200 t3": the log before this point lives in the snapshot (§7). */
function snapshotLine(point: { index: number; term: number }, inner: number, down: boolean): Line {
  return fitLine(
    [
      { text: '▣', color: 'cyan', dim: down },
      { text: ' snapshot ≤ ', color: 'gray' },
      { text: String(point.index), bold: !down, dim: down },
      { text: ` t${point.term}`, color: termColor(point.term), dim: down },
    ],
    inner,
  );
}

/**
 * The last `n` entries: "✓ 7 t3 SET x = 1" when committed, "○ 8 t3 SET y = 2" (dim) when only
 * stored — §5.3: an entry is safe to apply only once committed. With a snapshot, the first line
 * says where it ends ("▣ snapshot ≤ 1200 t3"): the entries before are compacted away (§7).
 */
export function logLines(
  log: readonly LogEntryView[],
  commitIndex: number,
  n: number,
  inner: number,
  down: boolean,
  snapshot: { index: number; term: number } | null = null,
): Line[] {
  if (n <= 0) return [];
  if (snapshot !== null) {
    const head = snapshotLine(snapshot, inner, down);
    return n === 1 || log.length === 0 ? [head] : [head, ...logLines(log, commitIndex, n - 1, inner, down)];
  }
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
  // Refused at start-up: its files are not trusted, so there is nothing "kept" to show.
  if (node.removed) return removedLines(node, plan.compact);
  if (node.refused !== undefined) {
    return [
      [{ text: 'refused to start', color: DOWN_COLOR, bold: true }],
      [{ text: plan.compact ? 'its files are lost' : 'its files were lost or are not its own', color: 'gray' }],
      [{ text: 'the events say why', color: 'gray' }],
      [{ text: plan.compact ? `restore, restart ${node.id}` : `restore its folder, then restart ${node.id}`, color: 'gray' }],
    ];
  }
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
    const log: Line = [{ text: 'log ', color: 'gray' }, { text: `${kept.lastIndex} ${kept.lastIndex === 1 ? 'entry' : 'entries'}` }];
    if (node.snapshotIndex > 0) log.push({ text: ` ▣ ≤ ${node.snapshotIndex}`, color: 'gray' });
    lines.push(log);
  } else {
    lines.push([{ text: 'nothing on disk', color: 'gray' }]);
  }
  const room = input.height - 2 - lines.length - 1;
  if (room > 0 && node.log.length > 0) lines.push(...logLines(node.log, node.commitIndex, Math.min(room, plan.logLines), inner, true));
  const hint = input.selected ? (plan.compact ? 'F2 restarts it' : 'F2 restarts it from disk') : `restart ${node.id} revives it`;
  lines.push([{ text: hint, color: 'gray' }]);
  return lines;
}

/** Log lines a panel shows at most when the terminal has room (more go to the event pane). */
const LOG_LINES_WANTED = 6;

/**
 * The content lines the fullest panel can use: status, indexes, timer, its role's lines, the
 * log tail (at least a few, so panels do not grow with every entry), the key-value line and
 * the counters.
 */
export function panelNeed(snapshot: ClusterSnapshot): number {
  let need = 0;
  for (const node of snapshot.nodes) {
    const role = node.up ? roleLines(node, snapshot.nodes.length, 40, false).length : 0;
    const log = Math.max(3, Math.min(LOG_LINES_WANTED, node.log.length));
    need = Math.max(need, 3 + role + log + 2);
  }
  return need;
}
