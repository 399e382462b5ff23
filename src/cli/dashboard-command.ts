/**
 * `raft-tui` itself: checks the flags, makes sure there is a terminal, starts the cluster with
 * its files in a fresh temporary folder (removed on quit) or in --data-dir (kept, resumed),
 * runs the dashboard until the person quits, then stops the cluster and cleans up.
 */
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliCommand } from './command.js';
import { checkDashboardOptions, declareDashboardOptions } from './dashboard-options.js';
import { applyExampleOptions, exampleNames, loadExample } from './examples.js';
import { UsageError, type CliIo } from './io.js';
import { StorageCorruptionError } from '../storage/storage-error.js';

export const NO_TERMINAL = 'the dashboard needs a terminal (run it in an interactive terminal, or use --script with a terminal)';

export const dashboardCommand: CliCommand = {
  command: '$0',
  describe: 'start a cluster and watch it in the dashboard',
  builder: declareDashboardOptions,
  run: runDashboardCommand,
};

async function runDashboardCommand(args: Record<string, unknown>, io: CliIo): Promise<number> {
  const settings = checkDashboardOptions(args, () => Math.floor(Math.random() * 2 ** 31));
  if (settings.example === '') {
    io.stdout.write(listExamples());
    return 0;
  }
  let script = settings.script ? await readScript(settings.script) : undefined;
  if (settings.example) {
    const example = (() => {
      try {
        return loadExample(settings.example);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    })();
    script = { name: `examples/${example.name}.txt`, text: example.text };
    applyExampleOptions(settings.cluster, example, args.seed !== undefined);
  }
  if (settings.dataDir) await checkDataDir(settings.dataDir);
  if (io.stdin.isTTY !== true || io.stdout.isTTY !== true) throw new UsageError(NO_TERMINAL);

  // Ink draws nothing while CI is set; a person at a terminal wants to see the dashboard.
  delete io.env.CI;
  delete io.env.CONTINUOUS_INTEGRATION;
  // React's development build costs several times the CPU per frame; it is chosen on import.
  io.env.NODE_ENV ??= 'production';
  const [{ createCluster }, { runDashboard }, { consoleBridge }, { applyNoColor }] = await Promise.all([
    import('../cluster/create-cluster.js'),
    import('../tui/run-dashboard.js'),
    import('./console-bridge.js'),
    import('../tui/no-color.js'),
  ]);
  applyNoColor(io.env);

  // The simulator keeps node state in memory: files would bring real I/O timing into a replay.
  const temporary = settings.dataDir === undefined && !settings.sim && settings.attach === undefined;
  const dataDir =
    settings.sim || settings.attach ? undefined : settings.dataDir ? resolve(settings.dataDir) : await mkdtemp(join(tmpdir(), 'raft-tui-'));
  let cluster: Awaited<ReturnType<typeof createCluster>> | undefined;
  let endedBy: NodeJS.Signals | undefined;
  try {
    const attach = settings.attach;
    const starting = attach
      ? import('../hosting/attach.js').then(({ attachCluster }) => attachCluster(attach, settings.keyFile, settings.cluster))
      : createCluster({ ...settings.cluster, ...(dataDir ? { dataDir } : {}) });
    cluster = await starting.catch((error: unknown) => {
      const e = error as NodeJS.ErrnoException & { port?: number };
      if (error instanceof StorageCorruptionError) {
        // Starting one node from nothing could make it vote twice in a term: no partial repair.
        throw new Error(
          `${error.message}\nraft-tui does not start from files it cannot trust. Repair or move away ${settings.dataDir ?? dataDir}; a fresh --data-dir starts a new cluster.`,
        );
      }
      if (e.code === 'EADDRINUSE') {
        const port = e.port ?? /:(\d+)$/.exec(e.message)?.[1];
        throw new UsageError(`port ${port ?? ''} is already in use: pick another --base-port, or leave it out for free ports`);
      }
      throw error;
    });
    // The simulator can go back in time: rewind replays the run from the seed and the commands.
    // The simulator's time stands still until the first frame is up, so every run of a seed
    // starts drawing at cluster time 0 (how long start-up took must not show in a replay).
    const holdUntilDrawn = cluster.pacer?.acquire();
    if (settings.sim) {
      const { rewindable } = await import('../console/rewind.js');
      cluster = rewindable(cluster as Parameters<typeof rewindable>[0], settings.cluster);
    }
    const bridge = consoleBridge(cluster);
    const { nodes, seed, transport, speed } = settings.cluster;
    const crashNote = 'crashMeaning' in cluster ? (cluster as { crashMeaning(id: number): string }).crashMeaning(1) : undefined;
    const where = settings.sim
      ? 'the simulator: virtual time, node state in memory'
      : temporary
        ? `files in ${dataDir} (removed on quit)`
        : `files in ${dataDir} (kept)`;
    ({ signal: endedBy } = await runDashboard(cluster, {
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      run: bridge.run,
      clusterTime: settings.sim,
      ...(settings.record ? { record: { path: settings.record, title: `raft-tui ${recordTitle(settings)}`.trim() } } : {}),
      intro: [
        {
          text: settings.attach
            ? `attached to ${cluster.ids.length} running nodes (${settings.attach}) through their admin endpoints`
            : `started ${nodes} ${nodes === 1 ? 'node' : 'nodes'} over ${transport === 'tcp' ? 'TCP on 127.0.0.1' : 'in-process messages'}, seed ${seed}, speed ${speed}×, ${where}`,
          tone: 'quiet',
        },
        ...(crashNote ? [{ text: `nodes as processes: ${crashNote}`, tone: 'quiet' as const }] : []),
      ],
      ...(script || holdUntilDrawn
        ? {
            afterStart: async ({ controller, note, signal }) => {
              (await holdUntilDrawn)?.();
              if (!script) return;
              const ended = await bridge.playScript(script.text, script.name, {
                signal,
                line: (no, text) => note(`${script.name}:${no} › ${text}`, 'command'),
                outcome: (no, text, outcome) => controller.showResult(`${script.name}:${no} ${text}`, outcome),
              });
              note(ended.message, ended.ok ? 'quiet' : 'error');
              if (!ended.ok) controller.showResult(script.name, ended);
            },
          }
        : {}),
    }));
  } finally {
    await cluster?.stop().catch(() => undefined);
    if (temporary && dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
  // Ended by a signal: cleaned up, now die of it as Unix programs do. (Exiting normally after
  // a hang-up also trips Node's own terminal reset on a terminal that is gone.)
  if (endedBy) process.kill(process.pid, endedBy);
  return 0;
}

/** `raft-tui --example` alone: the library, one story a line. */
function listExamples(): string {
  const names = exampleNames();
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const rows = names.map((n) => `  ${n.padEnd(width)}${loadExample(n).title}`);
  return `Examples (raft-tui --example NAME; each replays exactly, with captions and checks):\n${rows.join('\n')}\n`;
}

/** What the recording's title says was run: `--example stranded-leader --seed 3`. */
function recordTitle(settings: ReturnType<typeof checkDashboardOptions>): string {
  if (settings.example) return `--example ${settings.example} --seed ${settings.cluster.seed}`;
  return settings.sim ? `--sim --seed ${settings.cluster.seed}` : '';
}

async function readScript(path: string): Promise<{ name: string; text: string }> {
  try {
    return { name: path, text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES'
            ? 'not allowed to read it'
            : String(error);
    throw new UsageError(`--script ${path}: ${why}`);
  }
}

async function checkDataDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`--data-dir ${dir} is a file: give a folder (it is created if missing)`);
  if (!info) {
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      throw new UsageError(`--data-dir ${dir} cannot be created: ${(error as Error).message}`);
    });
  }
  await access(dir, constants.W_OK).catch(() => {
    throw new UsageError(`--data-dir ${dir} is not writable: pick a folder you can write to`);
  });
}
