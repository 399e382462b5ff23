import { describe, expect, it } from 'vitest';
import { computeLayout } from '../../src/tui/layout.js';
import { panelLines } from '../../src/tui/panel-lines.js';
import { describeEvent } from '../../src/tui/describe-event.js';
import type { ClusterSnapshot, NodeView } from '../../src/cluster/types.js';
import { healthySnapshot, nodeView } from './fixtures.js';

function panelText(s: ClusterSnapshot, node: NodeView, width = 40): string {
  const layout = computeLayout(120, 36, s.nodes.length);
  return panelLines({ node, snapshot: s, width, height: 12, plan: layout.plan, selected: false })
    .map((line) => line.map((span) => span.text).join(''))
    .join('\n');
}

describe('membership on the dashboard (thesis ch. 4)', () => {
  it("a learner's panel says LEARNER and how far behind the leader's log it is, instead of an election timer", () => {
    const base = healthySnapshot(3);
    const learner = nodeView(4, { lastIndex: 2, voters: [1, 2, 3], learners: [4] });
    const s = { ...base, nodes: [...base.nodes.map((n) => ({ ...n, learners: [4] })), learner] };
    const text = panelText(s, learner);
    expect(text).toContain('n4 LEARNER');
    expect(text).toContain('no vote yet: 5 entries behind n1');
    expect(text).not.toContain('timer');
    // Caught up: it says so.
    expect(panelText(s, { ...learner, lastIndex: 7 })).toContain('no vote yet: caught up with n1');
  });

  it("a removed node's panel says REMOVED, not DOWN, and that its id is not reused", () => {
    const s = healthySnapshot(3);
    const gone = nodeView(3, { up: false, removed: true, kept: { term: 3, votedFor: 1, lastIndex: 7 } });
    const text = panelText(s, gone);
    expect(text).toContain('n3 REMOVED');
    expect(text).not.toContain('DOWN');
    expect(text).toContain('its id n3 is never reused');
    expect(text).toContain('add makes a new node');
  });

  it('the event pane explains each step of adding and removing a node', () => {
    const steps = ['joining', 'learner', 'caught-up', 'voter', 'removing', 'removed'] as const;
    const texts = steps.map((step) => describeEvent({ at: 0, type: 'membership', node: 4, step })?.text);
    expect(texts).toEqual([
      'n4 started with an empty log: it joins as a learner (it receives the log, it does not vote)',
      'n4 is a LEARNER now (the configuration change committed): catching up with the log',
      "n4 caught up with the leader's log: promoting it to voter",
      'n4 is a voter now: majorities count it',
      'removing n4: a configuration change without it goes through the log',
      'n4 is REMOVED (the change committed): it stops, and its id is never used again',
    ]);
  });
});
