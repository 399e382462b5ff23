import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { UiState } from '../../src/tui/controller.js';
import { Dashboard } from '../../src/tui/dashboard.js';
import { describeEvent } from '../../src/tui/describe-event.js';
import { progressLines } from '../../src/tui/panel-lines.js';
import { healthySnapshot, nodeView, withNodes, idleUi } from './fixtures.js';

const ui: UiState = idleUi;

afterEach(() => cleanup());

const LOG = [
  { index: 1201, term: 3, command: 'SET a = 1' },
  { index: 1202, term: 3, command: 'SET b = 2' },
];

describe('snapshots on the dashboard (§7)', () => {
  it("shows each node's snapshot point at the head of its log tail", () => {
    const snap = withNodes(
      healthySnapshot(),
      nodeView(2, { snapshotIndex: 1200, snapshotTerm: 3, log: LOG, lastIndex: 1202, commitIndex: 1202, lastApplied: 1202 }),
    );
    const text = render(<Dashboard snapshot={snap} events={[]} origin={0} ui={ui} columns={120} rows={36} />).lastFrame() ?? '';
    expect(text).toContain('▣ snapshot ≤ 1200 t3');
    expect(text).toMatch(/1202 t3 SET b = 2/);
  });

  it('says in words when a follower is brought up to date by a snapshot, and when one is taken', () => {
    const installed = describeEvent(
      { type: 'raft', at: 0, node: 4, event: { kind: 'snapshot-received', leader: 1, index: 1200, term: 3, installed: true, kept: 0 } },
      {},
    );
    expect(installed?.text).toBe('n4 was brought up to date by a snapshot ≤ 1200 t3 from n1');
    const taken = describeEvent(
      { type: 'raft', at: 0, node: 2, event: { kind: 'snapshot-taken', index: 1200, term: 3, compacted: 1200 } },
      {},
    );
    expect(taken?.text).toBe('n2 took a snapshot ≤ 1200 t3: 1200 entries compacted');
  });
});

describe("the leader's progress table during an InstallSnapshot (§7)", () => {
  it('shows the snapshot on its way and how far along it is', () => {
    const leader = nodeView(1, {
      role: 'leader',
      electionProgress: null,
      progress: [
        { peer: 2, match: 7, next: 8, inflight: 0, state: 'replicate' },
        { peer: 3, match: 0, next: 1201, inflight: 1, state: 'snapshot', snapshot: { index: 1200, term: 3, acked: 400, size: 1000 } },
      ],
    });
    const lines = progressLines(leader, 40).map((l) => l.map((s) => s.text).join(''));
    expect(lines.find((l) => l.startsWith('n3'))).toMatch(/snapshot ≤1200 40%/);
    expect(
      progressLines(leader, 30)
        .find((l) => l[0]?.text.startsWith('n3'))
        ?.map((s) => s.text)
        .join(''),
    ).toMatch(/snap 40%/);
  });
});
