import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { ClusterSnapshot } from '../../src/cluster/types.js';
import type { UiState } from '../../src/tui/controller.js';
import { Dashboard } from '../../src/tui/dashboard.js';
import type { EventLine } from '../../src/tui/event-log.js';
import { healthySnapshot, nodeView, partitionedSnapshot, withNodes, idleUi } from './fixtures.js';

const ui: UiState = idleUi;

afterEach(() => cleanup());

function frame(
  snapshot: ClusterSnapshot,
  change: Partial<UiState> = {},
  size = { columns: 100, rows: 30 },
  events: EventLine[] = [],
): string {
  const r = render(
    <Dashboard snapshot={snapshot} events={events} origin={0} ui={{ ...ui, ...change }} columns={size.columns} rows={size.rows} />,
  );
  return r.lastFrame() ?? '';
}

/** The panel of node `id`: the lines from its title down to its bottom border, only its columns. */
function panelOf(text: string, id: number): string {
  const lines = text.split('\n');
  const top = lines.findIndex((l) => new RegExp(`[─━] (▶ )?n${id} `).test(l));
  if (top < 0) throw new Error(`no panel for n${id} in:\n${text}`);
  const start = Math.max(
    lines[top]!.lastIndexOf('╭', lines[top]!.indexOf(`n${id} `)),
    lines[top]!.lastIndexOf('┏', lines[top]!.indexOf(`n${id} `)),
  );
  const out: string[] = [];
  for (let i = top; i < lines.length; i++) {
    const l = lines[i]!;
    const rest = l.slice(start);
    const end = rest.slice(1).search(/[╮┓│┃╯┛]/) + 2;
    out.push(rest.slice(0, end));
    if (/^[╰┗]/.test(rest)) break;
  }
  return out.join('\n');
}

