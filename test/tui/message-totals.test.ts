import { describe, expect, it } from 'vitest';
import { createMessageTotals } from '../../src/tui/message-totals.js';
import { healthySnapshot, nodeView, withNodes } from './fixtures.js';

const counted = (sent: number) => ({ sent, received: sent, filtered: 0, badInput: 0 });

describe('message totals', () => {
  it('never go down when a restarted node counts from zero again', () => {
    const totals = createMessageTotals();
    const base = healthySnapshot(3);
    const at = (n2: number) => {
      const s = withNodes(
        base,
        nodeView(1, { counters: counted(100) }),
        nodeView(2, { counters: counted(n2) }),
        nodeView(3, { counters: counted(100) }),
      );
      // What the cluster reports: the plain sum of what each node's transport counts now.
      return { ...s, messages: { sent: 200 + n2, received: 200 + n2, filtered: 0 } };
    };
    expect(totals.apply(at(80)).messages.sent).toBe(280);
    // n2 crashed and came back: its transport counts from 5.
    expect(at(5).messages.sent).toBe(205);
    expect(totals.apply(at(5)).messages.sent).toBe(285);
    expect(totals.apply(at(30)).messages.sent).toBe(310);
  });

  it('hands back the same snapshot when nothing was reset', () => {
    const totals = createMessageTotals();
    const s = healthySnapshot(3);
    const fixed = { ...s, messages: { sent: 3600, received: 3540, filtered: 9 } };
    expect(totals.apply(fixed)).toBe(fixed);
  });
});
