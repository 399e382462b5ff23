import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { UiState } from '../../src/tui/controller.js';
import { Dashboard } from '../../src/tui/dashboard.js';
import { truncate } from '../../src/tui/spans.js';
import { healthySnapshot, nodeView, idleUi } from './fixtures.js';

/** Wide and zero-width text a user may type: emoji (with skin tone, a ZWJ family), CJK, a combining accent. */
const ROCKET = '🚀';
const THUMB = '👍🏽';
const FAMILY = '👨‍👩‍👧‍👦';
const CJK = '日本語';
const ACCENT = 'e\u0301te\u0301';

const ui: UiState = idleUi;

afterEach(() => cleanup());

function wideSnapshot() {
  const log = [
    { index: 1, term: 1, command: '' },
    { index: 2, term: 1, command: `SET e = ${ROCKET}` },
    { index: 3, term: 1, command: `SET ${CJK} = ${THUMB}` },
    { index: 4, term: 1, command: `SET f = ${FAMILY}` },
    { index: 5, term: 1, command: `SET ${ACCENT} = ${CJK}${ROCKET}${ACCENT}` },
  ];
  const kv = { e: ROCKET, [CJK]: THUMB, f: FAMILY, [ACCENT]: `${CJK}${ROCKET}${ACCENT}` };
  const snap = healthySnapshot(5);
  snap.nodes = snap.nodes.map((n) =>
    nodeView(n.id, { role: n.role, electionProgress: n.electionProgress, log, kv, commitIndex: 4, lastIndex: 5 }),
  );
  return snap;
}

/** Display columns (not string indexes) where each box-drawing border character sits on a line. */
function borderColumns(line: string): number[] {
  const cols: number[] = [];
  let col = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(line)) {
    if (/[│┃╭╮╰╯┏┓┗┛]/.test(segment)) cols.push(col);
    col += stringWidth(segment);
  }
  return cols;
}

describe('wide text never shifts a border', () => {
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 120, rows: 36 },
  ]) {
    it(`every line is exactly ${size.columns} cells and every panel row has its borders where the panel's top has them (${size.columns}x${size.rows})`, () => {
      const r = render(<Dashboard snapshot={wideSnapshot()} events={[]} origin={0} ui={ui} columns={size.columns} rows={size.rows} />);
      const lines = (r.lastFrame() ?? '').split('\n');
      expect(lines.join('\n')).toContain(ROCKET);
      for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(size.columns);
      // Panel rows: from a line with top corners down to the line with bottom corners.
      const top = lines.findIndex((l) => /[╭┏]/.test(l));
      const bottom = lines.findIndex((l, i) => i > top && /[╰┗]/.test(l));
      expect(top).toBeGreaterThanOrEqual(0);
      expect(bottom).toBeGreaterThan(top);
      const expected = borderColumns(lines[top]!);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      for (let i = top; i <= bottom; i++) expect({ row: i, cols: borderColumns(lines[i]!) }).toEqual({ row: i, cols: expected });
    });
  }

  it('cuts wide text by display cells, keeping whole characters', () => {
    expect(stringWidth(truncate(`${FAMILY}${FAMILY}${FAMILY}`, 4))).toBeLessThanOrEqual(4);
    expect(truncate(`${FAMILY}${FAMILY}${FAMILY}`, 4)).toBe(`${FAMILY}…`);
    expect(truncate(`${ACCENT}xyz`, 4)).toBe('e\u0301te\u0301…');
    expect(stringWidth(truncate(`${CJK}${CJK}`, 5))).toBeLessThanOrEqual(5);
  });
});
