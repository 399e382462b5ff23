/**
 * `npm run cast-size`: how big an idle recording is. Runs the built `raft-tui --sim --seed 1
 * --record FILE.cast` in a real pseudo-terminal for a stretch of wall time (default 60 s at
 * 120×36), quits, and reports the cast's size, its frames and the median bytes a frame, then
 * replays it in a headless terminal to say which rows changed most (cells changed, summed over
 * frames). Usage: `npm run cast-size -- [seconds] [COLSxROWS] [extra raft-tui flags…]`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

async function main(): Promise<void> {
  const [secondsArg, sizeArg, ...extra] = process.argv.slice(2);
  const seconds = Number(secondsArg ?? 60);
  const [cols, rows] = (sizeArg ?? '120x36').split('x').map(Number) as [number, number];
  const dir = mkdtempSync(join(tmpdir(), 'raft-tui-cast-size-'));
  const path = process.env.KEEP_CAST ?? join(dir, 'idle.cast');
  const args = ['--sim', '--seed', '1', '--record', path, ...extra];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI' && k !== 'NO_COLOR') env[k] = v;
  env.TERM = 'xterm-256color';
  const child = pty.spawn(process.execPath, [join(ROOT, 'bin', 'raft-tui.js'), ...args], {
    cols,
    rows,
    cwd: ROOT,
    env,
    name: 'xterm-256color',
  });
  const exited = new Promise<number>((resolve) => child.onExit((e) => resolve(e.exitCode)));
  child.onData(() => {});
  await new Promise((r) => setTimeout(r, seconds * 1000));
  child.write('\x03'); // Ctrl-C quits
  const code = await exited;
  try {
    report(readFileSync(path, 'utf8'), statSync(path).size, { seconds, cols, rows, args, code });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(text: string, bytes: number, run: { seconds: number; cols: number; rows: number; args: string[]; code: number }): void {
  const lines = text.split('\n').filter(Boolean);
  const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
  const frames = events.filter((e) => e[1] === 'o').map((e) => e[2]);
  const sizes = frames.map((f) => Buffer.byteLength(f)).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`raft-tui ${run.args.join(' ')} at ${run.cols}x${run.rows} for ${run.seconds} s (exit ${run.code})`);
  console.log(
    `  cast: ${kb(bytes)} (${bytes} bytes), ${frames.length} output events, median ${median} bytes, largest ${sizes.at(-1) ?? 0}`,
  );
  console.log(`  output bytes by span of the run: ${thirds(events).map(kb).join(' | ')}`);
  // Replay the frames: which rows changed, and by how many cells.
  const term = new xterm.Terminal({ cols: run.cols, rows: run.rows, allowProposedApi: true });
  const perRow = new Array<number>(run.rows).fill(0);
  const rowsTouched = new Array<number>(run.rows).fill(0);
  let before = screen(term, run.rows);
  /** The last screen that was not blank (the run ends by leaving the alternate screen). */
  let shown = before;
  let chain = Promise.resolve();
  for (const f of frames) {
    chain = chain.then(
      () =>
        new Promise<void>((resolve) =>
          term.write(f, () => {
            const after = screen(term, run.rows);
            after.forEach((row, i) => {
              const old = before[i] ?? '';
              let changed = 0;
              for (let c = 0; c < Math.max(row.length, old.length); c++) if (row[c] !== old[c]) changed++;
              perRow[i] = (perRow[i] ?? 0) + changed;
              if (changed > 0) rowsTouched[i] = (rowsTouched[i] ?? 0) + 1;
            });
            before = after;
            if (after.some((r) => r.trim() !== '')) shown = after;
            resolve();
          }),
        ),
    );
  }
  void chain.then(() => {
    const last = shown;
    console.log('  row  frames-changed  cells-changed  last screen');
    perRow.forEach((cells, i) => {
      console.log(
        `  ${String(i + 1).padStart(3)}  ${String(rowsTouched[i]).padStart(14)}  ${String(cells).padStart(13)}  ${last[i]?.trimEnd().slice(0, 90) ?? ''}`,
      );
    });
    term.dispose();
  });
}

/** Output bytes in the first, middle and last third of the run. */
function thirds(events: [number, string, string][]): number[] {
  const end = events.at(-1)?.[0] ?? 0;
  const out = [0, 0, 0];
  for (const [t, code, data] of events) if (code === 'o') out[Math.min(2, Math.floor((t / (end || 1)) * 3))]! += Buffer.byteLength(data);
  return out;
}

function screen(term: xterm.Terminal, rows: number): string[] {
  const buffer = term.buffer.active;
  const out: string[] = [];
  for (let i = 0; i < rows; i++) out.push(buffer.getLine(buffer.viewportY + i)?.translateToString(false) ?? '');
  return out;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
