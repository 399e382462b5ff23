/**
 * The dashboard's interaction state and what keys do to it, outside React: the command line
 * (text and cursor), its history, the selected node, the help overlay and the last result.
 * Every keystroke is applied at once to the current state, so fast typing and pasted lines
 * arrive intact; the view re-renders from it.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { crashLine, isolateLine, pauseLine } from './key-actions.js';
import { decodeInput, type KeyName } from './keys.js';
import { commandFor, type DashboardCommand } from './keymap.js';
import type { DashboardView } from '../console/types.js';
import type { LineTone } from './event-log.js';

/** What running one console line gave (the shape of the console's `executeConsoleLine`). */
export interface CommandOutcome {
  ok: boolean;
  message: string;
  /** The line asked to leave the dashboard. */
  quit?: boolean;
  /** The line asked for help: true, or the help text to show. */
  help?: boolean | string;
  /** `say`: the caption to show until the next one. */
  caption?: string;
  /** Show this view above the events. */
  view?: DashboardView;
  /** Write the event history to this file. */
  saveLog?: string;
  /** Show only event lines containing this text (null: all). */
  filter?: string | null;
  /** Sent in the background (`SET x = 1 &`): the answer, when it comes. */
  later?: Promise<CommandOutcome>;
}

/** Runs one console line against the cluster. */
export type RunCommand = (line: string) => Promise<CommandOutcome>;

/** The outcome line under the dashboard. */
export interface ResultView {
  line: string;
  status: 'running' | 'ok' | 'error';
  message: string;
}

export interface UiState {
  line: string;
  /** Cursor position in `line`, in code units (0..line.length). */
  cursor: number;
  selected: NodeId;
  helpOpen: boolean;
  /** Help text a `help` command returned, shown in the overlay instead of the full list. */
  helpText: string | null;
  /** Lines the help overlay is scrolled down by. */
  helpScroll: number;
  result: ResultView | null;
  /** Bumped by Ctrl-L: the view clears the screen when it changes. */
  redraws: number;
  /** The last `say` of a script or the prompt, shown until the next one. */
  caption?: string | null;
  /** What shows above the events: node panels, or every log in one grid. */
  view: DashboardView;
  /** Event lines scrolled back from the newest (0: following the newest). */
  eventScroll: number;
  /** Only event lines containing this text (any case) show; null: all. */
  eventFilter: string | null;
}

export interface ControllerOptions {
  ids: readonly NodeId[];
  run: RunCommand;
  snapshot: () => ClusterSnapshot;
  /** Puts a line in the event pane. */
  note: (text: string, tone: LineTone) => void;
  /** Writes the event history to a file; says what it did (optional: without it, save-log fails). */
  saveLog?: (file: string) => Promise<CommandOutcome>;
  onQuit: () => void;
  /** History entries kept (default 200). */
  historySize?: number;
}

export interface Controller {
  getState(): UiState;
  subscribe(listener: () => void): () => void;
  /** One chunk of terminal input (what Ink's input stream emits). */
  input(chunk: string): void;
  /** Runs a named dashboard command (also what keys do). */
  perform(command: DashboardCommand): void;
  /** Runs a console line as if typed; resolves when its outcome is shown. */
  runLine(line: string, origin?: string): Promise<CommandOutcome | undefined>;
  /** Shows the outcome of a line run elsewhere (a script) in the result line. */
  showResult(line: string, outcome: CommandOutcome): void;
  /** Keeps the help overlay's scroll within what the screen can show. */
  limitHelpScroll(max: number): void;
  /** Keeps the event pane's scroll within the history. */
  limitEventScroll(max: number): void;
}

/** Lines one PgUp / PgDn moves the help overlay. */
const HELP_PAGE = 10;
/** Lines one PgUp / PgDn moves the event pane, and one turn of the mouse wheel. */
const EVENT_PAGE = 5;
const WHEEL_LINES = 3;

