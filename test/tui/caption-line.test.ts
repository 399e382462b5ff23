import { describe, expect, it } from 'vitest';
import { captionLines } from '../../src/tui/caption-line.js';
import { dashboardFrame } from '../../src/tui/frame.js';
import { lineWidth, plain } from '../../src/tui/spans.js';
import { healthySnapshot, idleUi } from './fixtures.js';

const LONG = 'Committed: n5 applied it and answered. The followers apply it when its next heartbeat brings the commit index (§5.3)';

describe('the caption (say)', () => {
  it('is one line, the width of the terminal, when it fits', () => {
    const lines = captionLines('Five nodes elect a leader', 80, 2);
    expect(lines).toHaveLength(1);
    expect(lineWidth(lines[0]!)).toBe(80);
    expect(plain(lines[0]!).trim()).toBe('Five nodes elect a leader');
  });

  it('wraps at spaces onto a second line when the terminal is too narrow, every word whole', () => {
    const lines = captionLines(LONG, 80, 2);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(lineWidth(l)).toBe(80);
    expect(lines.map((l) => plain(l).trim()).join(' ')).toBe(LONG);
    expect(captionLines(LONG, 120, 2)).toHaveLength(1);
  });

  it('cuts the last line it may use with "…" when even those are too few', () => {
    const lines = captionLines(LONG, 40, 2);
    expect(lines).toHaveLength(2);
    expect(plain(lines[1]!).trimEnd().endsWith('…')).toBe(true);
    expect(plain(lines[0]!).trim()).toBe(LONG.slice(0, plain(lines[0]!).trim().length));
  });

  it('takes event rows, not more: an 80×24 dashboard with a two-line caption is still 24 lines', () => {
    const input = { snapshot: healthySnapshot(5), events: [], origin: 0, columns: 80, rows: 24 };
    const without = dashboardFrame({ ...input, ui: idleUi });
    const frame = dashboardFrame({ ...input, ui: { ...idleUi, caption: LONG } });
    expect(frame.lines).toHaveLength(without.lines.length);
    expect(frame.lines.length).toBeLessThanOrEqual(24);
    expect(plain(frame.lines[1]!).trim()).toBe(plain(captionLines(LONG, 80, 2)[0]!).trim());
    expect(plain(frame.lines[2]!).trim()).toBe(plain(captionLines(LONG, 80, 2)[1]!).trim());
  });
});
