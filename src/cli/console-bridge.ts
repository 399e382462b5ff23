/**
 * The console language bound to one cluster, as the dashboard uses it: run a line, the command
 * list for the help overlay, and script playback with a hook per line.
 *
 * Interim: until src/console lands, this understands a small subset (SET, crash, restart,
 * isolate, partition, heal, pause, resume, step, quit) with the cluster API directly.
 */
import type { Cluster } from '../cluster/types.js';
import type { CommandOutcome } from '../tui/controller.js';

export interface ScriptHooks {
  /** Aborted when the person quits: playback stops before the next line. */
  signal: AbortSignal;
  line: (lineNo: number, text: string) => void;
  outcome: (lineNo: number, text: string, outcome: CommandOutcome) => void;
}

export interface ConsoleBridge {
  run: (line: string) => Promise<CommandOutcome>;
  commandHelp: string;
  /** Plays a script; resolves with a one-line summary. */
  playScript: (text: string, hooks: ScriptHooks) => Promise<string>;
}

const HELP = [
  'SET <key> = <value>',
  'crash <id|leader>       restart <id>',
  'isolate <id>            partition 1,2 | 3,4,5     heal',
  'pause  resume  step',
  'quit',
].join('\n');

export function consoleBridge(cluster: Cluster): ConsoleBridge {
  const node = (word: string | undefined): number => {
    const id = word === 'leader' ? cluster.leader() : Number(word);
    if (id === undefined || !cluster.ids.includes(id)) throw new Error(`unknown node ${word ?? ''}: this cluster has nodes 1-${cluster.ids.length}`);
    return id;
  };
  const run = async (line: string): Promise<CommandOutcome> => {
    const [verb = '', ...rest] = line.trim().split(/\s+/);
    try {
      switch (verb.toLowerCase()) {
        case 'set': {
          const r = await cluster.submit(line);
          return r.ok ? { ok: true, message: `committed at index ${r.index}` } : { ok: false, message: r.message };
        }
        case 'crash': {
          const id = node(rest[0]);
          await cluster.crash(id);
          return { ok: true, message: `n${id} crashed` };
        }
        case 'restart': {
          const id = node(rest[0]);
          await cluster.restart(id);
          return { ok: true, message: `n${id} restarted` };
        }
        case 'isolate': {
          const id = node(rest[0]);
          cluster.partition([[id], cluster.ids.filter((x) => x !== id)]);
          return { ok: true, message: `n${id} isolated` };
        }
        case 'partition': {
          const groups = line.trim().slice('partition'.length).split('|').map((g) => g.split(',').map((w) => node(w.trim())));
          cluster.partition(groups);
          return { ok: true, message: 'partitioned' };
        }
        case 'heal':
          cluster.heal();
          return { ok: true, message: 'every link is up' };
        case 'pause':
          cluster.pause();
          return { ok: true, message: 'paused' };
        case 'resume':
          cluster.resume();
          return { ok: true, message: 'resumed' };
        case 'step':
          return { ok: true, message: await cluster.step() };
        case 'help':
          return { ok: true, message: 'help', help: true };
        case 'quit':
          return { ok: true, message: 'bye', quit: true };
      }
      return { ok: false, message: `unknown command ${verb}: type help for the commands` };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    run,
    commandHelp: HELP,
    async playScript(text, hooks) {
      const lines = text.split('\n');
      let failed = 0;
      for (let i = 0; i < lines.length && !hooks.signal.aborted; i++) {
        const t = (lines[i] ?? '').trim();
        if (!t || t.startsWith('#')) continue;
        hooks.line(i + 1, t);
        const outcome = await run(t);
        if (!outcome.ok) failed++;
        hooks.outcome(i + 1, t, outcome);
      }
      return failed === 0 ? 'script done' : `script done, ${failed} ${failed === 1 ? 'line' : 'lines'} failed`;
    },
  };
}
