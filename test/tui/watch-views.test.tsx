import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { ClusterSnapshot } from '../../src/cluster/types.js';
import type { UiState } from '../../src/tui/controller.js';
import { Dashboard } from '../../src/tui/dashboard.js';
import { examplePartition, resultLine } from '../../src/tui/command-lines.js';
import type { EventLine } from '../../src/tui/event-log.js';
import { eventDivider, eventWindow } from '../../src/tui/event-lines.js';
import { inFlightLines, inFlightTitle, nextDue, splitInFlight } from '../../src/tui/inflight-lines.js';
import { differingIndexes, logGridLines } from '../../src/tui/log-grid-lines.js';
import { computeLayout } from '../../src/tui/layout.js';
import { panelLines } from '../../src/tui/panel-lines.js';
import { plain } from '../../src/tui/spans.js';
import { electionSnapshot, figure7Snapshot, healthySnapshot, leaderProgressSnapshot, message, idleUi } from './fixtures.js';

const ui: UiState = idleUi;

afterEach(() => cleanup());

function screen(
  snapshot: ClusterSnapshot,
  change: Partial<UiState> = {},
  size = { columns: 120, rows: 36 },
  events: EventLine[] = [],
): string {
  const r = render(
    <Dashboard snapshot={snapshot} events={events} origin={0} ui={{ ...ui, ...change }} columns={size.columns} rows={size.rows} />,
  );
  return r.lastFrame() ?? '';
}

/** The panel of node `id`, only its own columns. */
function panelOf(text: string, id: number): string {
  const lines = text.split('\n');
  const top = lines.findIndex((l) => new RegExp(`[─━] (▶ )?n${id} `).test(l));
  if (top < 0) throw new Error(`no panel for n${id} in:\n${text}`);
  const title = lines[top]!;
  const start = Math.max(title.lastIndexOf('╭', title.indexOf(`n${id} `)), title.lastIndexOf('┏', title.indexOf(`n${id} `)));
  const ends = [title.indexOf('╮', start), title.indexOf('┓', start)].filter((i) => i >= 0);
  const end = Math.min(...ends);
  const out: string[] = [];
  for (let i = top; i < lines.length; i++) {
    const part = [...lines[i]!].slice(start, end + 1).join('');
    out.push(part);
    if (i > top && /^[╰┗]/.test(part)) break;
  }
  return out.join('\n');
}

