/**
 * The real `raft-tui` binary in a real pseudo-terminal (node-pty), its output fed to a headless
 * xterm so tests read the screen a person would see, and type into it key by key.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'raft-tui.js');
const BUILT = join(ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ when it is missing or older than src/ (`npm test` builds first; this covers a
 * direct `vitest run`). Fails with the compiler's output when nothing usable was built.
 */
export function ensureBuilt(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 120_000,
    });
  } catch (error) {
    // Type errors still emit JavaScript; only a missing build is fatal here.
    if (!existsSync(BUILT)) {
      const out = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
      throw new Error(`could not build raft-tui (npm run build):\n${out}`);
    }
  }
}

export interface RunningTui {
  /** The visible screen, one string per row, trailing spaces trimmed. */
  lines(): string[];
  screen(): string;
  type(text: string): void;
  /** Resizes the terminal, as a person dragging the window would. */
  resize(cols: number, rows: number): void;
  /** Polls the screen until `check` passes; fails with the screen after `timeoutMs`. */
  waitFor(check: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  exited(): Promise<number>;
  /** Kills the process if it is still running, and frees the terminal. */
  dispose(): void;
}

export function startTui(args: string[], size: { cols: number; rows: number }, env: Record<string, string> = {}): RunningTui {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI' && k !== 'NO_COLOR') childEnv[k] = v;
  Object.assign(childEnv, { TERM: 'xterm-256color', ...env });
  const term = new xterm.Terminal({ cols: size.cols, rows: size.rows, allowProposedApi: true });
  const child = pty.spawn(process.execPath, [BIN, ...args], {
    cols: size.cols,
    rows: size.rows,
    cwd: ROOT,
    env: childEnv,
    name: 'xterm-256color',
  });
  let exitCode: number | undefined;
  let output = '';
  const exit = new Promise<number>((resolve) => {
    child.onExit((e) => {
      exitCode = e.exitCode;
      resolve(e.exitCode);
    });
  });
  child.onData((data) => {
    output += data;
    if (output.length > 20_000) output = output.slice(-10_000);
    term.write(data);
  });
  let rows = size.rows;
  const lines = (): string[] => {
    const buffer = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < rows; i++) out.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return out;
  };
  const screen = (): string => lines().join('\n');
  return {
    lines,
    screen,
    type: (text) => child.write(text),
    resize(cols, newRows) {
      rows = newRows;
      term.resize(cols, newRows);
      child.resize(cols, newRows);
    },
    async waitFor(check, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (check(s)) return s;
        if (exitCode !== undefined)
          throw new Error(`raft-tui exited (${exitCode}) while waiting for ${what}; last output:\n${output.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    exited: () => exit,
    dispose() {
      if (exitCode === undefined) {
        try {
          child.kill();
        } catch {
          // already gone
        }
      }
      term.dispose();
    },
  };
}
