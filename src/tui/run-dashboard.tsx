/**
 * Runs the dashboard in the terminal until the person quits: the alternate screen, Ink with a
 * capped frame rate, the store and the controller wired to the cluster, and on the way out the
 * terminal restored exactly as it was. Stopping the cluster is the caller's job.
 */
import { writeFile } from 'node:fs/promises';
import { render } from 'ink';
import type { Cluster } from '../cluster/types.js';
import { App } from './app.js';
import { captureConsole } from './capture-console.js';
import { recordCast } from './cast-recorder.js';
import { gateFrames } from './frame-gate.js';
import { createController, type Controller, type RunCommand } from './controller.js';
import type { LineTone } from './event-log.js';
import { createDashboardStore } from './store.js';
import { createTerminalOutput } from './terminal-output.js';

/** The alternate screen, and mouse reports (SGR encoding) for the wheel over the event pane. */
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H\x1b[?1000h\x1b[?1006h';
const LEAVE_ALT_SCREEN = '\x1b[?1000l\x1b[?1006l\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';
/** The terminal's default style again (frames leave the pen as their last cell had it). */
const RESET_STYLE = '\x1b[m';

export interface RunDashboardOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Runs one console line (the console's executeConsoleLine, bound to the cluster). */
  run: RunCommand;
  /** First lines of the event pane (what started, with which seed, where the files are). */
  intro?: { text: string; tone: LineTone }[];
  /** Started once the first frame is up, e.g. to play a script; its failure is shown, not thrown. */
  afterStart?: (dashboard: {
    controller: Controller;
    note: (text: string, tone: LineTone) => void;
    /** Aborted when the person quits: stop there. */
    signal: AbortSignal;
  }) => Promise<void>;
  /**
   * The simulator: frames come at cluster-time boundaries (one per snapshot the paced clock
   * publishes) and events show cluster time, so a replay draws the same frames.
   */
  clusterTime?: boolean;
  /** Record what the terminal is sent as an asciicast v2 file. */
  record?: { path: string; title: string };
}

function ignore(): void {}

/**
 * Resolves when the person quits (Ctrl-C, `quit`, or SIGTERM / SIGHUP / SIGINT), with the signal
 * that ended it, if one did: the caller cleans up and then re-raises it.
 */
export async function runDashboard(cluster: Cluster, options: RunDashboardOptions): Promise<{ signal?: NodeJS.Signals }> {
  const recorder = options.record
    ? recordCast(options.record.path, options.stdout, { title: options.record.title, env: { TERM: process.env.TERM ?? 'xterm-256color' } })
    : undefined;
  const stdout = recorder?.stream ?? options.stdout;
  const store = createDashboardStore(cluster, { clusterTime: options.clusterTime === true });
  for (const line of options.intro ?? []) store.note(line.text, line.tone);
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const controller = createController({
    ids: cluster.ids,
    run: options.run,
    snapshot: () => cluster.snapshot(),
    note: (text, tone) => store.note(text, tone),
    saveLog: async (file) => {
      try {
        const text = store.historyText();
        await writeFile(file, text);
        const count = text === '' ? 0 : text.split('\n').length - 1;
        return { ok: true, message: `saved ${count} event ${count === 1 ? 'line' : 'lines'} to ${file}` };
      } catch (error) {
        return { ok: false, message: `cannot write ${file}: ${(error as Error).message}` };
      }
    },
    onQuit: () => quit(),
  });
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  let endedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    endedBy ??= signal;
    quit();
  };
  for (const s of signals) process.on(s, onSignal);
  // A closed terminal (window closed, ssh dropped) fails every write with EIO: that is a quit,
  // and the cleanup after it must still run.
  const streams = [stdout, options.stderr, options.stdin];
  const onStreamError = (): void => {
    endedBy ??= 'SIGHUP'; // the terminal hung up, whether or not the signal came first
    quit();
  };
  for (const s of streams) s.on('error', onStreamError);
  // Stray console output would scribble over the frame: it goes to the event pane instead.
  const restoreConsole = captureConsole((text) => store.note(text, 'quiet'));

  // Every byte for the terminal goes through `output` (and so through the recorder, when there
  // is one): it writes only the rows of each frame that changed.
  const output = createTerminalOutput(stdout);
  output.write(ENTER_ALT_SCREEN);
  // Simulator frames: the view sees state only as each frame of cluster time left it.
  const views = options.clusterTime ? gateFrames(store, controller) : undefined;
  const instance = render(<App store={views?.store ?? store} controller={views?.controller ?? controller} output={output} />, {
    stdin: options.stdin,
    stdout: output.inkStream,
    stderr: options.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
    // Debug mode: Ink neither erases nor throttles; what it draws (nothing: the App hands its
    // frames to `output`) goes to the stand-in stream.
    debug: true,
    incrementalRendering: false,
  });
  // If rendering fails, Ink unmounts: leave as if the person quit, then report the failure.
  let failure: unknown;
  instance.waitUntilExit().then(
    () => quit(),
    (error: unknown) => {
      failure = error;
      quit();
    },
  );
  const stopped = new AbortController();
  try {
    if (options.afterStart) {
      options.afterStart({ controller, note: (text, tone) => store.note(text, tone), signal: stopped.signal }).catch((error: unknown) => {
        store.note(error instanceof Error ? error.message : String(error), 'error');
      });
    }
    await quitting;
  } finally {
    stopped.abort();
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    restoreConsole();
    for (const s of signals) process.off(s, onSignal);
    // Writes still queued when the terminal went away fail later: keep swallowing those.
    for (const s of streams) {
      s.off('error', onStreamError);
      s.on('error', ignore);
    }
    views?.close();
    store.close();
    output.close();
    output.write(RESET_STYLE + SHOW_CURSOR + LEAVE_ALT_SCREEN);
    recorder?.close();
  }
  if (failure !== undefined) throw failure;
  return endedBy ? { signal: endedBy } : {};
}