describe('in-flight view', () => {
  it('lists every message on the wire with its summary and how far along it is', () => {
    const f = screen(electionSnapshot());
    expect(f).toContain('3 in flight');
    // Sent at 0, due at 150, now 100: two thirds of the way.
    expect(f).toMatch(/n2 → n5 ▰▰▰▱ RequestVote term 4/);
    expect(f).toMatch(/n1 → n2 ▰▰▰▱ RequestVoteResponse/);
    expect(f).toMatch(/n4 → n2 ▰▰▰▱ RequestVoteResponse/);
    // A summary too long for the box continues on the next row, so nothing is cut off.
    expect(f).toMatch(/RequestVote term 4 last[ │]*\n.*│ +7\/t3 /);
    const wide = inFlightLines({ messages: electionSnapshot().inFlight, now: 1_000_100, paused: false, width: 60, height: 4 }).map(plain);
    expect(wide[3]).toContain('n2 → n5 ▰▰▰▱ RequestVote term 4 last 7/t3');
  });

  it('in a cell too narrow for one row each, shows whole messages first and names the links of the rest', () => {
    const messages = [11, 12, 13, 14].map((id) => message(id, id - 10, 5, `AppendEntriesResponse ok up to ${id}`, 1_000_000, 1_000_200));
    const lines = inFlightLines({ messages, now: 1_000_100, paused: true, width: 24, height: 6 }).map(plain);
    const body = lines.slice(1);
    // No message name is cut to "A…": each one shown reads in full, on two rows.
    expect(body.join('\n')).not.toMatch(/ A…|App…/);
    expect(body.filter((l) => l.includes('AppendResp'))).toHaveLength(2);
    expect(body[0]).toMatch(/^▶ #11 n1 → n5/);
    expect(body[body.length - 1]).toMatch(/^\+2 more: n3→n5 n4→n5/);
  });

  it('in a narrow cell, a heartbeat still shows the commit index it carries: the index it follows is left out first', () => {
    const hb = message(1, 5, 4, 'AppendEntries prev 1/t1 heartbeat commit 2', 1_000_000, 1_000_200);
    const narrow = inFlightLines({ messages: [hb], now: 1_000_100, paused: false, width: 24, height: 4 }).map(plain);
    expect(narrow[1]).toMatch(/^n5 → n4 ▰▰▱▱ Append/);
    expect(narrow[2]!.trim()).toBe('heartbeat commit 2');
    // With room for it, nothing is left out.
    const wide = inFlightLines({ messages: [hb], now: 1_000_100, paused: false, width: 40, height: 4 }).map(plain);
    expect(wide.join(' ')).toContain('prev 1/t1');
    expect(wide.join(' ')).toContain('heartbeat commit 2');
  });

  it('while paused, marks the message step delivers next: the first the cluster lists', () => {
    const s = electionSnapshot(true);
    expect(nextDue(s.inFlight)?.id).toBe(13);
    const f = screen(s);
    const marked = f.split('\n').filter((l) => /▶ (#\d+ )?n\d → /.test(l));
    expect(marked).toHaveLength(1);
    // Paused, each message shows its id: what step <id> and drop-msg <id> take.
    expect(marked[0]).toContain('▶ #13 n4 → n2');
    expect(f).toContain('#11 n2 → n5');
    expect(f).toContain('▶ steps next');
  });

  it('marks nothing as next while time runs', () => {
    expect(screen(electionSnapshot(false))).not.toContain('▶ n4 → n2');
  });

  it('shows a message the cluster lists as just lost as LOST, with why', () => {
    const s = electionSnapshot();
    s.inFlight = [
      ...s.inFlight,
      {
        ...message(9, 3, 2, 'RequestVoteResponse term 4 refused', 1_000_000, 1_000_090),
        lost: { at: 1_000_050, reason: 'lost by the network' },
      },
    ];
    const f = screen(s);
    expect(f).toContain('3 in flight · 1 lost');
    expect(f).toMatch(/✗ n3 → n2 LOST RequestVoteResponse/);
    const lines = inFlightLines({ ...splitInFlight(s.inFlight), now: 1_000_100, paused: true, width: 90, height: 6 }).map(plain);
    expect(lines.join('\n')).toContain('(lost by the network)');
    // A lost message is never the one step delivers next.
    expect(nextDue(s.inFlight)?.id).toBe(13);
  });

  it('shows a message lost a moment ago as lost', () => {
    const lost = message(20, 1, 3, 'AppendEntries prev 6/t2 entries 7-9 commit 6', 0, 10);
    const lines = inFlightLines({ messages: [], lost: [{ message: lost, at: 5 }], now: 6, paused: false, width: 60, height: 4 }).map(plain);
    expect(lines[0]).toContain('1 lost');
    expect(lines[1]).toContain('✗ n1 → n3 LOST AppendEntries prev 6/t2 entries 7-9 commit 6');
  });

  it('says how many are lost, and what steps next, in short forms when its cell is narrow', () => {
    const title = (count: number, paused: boolean, lost: number, width?: number) => plain(inFlightTitle(count, paused, lost, width));
    expect(title(8, false, 34)).toBe('8 in flight · 34 lost');
    expect(title(8, true, 0)).toBe('8 in flight · ▶ steps next');
    // 20 cells: the title of an in-flight cell at 80 columns.
    expect(title(8, false, 34, 20)).toBe('8 in flight · ✗ 34');
    expect(title(8, true, 0, 20)).toBe('8 in flight · ▶ next');
    expect(title(8, false, 34, 21)).toBe('8 in flight · 34 lost');
  });

  it('counts per link when there are too many to list', () => {
    const many = [];
    for (let i = 0; i < 12; i++) many.push(message(i, 1, 2 + (i % 4), 'AppendEntries prev 6/t2 entries 7-7 commit 6', 0, 100));
    for (let i = 12; i < 15; i++) many.push(message(i, 3, 1, 'AppendEntriesResponse ok 7', 0, 100));
    const lines = inFlightLines({ messages: many, now: 50, paused: false, width: 60, height: 5 }).map(plain);
    expect(lines[0]).toContain('15 in flight');
    expect(lines[1]).toContain('n1 → n2 3 AppendEntries ×3');
    expect(lines.at(-1)).toMatch(/\+\d+ more on \d other links/);
    expect(lines).toHaveLength(5);
    // Too narrow for that: the short form, whole.
    const narrow = inFlightLines({ messages: many, now: 50, paused: false, width: 20, height: 5 }).map(plain);
    expect(narrow.at(-1)?.trimEnd()).toMatch(/^\+\d+ more, \d links$/);
    // And a link's count names its messages short, not cut.
    expect(narrow[1]!.trimEnd()).toBe('n1 → n2 3 Append ×3');
  });

  it('takes a strip above the events when no grid cell is free', () => {
    const s: ClusterSnapshot = { ...electionSnapshot(), nodes: electionSnapshot().nodes.slice(0, 3) };
    const f = screen(s, {}, { columns: 80, rows: 24 });
    const lines = f.split('\n');
    const title = lines.findIndex((l) => l.includes('3 in flight'));
    const divider = lines.findIndex((l) => l.startsWith('── events'));
    expect(title).toBeGreaterThan(0);
    expect(divider).toBeGreaterThan(title);
  });
});

describe("leader's progress table", () => {
  it('shows match, next, in flight and state per follower, and the commit with its quorum', () => {
    const p = panelOf(screen(leaderProgressSnapshot()), 1);
    expect(p).toMatch(/match\s+next\s+in flight\s+state/);
    expect(p).toMatch(/n2\s+7\s+8\s+0 replicate/);
    expect(p).toMatch(/n3\s+6\s+8\s+1 replicate/);
    expect(p).toMatch(/n5\s+2\s+3\s+1 probe/);
    // Commit index 6 is held by n1 (the leader) and the followers that match 6 or more.
    expect(p).toContain('commit 6 by n1 n2 n3 n4');
  });

  it('names the quorum the core says made the commit', () => {
    const s = leaderProgressSnapshot();
    s.nodes[0] = { ...s.nodes[0]!, commitQuorum: [4, 1, 2] };
    expect(panelOf(screen(s), 1)).toContain('commit 6 by n1 n2 n4');
  });

  it("shows a follower's last contact with its leader, in the time a person waits", () => {
    const s = leaderProgressSnapshot();
    // 130 ms of cluster time at speed 0.1 is 1.3 s on the wall.
    s.nodes[2] = { ...s.nodes[2]!, lastContactMs: 130 };
    expect(panelOf(screen(s), 3)).toMatch(/heard n1 1\.3s ago/);
    // Under a second (heartbeats arriving), no tenths that would change every frame.
    s.nodes[2] = { ...s.nodes[2]!, lastContactMs: 30 };
    expect(panelOf(screen(s), 3)).toMatch(/heard n1 <1s ago/);
  });

  it('fits a narrow panel at 80 columns', () => {
    const p = panelOf(screen(leaderProgressSnapshot(), {}, { columns: 80, rows: 24 }), 1);
    expect(p).toMatch(/n5\s+2\s+3\s+1 probe/);
    expect(p).toMatch(/n2\s+7\s+8\s+0 repl/);
  });

  it("colours the leader's whole border", () => {
    const s = leaderProgressSnapshot();
    const layout = computeLayout(120, 36, 5);
    const lines = panelLines({ node: s.nodes[0]!, snapshot: s, width: 40, height: 12, plan: layout.plan, selected: false });
    const borderSpans = [lines[0]![0]!, lines[5]![0]!, lines[5]!.at(-1)!, lines.at(-1)!.at(-1)!];
    for (const span of borderSpans) expect(span.color).toBe('green');
  });
});

describe("a candidate's tally", () => {
  it('shows the votes it has of the majority it needs, and who refused', () => {
    const p = panelOf(screen(electionSnapshot()), 2);
    expect(p).toContain('CANDIDATE');
    expect(p).toContain('votes 3/3: n1 n2 n4 · refused by n3');
  });

  it('says pre-votes for a pre-candidate', () => {
    const s = electionSnapshot();
    s.nodes[1] = { ...s.nodes[1]!, role: 'precandidate', term: 3, votes: { granted: [2], refused: [1] } };
    expect(panelOf(screen(s), 2)).toContain('pre-votes 1/3: n2 · refused by n1');
  });
});

describe('log grid', () => {
  it('lines up the logs of Figure 7 by index, marking what differs from the leader', () => {
    const s = figure7Snapshot();
    const lines = logGridLines({ snapshot: s, selected: 1, width: 100, height: 14 }).map(plain);
    expect(lines[0]).toMatch(/index\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+10\s+11\s+12/);
    const row = (id: number): string => lines.find((l) => l.includes(`n${id} `)) ?? '';
    // The leader: terms 1 1 1 4 4 5 5 6 6 6, committed through 8 (the bar after index 8).
    expect(row(1)).toContain(' 1  1  1  4  4  5  5  6│ 6  6');
    // (a) is a prefix of the leader's log: nothing differs.
    expect(row(2)).not.toContain('!');
    // (c) holds an extra entry at 11 the leader lacks; (d) two of term 7.
    expect(row(4)).toMatch(/6 !6 *$/);
    expect(row(5)).toMatch(/!7 !7 *$/);
    // (f): everything from index 4 on is from terms 2 and 3 — never committed, all differ.
    expect(row(7)).toContain(' 1  1  1│!2 !2 !2 !3 !3 !3 !3 !3');
    expect([...differingIndexes(s.nodes[6]!, s.nodes[0])]).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect([...differingIndexes(s.nodes[5]!, s.nodes[0])]).toEqual([6, 7]);
  });

  it('replaces the panels when the view is the log grid', () => {
    const f = screen(figure7Snapshot(), { view: 'log' });
    expect(f).not.toContain('voted for');
    expect(f).toContain('differs from leader n1');
    expect(f).toMatch(/n7 FOLLOWER/);
  });

  it('shows the newest indexes when the logs are wider than the screen', () => {
    const s = figure7Snapshot();
    const lines = logGridLines({ snapshot: s, selected: 1, width: 40, height: 14 }).map(plain);
    expect(lines[0]).toMatch(/12 *$/);
    expect(lines.join('\n')).toMatch(/indexes 1-\d+ are off to the left/);
  });
});

describe('event pane', () => {
  const events: EventLine[] = Array.from({ length: 30 }, (_, i) => ({
    id: i + 1,
    at: i * 1000,
    text: i % 3 === 0 ? `n${i % 5} voted for n3 in term ${i}` : `line ${i}`,
    tone: 'info' as const,
  }));

  it('shows the newest lines, scrolls back, and filters', () => {
    const newest = eventWindow(events, 0, 5, 60, { scroll: 0, filter: null, paused: false }).lines.map(plain);
    expect(newest.at(-1)).toContain('line 29');
    const back = eventWindow(events, 0, 5, 60, { scroll: 10, filter: null, paused: false }).lines.map(plain);
    expect(back.at(-1)).toContain('line 19');
    const filtered = eventWindow(events, 0, 5, 60, { scroll: 0, filter: 'VOTED', paused: false });
    expect(filtered.matching).toBe(10);
    expect(filtered.lines.map(plain).every((l) => l.includes('voted'))).toBe(true);
  });

  it('wraps a long line instead of cutting it off', () => {
    const long: EventLine = {
      id: 1,
      at: 0,
      text: `started 5 nodes, files in ${'/tmp/raft-tui-abcdef'.repeat(3)} (removed on quit)`,
      tone: 'quiet',
    };
    const rows = eventWindow([long], 0, 4, 50, { scroll: 0, filter: null, paused: false }).lines.map(plain);
    expect(rows.join(' ')).toContain('(removed on quit)');
  });

  it('never shows the tail of a wrapped sentence whose head and time are above the pane', () => {
    const wrapped: EventLine = {
      id: 2,
      at: 3000,
      text: 'Only a majority commits: what the stranded leader accepted alone was never committed, and heal rolled it back',
      tone: 'info',
    };
    const after: EventLine = { id: 3, at: 4000, text: 'n2 voted for n4 in term 2', tone: 'info' };
    const all = eventWindow([wrapped, after], 0, 10, 40, { scroll: 0, filter: null, paused: false }).lines.map(plain);
    const rowsOfWrapped = all.filter((l) => l.trim() !== '').length - 1;
    expect(rowsOfWrapped).toBeGreaterThanOrEqual(3);
    // A pane two rows short of the whole sentence: its head scrolls off, so its tail must go too.
    const cut = eventWindow([wrapped, after], 0, rowsOfWrapped - 1, 40, { scroll: 0, filter: null, paused: false });
    const rows = cut.lines.map(plain);
    const shown = rows.filter((l) => l.trim() !== '');
    expect(shown).toEqual([expect.stringMatching(/^00:04 n2 voted for n4/)]);
    // Fully on screen, the sentence keeps its continuation rows.
    expect(all.join(' ')).toContain('rolled it back');
    expect(all.find((l) => l.trim() !== '')).toMatch(/^00:03 Only a majority/);
  });

  it('lists pause and step on the key bar, at 80 columns too', () => {
    for (const width of [80, 120]) {
      const bar = plain(eventDivider(width, { paused: false }));
      expect(bar).toContain('F4 pause');
      expect(bar).toContain('F5 step');
      expect(bar.length).toBe(width);
    }
    expect(plain(eventDivider(80, { paused: true }))).toContain('F4 resume');
  });
});

describe('start hint', () => {
  it('names a partition this cluster has', () => {
    expect(examplePartition(3)).toBe('partition 1 | 2,3');
    expect(examplePartition(5)).toBe('partition 1,2 | 3,4,5');
    expect(plain(resultLine(null, 120, 3))).toContain('partition 1 | 2,3');
    expect(plain(resultLine(null, 120, 1))).not.toContain('partition');
  });

  it('shows it on a three-node dashboard', () => {
    expect(screen(healthySnapshot(3), {}, { columns: 100, rows: 30 })).toContain('partition 1 | 2,3');
  });
});