describe('Dashboard', () => {
  it('shows a leader panel with its role in words, term, vote, indexes and log', () => {
    const p = panelOf(frame(healthySnapshot()), 1);
    expect(p).toContain('LEADER');
    expect(p).toContain(':40101');
    expect(p).toMatch(/term 3 +vote n1 +lead n1/);
    expect(p).toMatch(/commit 6 +applied 6/);
    expect(p).toContain('sending heartbeats');
    expect(p).toMatch(/✓ 6 t3 SET z = 3/);
    expect(p).toMatch(/kv x=1 +y=2 +z=3/);
  });

  it('marks committed and uncommitted entries differently in words-free symbols', () => {
    const p = panelOf(frame(healthySnapshot()), 2);
    expect(p).toMatch(/✓ 6 t3 SET z = 3/);
    expect(p).toMatch(/○ 7 t3 SET w = 4/);
  });

  it('shows a follower with its election timer', () => {
    const p = panelOf(frame(healthySnapshot()), 2);
    expect(p).toContain('FOLLOWER');
    // The timer restarts on every AppendEntries from the leader: what ran is its last contact.
    expect(p).toMatch(/n1 1\.0s ago ▰+▱+ of 2\.5s/);
  });

  it('shows a candidate and a pre-candidate by name', () => {
    const s = withNodes(
      healthySnapshot(),
      nodeView(4, { role: 'candidate', term: 4, votedFor: 4, leader: null }),
      nodeView(5, { role: 'precandidate', leader: null }),
    );
    const f = frame(s);
    expect(panelOf(f, 4)).toContain('CANDIDATE');
    expect(panelOf(f, 4)).toMatch(/term 4 +vote n4 +lead \?/);
    expect(panelOf(f, 5)).toContain('PRE-CANDIDATE');
  });

  it('shows a crashed node as DOWN with what its disk kept', () => {
    const s = withNodes(
      healthySnapshot(),
      nodeView(2, { up: false, log: [], kv: {}, electionProgress: null, kept: { term: 3, votedFor: 1, lastIndex: 7 } }),
    );
    const p = panelOf(frame(s), 2);
    expect(p).toContain('DOWN');
    expect(p).toMatch(/term 3 +vote n1/);
    expect(p).toContain('log 7 entries');
    expect(p).not.toContain('FOLLOWER');
  });

  it('shows a node refused at start-up as DOWN and refused, not as crashed with a disk it does not have', () => {
    const s = withNodes(
      healthySnapshot(),
      nodeView(2, { up: false, log: [], kv: {}, electionProgress: null, kept: null, refused: 'refused to start: node-2 has lost log.bin' }),
    );
    const p = panelOf(frame(s), 2);
    expect(p).toContain('DOWN');
    expect(p).toContain('refused to start');
    expect(p).toContain('restore');
    expect(p).not.toMatch(/crashed|revives it/);
  });

  it('shows each node’s partition side and the partition in the cluster line', () => {
    const f = frame(partitionedSnapshot());
    expect(f.split('\n')[0]).toContain('partition {1,2} | {3,4,5}');
    expect(panelOf(f, 1)).toContain('side {1,2}');
    expect(panelOf(f, 4)).toContain('side {3,4,5}');
  });

  it('says when a node is isolated, and which peers a node cannot reach', () => {
    const s = healthySnapshot(5, { faults: { partition: [[1], [2, 3, 4, 5]], cuts: [], dropRate: 0, duplicateRate: 0, delayMs: null } });
    const isolated = withNodes(s, nodeView(1, { role: 'leader', partitionGroup: 1, unreachable: [2, 3, 4, 5] }));
    expect(panelOf(frame(isolated), 1)).toContain('ISOLATED');
    const down = withNodes(healthySnapshot(), nodeView(3, { unreachable: [2] }));
    expect(panelOf(frame(down), 3)).toContain("can't reach n2");
  });

  it('shows an error result in words, not only in red', () => {
    const f = frame(healthySnapshot(), {
      result: { line: 'crash 7', status: 'error', message: 'unknown node 7: this cluster has nodes 1-5' },
    });
    expect(f).toContain('✘ error crash 7 → unknown node 7: this cluster has nodes 1-5');
  });

  it('shows an ok result', () => {
    const f = frame(healthySnapshot(), { result: { line: 'SET x = 1', status: 'ok', message: 'committed at index 8' } });
    expect(f).toContain('✔ ok SET x = 1 → committed at index 8');
  });

  it('opens a help overlay listing keys and commands in place of the panels', () => {
    const f = frame(healthySnapshot(), { helpOpen: true });
    expect(f).toContain('F2 Ctrl-X');
    expect(f).toContain('crash / restart node');
    expect(f).toContain('partition 1,2 | 3,4,5');
    expect(f).not.toContain('FOLLOWER');
  });

  it('highlights the selected node', () => {
    const f = frame(healthySnapshot(), { selected: 3 });
    expect(f).toContain('▶ n3 FOLLOWER');
    expect(f).toContain('┏');
    expect(f.match(/▶/g)).toHaveLength(1);
  });

  it('fits five readable nodes into 80×24', () => {
    const f = frame(healthySnapshot(), {}, { columns: 80, rows: 24 });
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    for (let id = 1; id <= 5; id++) {
      const p = panelOf(f, id);
      expect(p).toMatch(/term 3/);
      expect(p).toMatch(/[✓○] \d t\d/);
    }
    expect(f).toContain('raft> ');
  });

  it('shows the newest events with their time', () => {
    const events: EventLine[] = [
      { id: 1, at: 2_000, text: 'n3 became candidate for term 4: no heartbeat for 2.1 s', tone: 'warn' },
      { id: 2, at: 65_000, text: 'SET x = 1 committed at index 7 (majority n1 n2 n4)', tone: 'good' },
    ];
    const f = frame(healthySnapshot(), {}, { columns: 100, rows: 30 }, events);
    expect(f).toContain('00:02 n3 became candidate for term 4: no heartbeat for 2.1 s');
    expect(f).toContain('01:05 SET x = 1 committed at index 7 (majority n1 n2 n4)');
  });

  it('shows the typed line at the prompt', () => {
    expect(frame(healthySnapshot(), { line: 'SET x = 1', cursor: 9 })).toContain('raft> SET x = 1');
  });

  it('asks for a bigger terminal when it cannot fit', () => {
    expect(frame(healthySnapshot(9), {}, { columns: 30, rows: 10 })).toMatch(/needs a terminal of\s+at least/);
  });
});

describe('Dashboard titles', () => {
  it('keeps PRE-CANDIDATE whole in a narrow panel, dropping the port instead', () => {
    const s = withNodes(healthySnapshot(), nodeView(2, { role: 'precandidate', leader: null }));
    const f = frame(s, {}, { columns: 80, rows: 24 });
    expect(f).toContain('n2 PRE-CANDIDATE');
    expect(panelOf(f, 2)).not.toContain(':40102');
    expect(panelOf(f, 3)).toContain(':40103');
  });
});

describe('Dashboard help overlay', () => {
  it('scrolls when the terminal is too short for every line, and says how much is left', () => {
    const top = frame(healthySnapshot(), { helpOpen: true }, { columns: 80, rows: 24 });
    expect(top).toMatch(/↓ \d+ more lines/);
    expect(top).toContain('F2 Ctrl-X');
    const bottom = frame(healthySnapshot(), { helpOpen: true, helpScroll: 1000 }, { columns: 80, rows: 24 });
    expect(bottom).toContain('quit');
    expect(bottom).not.toMatch(/↓ \d+ more lines/);
  });

  it('shows one command’s details when help <command> asked for them', () => {
    const f = frame(healthySnapshot(), {
      helpOpen: true,
      helpText: 'crash <id|leader> — stop a node\n\nIt loses memory and keeps its disk.',
    });
    expect(f).toContain('It loses memory and keeps its disk.');
  });
});
