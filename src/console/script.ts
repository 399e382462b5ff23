import type { Cluster } from '../cluster/types.js';
import { parseConsoleLine } from './parse.js';
import { runConsoleCommand, type RunOptions } from './run.js';
import type { CommandOutcome, ConsoleCommand } from './types.js';

export interface ScriptOptions extends RunOptions {
  /** Stops playback before the next line once aborted (the person quit). */
  signal?: AbortSignal;
  /** Called as each command line starts. */
  onStart?: (lineNo: number, line: string) => void;
}

export type ScriptResult = { ok: true /** The script ended with `quit`. */; quit?: true } | { ok: false; message: string };

/**
 * Plays a script of console commands, one a line; blank lines and `#` comments are skipped.
 *
 * Every line is parsed before anything runs, so a typo on line 40 stops the script before
 * line 1 changes the cluster. Then the lines run in order, each after the previous finished,
 * and the script stops at the first command whose outcome is not ok: a SET refused for want
 * of a leader or timed out, a `wait leader` that ran out of time, crashing a node that is
 * already down. A script that means to survive a leaderless moment says `wait leader` first.
 * `quit` ends the script there. Messages name the file and line: `demo.txt:4: unknown node 7: ...`.
 */
export async function runScript(
  cluster: Cluster,
  text: string,
  fileName: string,
  onLine?: (lineNo: number, line: string, outcome: CommandOutcome) => void,
  options: ScriptOptions = {},
): Promise<ScriptResult> {
  const steps: { lineNo: number; line: string; command: ConsoleCommand }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const parsed = parseConsoleLine(line, { ids: cluster.ids });
    if (!parsed.ok) return { ok: false, message: `${fileName}:${i + 1}: ${parsed.message}` };
    if (parsed.command) steps.push({ lineNo: i + 1, line: line.trim(), command: parsed.command });
  }
  for (const { lineNo, line, command } of steps) {
    if (options.signal?.aborted) return { ok: false, message: `${fileName}:${lineNo}: stopped before this line` };
    options.onStart?.(lineNo, line);
    const outcome = await runConsoleCommand(cluster, command, { ...options, line });
    onLine?.(lineNo, line, outcome);
    // A background command's answer is reported on its own line when it comes; the script has
    // moved on, so a failed answer does not stop it.
    if (outcome.later) void outcome.later.then((answer) => onLine?.(lineNo, line, answer));
    if (!outcome.ok) return { ok: false, message: `${fileName}:${lineNo}: ${outcome.message}` };
    if (outcome.quit) return { ok: true, quit: true };
  }
  return { ok: true };
}