export function createController(options: ControllerOptions): Controller {
  const ids = [...options.ids];
  const historySize = options.historySize ?? 200;
  let state: UiState = {
    line: '',
    cursor: 0,
    selected: ids[0] ?? 1,
    helpOpen: false,
    helpText: null,
    helpScroll: 0,
    result: null,
    redraws: 0,
    view: 'nodes',
    eventScroll: 0,
    eventFilter: null,
  };
  const history: string[] = [];
  /** Position while browsing history (history.length: the draft), and the draft kept aside. */
  let browse = 0;
  let draft = '';
  let quitting = false;
  const listeners = new Set<() => void>();

  const set = (change: Partial<UiState>): void => {
    state = { ...state, ...change };
    for (const l of [...listeners]) l();
  };
  const edit = (line: string, cursor: number): void => {
    browse = history.length;
    set({ line, cursor: Math.max(0, Math.min(cursor, line.length)) });
  };
  const select = (delta: number): void => {
    const i = ids.indexOf(state.selected);
    const next = ids[(((i + delta) % ids.length) + ids.length) % ids.length];
    if (next !== undefined) set({ selected: next });
  };
  const quit = (): void => {
    if (quitting) return;
    quitting = true;
    options.onQuit();
  };

  async function runLine(line: string, origin?: string): Promise<CommandOutcome | undefined> {
    const text = line.trim();
    if (!text) return undefined;
    const said = `› ${text}${origin ? `   (${origin})` : ''}`;
    options.note(said, 'command');
    set({ result: { line: text, status: 'running', message: 'running…' } });
    let outcome: CommandOutcome;
    try {
      outcome = await options.run(text);
      outcome = await follow(outcome);
    } catch (err) {
      outcome = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    if (quitting) return outcome;
    show(text, outcome);
    // Every line's answer is printed as a line of its own: pasted lines each show theirs.
    // Key-value answers name their command already ("SET x = 1 → committed at index 2").
    const answer = outcome.message.includes(' → ') ? outcome.message : `${text}: ${outcome.message}`;
    if (!outcome.ok) options.note(`  ✘ ${answer}`, 'error');
    else if (outcome.message && !outcome.help) options.note(`  ✔ ${answer}`, 'ok');
    if (outcome.quit) quit();
    // Sent in the background (SET x = 1 &): the answer gets its own line when it comes.
    void outcome.later?.then((later) => {
      if (quitting) return;
      show(text, later);
      options.note(`  ${later.ok ? '✔' : '✘'} ${later.message}`, later.ok ? 'ok' : 'error');
    });
    return outcome;
  }

  /** Carries out what an outcome asks of the dashboard itself (saving the log). */
  async function follow(outcome: CommandOutcome): Promise<CommandOutcome> {
    if (outcome.saveLog === undefined) return outcome;
    if (!options.saveLog) return { ok: false, message: 'save-log works in the dashboard only' };
    return options.saveLog(outcome.saveLog);
  }

  /** Shows an outcome in the result line, and applies the views and filters it asks for. */
  function show(line: string, outcome: CommandOutcome): void {
    const change: Partial<UiState> = { result: { line, status: outcome.ok ? 'ok' : 'error', message: outcome.message } };
    if (outcome.caption !== undefined) change.caption = outcome.caption || null;
    if (outcome.help)
      Object.assign(change, { helpOpen: true, helpText: typeof outcome.help === 'string' ? outcome.help : null, helpScroll: 0 });
    if (outcome.view) Object.assign(change, { view: outcome.view, helpOpen: false });
    if (outcome.filter !== undefined) Object.assign(change, { eventFilter: outcome.filter, eventScroll: 0 });
    set(change);
  }

  const submit = (): void => {
    const text = state.line.trim();
    if (!text) return;
    if (history[history.length - 1] !== text) history.push(text);
    if (history.length > historySize) history.splice(0, history.length - historySize);
    browse = history.length;
    draft = '';
    set({ line: '', cursor: 0 });
    void runLine(text);
  };

  const recall = (delta: number): void => {
    if (history.length === 0) return;
    if (browse === history.length) draft = state.line;
    const next = Math.max(0, Math.min(history.length, browse + delta));
    if (next === browse) return;
    browse = next;
    const line = next === history.length ? draft : (history[next] ?? '');
    set({ line, cursor: line.length });
  };

  const keyLine = (line: string, key: string): void => {
    void runLine(line, key);
  };

  function perform(command: DashboardCommand, via = ''): void {
    const { line, cursor } = state;
    switch (command) {
      case 'submit':
        return submit();
      case 'select-next':
        return select(1);
      case 'select-prev':
        return select(-1);
      case 'toggle-crash':
        return keyLine(crashLine(options.snapshot(), state.selected), via);
      case 'toggle-isolate':
        return keyLine(isolateLine(options.snapshot(), state.selected), via);
      case 'toggle-pause':
        return keyLine(pauseLine(options.snapshot()), via);
      case 'step':
        return keyLine('step', via);
      case 'rewind':
        return keyLine('rewind 5', via);
      case 'toggle-help':
        return set({ helpOpen: !state.helpOpen, helpText: null, helpScroll: 0 });
      case 'close-help':
        return set({ helpOpen: false, helpText: null, helpScroll: 0 });
      case 'help-down':
        return set({ helpScroll: state.helpScroll + 1 });
      case 'help-up':
        return set({ helpScroll: Math.max(0, state.helpScroll - 1) });
      case 'help-page-down':
        return set({ helpScroll: state.helpScroll + HELP_PAGE });
      case 'help-page-up':
        return set({ helpScroll: Math.max(0, state.helpScroll - HELP_PAGE) });
      case 'toggle-view':
        return set({ view: state.view === 'log' ? 'nodes' : 'log' });
      case 'events-page-up':
        return set({ eventScroll: state.eventScroll + EVENT_PAGE });
      case 'events-page-down':
        return set({ eventScroll: Math.max(0, state.eventScroll - EVENT_PAGE) });
      case 'events-wheel-up':
        return set({ eventScroll: state.eventScroll + WHEEL_LINES });
      case 'events-wheel-down':
        return set({ eventScroll: Math.max(0, state.eventScroll - WHEEL_LINES) });
      case 'history-prev':
        return recall(-1);
      case 'history-next':
        return recall(1);
      case 'clear-line':
        return edit('', 0);
      case 'cursor-left':
        return set({ cursor: Math.max(0, cursor - 1) });
      case 'cursor-right':
        return set({ cursor: Math.min(line.length, cursor + 1) });
      case 'cursor-home':
        return set({ cursor: 0 });
      case 'cursor-end':
        return set({ cursor: line.length });
      case 'delete-back':
        return cursor > 0 ? edit(line.slice(0, cursor - 1) + line.slice(cursor), cursor - 1) : undefined;
      case 'delete-forward':
        return cursor < line.length ? edit(line.slice(0, cursor) + line.slice(cursor + 1), cursor) : undefined;
      case 'kill-line':
        return edit(line.slice(cursor), 0);
      case 'kill-to-end':
        return edit(line.slice(0, cursor), cursor);
      case 'delete-word': {
        const before = line.slice(0, cursor).replace(/\S+\s*$/, '');
        return edit(before + line.slice(cursor), before.length);
      }
      case 'redraw':
        return set({ redraws: state.redraws + 1 });
      case 'quit':
        return quit();
    }
  }

  const keyLabel = (key: KeyName): string =>
    key.replace(/^ctrl-(.)$/, (_, c: string) => `Ctrl-${c.toUpperCase()}`).replace(/^f(\d+)$/, 'F$1');

  function input(chunk: string): void {
    for (const token of decodeInput(chunk)) {
      const context = { lineEmpty: state.line === '', helpOpen: state.helpOpen };
      if ('key' in token) {
        const command = commandFor(token.key, context);
        if (command) perform(command, keyLabel(token.key));
        continue;
      }
      // A lone "?" on an empty line is a key; any other text types.
      if (token.text.length === 1) {
        const command = commandFor({ char: token.text }, context);
        if (command) {
          perform(command);
          continue;
        }
      }
      const { line, cursor } = state;
      edit(line.slice(0, cursor) + token.text + line.slice(cursor), cursor + token.text.length);
    }
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    input,
    perform: (command) => perform(command),
    runLine,
    limitHelpScroll(max) {
      if (state.helpScroll > max) set({ helpScroll: Math.max(0, max) });
    },
    limitEventScroll(max) {
      if (state.eventScroll > max) set({ eventScroll: Math.max(0, max) });
    },
    showResult(line, outcome) {
      if (quitting) return;
      if (outcome.saveLog === undefined) {
        show(line, outcome);
        if (outcome.quit) quit();
        return;
      }
      void follow(outcome).then((o) => {
        if (quitting) return;
        show(line, o);
        if (o.quit) quit();
      });
    },
  };
}
