/**
 * The console language (src/console) bound to one cluster, as the dashboard uses it: run a
 * typed line, and play a script reporting each line as it starts and ends.
 */
import type { Cluster } from '../cluster/types.js';
import { executeConsoleLine, runScript } from '../console/index.js';
import type { CommandOutcome } from '../tui/controller.js';

export interface ScriptHooks {
  /** Aborted when the person quits: playback stops before the next line. */
  signal: AbortSignal;
  /** A line starts. */
  line: (lineNo: number, text: string) => void;
  /** A line ended with this outcome. */
  outcome: (lineNo: number, text: string, outcome: CommandOutcome) => void;
}

export interface ConsoleBridge {
  run: (line: string) => Promise<CommandOutcome>;
  /**
   * Plays a script; every line is checked before the first runs, and playback stops at the
   * first line that fails. Resolves with how it ended; a failure names the file and line.
   */
  playScript: (text: string, fileName: string, hooks: ScriptHooks) => Promise<CommandOutcome>;
}

export function consoleBridge(cluster: Cluster): ConsoleBridge {
  return {
    run: (line) => executeConsoleLine(cluster, line),
    async playScript(text, fileName, hooks) {
      const result = await runScript(cluster, text, fileName, hooks.outcome, { signal: hooks.signal, onStart: hooks.line });
      if (!result.ok) return { ok: false, message: result.message };
      return { ok: true, message: result.quit ? `${fileName}: ended with quit` : `${fileName}: every line ran` };
    },
  };
}
