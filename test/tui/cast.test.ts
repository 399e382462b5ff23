/**
 * --record: the asciicast v2 file the dashboard writes, checked against the v2 specification by
 * a parser of our own; and --sim's promise that the same example and seed give the same cast.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import xterm from '@xterm/headless';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleClusterOptions, loadExample } from '../../src/cli/examples.js';
import { createCluster } from '../../src/cluster/create-cluster.js';
import { executeConsoleLine, runScript } from '../../src/console/index.js';

// Ink draws nothing while CI is set (it decides when it is first imported, below).
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;

const dir = mkdtempSync(join(tmpdir(), 'raft-tui-cast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Cast {
  header: { version: number; width: number; height: number; timestamp?: number; title?: string; env?: Record<string, string> };
  events: [number, string, string][];
}

/**
 * Parses asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): line 1 a JSON object
 * with version 2 and integer width and height (timestamp an integer, title a string, env an
 * object of strings, when present); every other line a JSON array [time, code, data] with time
 * a number of seconds that never decreases, code one of o i m r, data a string ("r": COLSxROWS).
 */
function parseCast(text: string): Cast {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = JSON.parse(lines[0] ?? '') as Cast['header'];
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error('header is not an object');
  if (header.version !== 2) throw new Error(`version ${header.version}, not 2`);
  for (const k of ['width', 'height'] as const)
    if (!Number.isInteger(header[k]) || header[k] <= 0) throw new Error(`${k} must be a positive integer`);
  if (header.timestamp !== undefined && !Number.isInteger(header.timestamp)) throw new Error('timestamp must be an integer');
  if (header.title !== undefined && typeof header.title !== 'string') throw new Error('title must be a string');
  if (header.env !== undefined && Object.values(header.env).some((v) => typeof v !== 'string'))
    throw new Error('env values must be strings');
  const events: Cast['events'] = [];
  let last = 0;
  lines.slice(1).forEach((line, i) => {
    const e = JSON.parse(line) as unknown;
    if (!Array.isArray(e) || e.length !== 3) throw new Error(`event ${i + 1} is not [time, code, data]`);
    const [time, code, data] = e as [unknown, unknown, unknown];
    if (typeof time !== 'number' || !(time >= last)) throw new Error(`event ${i + 1}: time ${String(time)} is not a number >= ${last}`);
    if (typeof code !== 'string' || !['o', 'i', 'm', 'r'].includes(code)) throw new Error(`event ${i + 1}: code ${String(code)}`);
    if (typeof data !== 'string') throw new Error(`event ${i + 1}: data is not a string`);
    if (code === 'r' && !/^\d+x\d+$/.test(data)) throw new Error(`event ${i + 1}: resize ${data}`);
    last = time;
    events.push([time, code, data]);
  });
  return { header, events };
}

/** The screen after each output event, as a terminal of the cast's size shows it. */
async function played(cast: Cast): Promise<string[]> {
  const term = new xterm.Terminal({ cols: cast.header.width, rows: cast.header.height, allowProposedApi: true });
  const screens: string[] = [];
  for (const [, code, data] of cast.events) {
    if (code !== 'o') continue;
    await new Promise<void>((resolve) => term.write(data, resolve));
    const b = term.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < cast.header.height; y++) rows.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    screens.push(rows.join('\n'));
  }
  term.dispose();
  return screens;
}

/** A terminal of 100×30 that swallows what it is sent. */
function fakeTerminal(): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream } {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 30 }) as unknown as NodeJS.WriteStream;
  stdout.resume();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  const stdin = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
  return { stdout, stdin, stderr };
}

/** Plays an example in the dashboard on the simulator, recorded; returns the cast's text. */
async function recordExample(name: string, file: string, speed: number): Promise<string> {
  const { runDashboard } = await import('../../src/tui/run-dashboard.js');
  const example = loadExample(name);
  const cluster = await createCluster({ ...exampleClusterOptions(example), clock: 'paced', speed });
  const path = join(dir, file);
  try {
    await runDashboard(cluster, {
      ...fakeTerminal(),
      run: (line) => executeConsoleLine(cluster, line),
      clusterTime: true,
      record: { path, title: `raft-tui --example ${name}` },
      afterStart: async ({ controller, signal }) => {
        const ended = await runScript(
          cluster,
          example.text,
          `examples/${name}.txt`,
          (no, line, outcome) => controller.showResult(`${no} ${line}`, outcome),
          {
            signal,
          },
        );
        await controller.runLine('quit');
        expect(ended).toEqual({ ok: true });
      },
    });
  } finally {
    await cluster.stop();
  }
  return readFileSync(path, 'utf8');
}

describe('--record', () => {
  it('writes a valid asciicast v2 of the dashboard, and --sim gives the same cast every time (timestamps aside)', async () => {
    const first = parseCast(await recordExample('stranded-leader', 'a.cast', 8));
    const second = parseCast(await recordExample('stranded-leader', 'b.cast', 8));
    expect(first.header).toMatchObject({ version: 2, width: 100, height: 30, title: 'raft-tui --example stranded-leader' });
    const output = (c: Cast) => c.events.filter((e) => e[1] === 'o').map((e) => e[2]);
    expect(output(first).join('')).toContain('\x1b[?1049h'); // the alternate screen, as the terminal was told
    // What a player shows: only changed cells are written, so read the screens, not the bytes.
    const screens = await played(first);
    expect(screens.some((s) => s.includes('sim'))).toBe(true);
    expect(screens.some((s) => s.includes('The network splits'))).toBe(true); // a caption
    expect(screens.some((s) => s.includes('n3 LEADER'))).toBe(true);
    expect(output(first).length).toBeGreaterThan(10); // many frames, not one
    expect(output(second)).toEqual(output(first));
  }, 60_000);
});
