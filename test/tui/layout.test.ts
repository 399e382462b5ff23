import { describe, expect, it } from 'vitest';
import { computeLayout, planPanel } from '../../src/tui/layout.js';
import { fitLine, plain, textWidth, truncate } from '../../src/tui/spans.js';

describe('computeLayout', () => {
  it('puts five nodes in a 3+2 grid at 80×24 with room for events', () => {
    const l = computeLayout(80, 24, 5);
    expect([l.panelColumns, l.panelRows]).toEqual([3, 2]);
    expect(l.panelWidths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(80);
    expect(l.eventLines).toBeGreaterThanOrEqual(3);
    expect(l.plan.compact).toBe(true);
    expect(l.plan.logLines).toBeGreaterThanOrEqual(2);
    // header + panels + divider + events + result + prompt fill the frame, one row short of the screen
    expect(1 + l.panelRows * l.panelHeight + 1 + l.eventLines + 2).toBe(23);
  });

  it('shows more detail on a 120×36 terminal', () => {
    const small = computeLayout(80, 24, 5);
    const big = computeLayout(120, 36, 5);
    expect(big.plan.logLines).toBeGreaterThan(small.plan.logLines);
    expect(big.eventLines).toBeGreaterThan(small.eventLines);
    expect(big.plan.counters).toBe(true);
    expect(big.plan.compact).toBe(false);
  });

  it('fits nine nodes into 80×24 and gives up below the minimum size', () => {
    const l = computeLayout(80, 24, 9);
    expect(l.tooSmall).toBe(false);
    expect(l.panelRows * l.panelHeight).toBeLessThanOrEqual(23 - 4);
    expect(computeLayout(30, 10, 5).tooSmall).toBe(true);
  });

  it('shares panel lines by importance', () => {
    expect(planPanel(1, 24)).toMatchObject({ logLines: 0, indexes: false, timer: false });
    expect(planPanel(3, 24)).toMatchObject({ logLines: 1, indexes: true, timer: false });
    expect(planPanel(6, 24)).toMatchObject({ logLines: 2, indexes: true, timer: true, kvLines: 1 });
  });
});

describe('spans', () => {
  it('fits a line to an exact width, cutting with an ellipsis', () => {
    expect(plain(fitLine([{ text: 'abc' }], 6))).toBe('abc   ');
    expect(plain(fitLine([{ text: 'abc' }, { text: 'defgh' }], 6))).toBe('abcde…');
    expect(truncate('hello world', 5)).toBe('hell…');
  });

  it('counts wide characters as two cells', () => {
    expect(textWidth('日本')).toBe(4);
    expect(textWidth(plain(fitLine([{ text: '日本語のテキスト' }], 7)))).toBeLessThanOrEqual(7);
  });
});

describe('computeLayout grid choice', () => {
  it('prefers two rows of wide panels over one row of narrow ones', () => {
    const l = computeLayout(130, 40, 5);
    expect([l.panelColumns, l.panelRows]).toEqual([3, 2]);
    expect(l.plan.compact).toBe(false);
  });

  it('keeps three nodes side by side at 80×24', () => {
    expect(computeLayout(80, 24, 3).panelRows).toBe(1);
  });
});
