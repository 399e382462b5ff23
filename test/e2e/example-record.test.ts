/**
 * What the issue calls done: `raft-tui --example stranded-leader --record demo.cast` gives the
 * same story every time. The real binary in a real pseudo-terminal, twice; the two recordings
 * must hold the same output up to the end of the story (timestamps aside).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../src/tui/keys.js';
import { ensureBuilt, startTui, type RunningTui } from './terminal.js';

let tui: RunningTui | undefined;
const dir = mkdtempSync(join(tmpdir(), 'raft-tui-record-'));

beforeAll(() => ensureBuilt(), 180_000);
afterEach(() => {
  tui?.dispose();
  tui = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Plays the example (four times its own pace, to keep the test short), records it, quits. */
async function record(file: string): Promise<string[]> {
  const path = join(dir, file);
  const t = (tui = startTui(['--example', 'stranded-leader', '--speed', '1', '--record', path], { cols: 100, rows: 30 }));
  await t.waitFor((s) => s.includes('every line ran'), 'the end of the story', 60_000);
  t.type(encodeKey('ctrl-c'));
  expect(await t.exited()).toBe(0);
  tui = undefined;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(lines[0]!) as { version: number; width: number; height: number; title: string };
  expect(header).toMatchObject({ version: 2, width: 100, height: 30, title: 'raft-tui --example stranded-leader --seed 1' });
  const output = lines
    .slice(1)
    .map((l) => JSON.parse(l) as [number, string, string])
    .filter((e) => e[1] === 'o')
    .map((e) => e[2]);
  // Time keeps running after the story until the person quits: compare up to its end (the
  // first write after which the screen says so: only changed cells are written).
  const term = new xterm.Terminal({ cols: 100, rows: 30, allowProposedApi: true });
  let end = -1;
  for (let i = 0; i < output.length && end < 0; i++) {
    await new Promise<void>((resolve) => term.write(output[i]!, resolve));
    const b = term.buffer.active;
    const rows = Array.from({ length: 30 }, (_, y) => b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    if (rows.some((r) => r.includes('every line ran'))) end = i;
  }
  term.dispose();
  expect(end).toBeGreaterThan(10);
  return output.slice(0, end + 1);
}

describe('raft-tui --example stranded-leader --record demo.cast', () => {
  it('records the same story every time', async () => {
    const first = await record('a.cast');
    const second = await record('b.cast');
    expect(first.join('')).toContain('\x1b[?1049h');
    expect(second).toEqual(first);
  }, 120_000);
});
