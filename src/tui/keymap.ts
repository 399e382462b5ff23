/**
 * The one table from keys to named dashboard commands. Letters always type (the command line is
 * always ready), so cluster actions sit on F-keys and Ctrl-letters; arrows select nodes only
 * while the line is empty. The help overlay lists this table as it is.
 */
import type { KeyName } from './keys.js';

export type DashboardCommand =
  | 'submit'
  | 'select-next'
  | 'select-prev'
  | 'toggle-crash'
  | 'toggle-isolate'
  | 'toggle-pause'
  | 'step'
  | 'rewind'
  | 'toggle-help'
  | 'close-help'
  | 'help-up'
  | 'help-down'
  | 'help-page-up'
  | 'help-page-down'
  | 'history-prev'
  | 'history-next'
  | 'clear-line'
  | 'cursor-left'
  | 'cursor-right'
  | 'cursor-home'
  | 'cursor-end'
  | 'delete-back'
  | 'delete-forward'
  | 'kill-line'
  | 'kill-to-end'
  | 'delete-word'
  | 'redraw'
  | 'toggle-view'
  | 'events-page-up'
  | 'events-page-down'
  | 'events-wheel-up'
  | 'events-wheel-down'
  | 'quit';

/** When a binding applies: always, only with nothing typed, only with something typed, or over help. */
export type KeyCondition = 'always' | 'line-empty' | 'line-typed' | 'help-open';

export interface KeyBinding {
  /** Named keys, or a single character that only counts on an empty line (like "?"). */
  keys: readonly (KeyName | `char:${string}`)[];
  command: DashboardCommand;
  when: KeyCondition;
  /** How the help overlay names the keys, and what the binding does. */
  label: string;
  help: string;
}

/** First match wins: the narrower conditions come first. */
export const KEYMAP: readonly KeyBinding[] = [
  { keys: ['escape', 'f1', 'char:?'], command: 'close-help', when: 'help-open', label: '', help: '' },
  { keys: ['up'], command: 'help-up', when: 'help-open', label: '', help: '' },
  { keys: ['down'], command: 'help-down', when: 'help-open', label: '', help: '' },
  { keys: ['page-up'], command: 'help-page-up', when: 'help-open', label: '', help: '' },
  { keys: ['page-down'], command: 'help-page-down', when: 'help-open', label: '', help: '' },
  { keys: ['enter'], command: 'submit', when: 'always', label: 'Enter', help: 'run the typed line' },
  { keys: ['tab'], command: 'select-next', when: 'always', label: 'Tab Shift-Tab', help: 'select next / prev node' },
  { keys: ['shift-tab'], command: 'select-prev', when: 'always', label: '', help: '' },
  { keys: ['right'], command: 'select-next', when: 'line-empty', label: '→ ←', help: 'select (empty line)' },
  { keys: ['left'], command: 'select-prev', when: 'line-empty', label: '', help: '' },
  { keys: ['f2', 'ctrl-x'], command: 'toggle-crash', when: 'always', label: 'F2 Ctrl-X', help: 'crash / restart node' },
  { keys: ['f3', 'ctrl-o'], command: 'toggle-isolate', when: 'always', label: 'F3 Ctrl-O', help: 'isolate / rejoin node' },
  { keys: ['f4', 'ctrl-s'], command: 'toggle-pause', when: 'always', label: 'F4 Ctrl-S', help: 'pause / resume cluster' },
  { keys: ['f5', 'ctrl-t'], command: 'step', when: 'always', label: 'F5 Ctrl-T', help: 'deliver one message' },
  { keys: ['f7'], command: 'rewind', when: 'always', label: 'F7', help: '--sim: rewind 5 s of cluster time' },
  { keys: ['f6', 'ctrl-g'], command: 'toggle-view', when: 'always', label: 'F6 Ctrl-G', help: 'log grid / node panels' },
  { keys: ['page-up'], command: 'events-page-up', when: 'always', label: 'PgUp PgDn', help: 'scroll the events (or wheel)' },
  { keys: ['page-down'], command: 'events-page-down', when: 'always', label: '', help: '' },
  { keys: ['wheel-up'], command: 'events-wheel-up', when: 'always', label: '', help: '' },
  { keys: ['wheel-down'], command: 'events-wheel-down', when: 'always', label: '', help: '' },
  { keys: ['f1', 'char:?'], command: 'toggle-help', when: 'line-empty', label: 'F1 ?', help: 'this help' },
  { keys: ['f1'], command: 'toggle-help', when: 'always', label: '', help: '' },
  { keys: ['up', 'ctrl-p'], command: 'history-prev', when: 'always', label: '↑ ↓', help: 'earlier / later lines' },
  { keys: ['down', 'ctrl-n'], command: 'history-next', when: 'always', label: '', help: '' },
  { keys: ['escape'], command: 'clear-line', when: 'always', label: 'Esc', help: 'clear the line' },
  { keys: ['left', 'ctrl-b'], command: 'cursor-left', when: 'line-typed', label: '← → Home End', help: 'move in the line' },
  { keys: ['right', 'ctrl-f'], command: 'cursor-right', when: 'line-typed', label: '', help: '' },
  { keys: ['home', 'ctrl-a'], command: 'cursor-home', when: 'always', label: '', help: '' },
  { keys: ['end', 'ctrl-e'], command: 'cursor-end', when: 'always', label: '', help: '' },
  { keys: ['backspace'], command: 'delete-back', when: 'always', label: '', help: '' },
  { keys: ['delete', 'ctrl-d'], command: 'delete-forward', when: 'always', label: '', help: '' },
  { keys: ['ctrl-u'], command: 'kill-line', when: 'always', label: 'Ctrl-U Ctrl-K', help: 'delete to start / end' },
  { keys: ['ctrl-k'], command: 'kill-to-end', when: 'always', label: '', help: '' },
  { keys: ['ctrl-w'], command: 'delete-word', when: 'always', label: 'Ctrl-W', help: 'delete the last word' },
  { keys: ['ctrl-l'], command: 'redraw', when: 'always', label: 'Ctrl-L', help: 'redraw the screen' },
  { keys: ['ctrl-c'], command: 'quit', when: 'always', label: 'Ctrl-C', help: 'quit (or type quit)' },
];

/** What the keymap looks at besides the key. */
export interface KeyContext {
  lineEmpty: boolean;
  helpOpen: boolean;
}

/** The command a key runs now, if any. `char` is a single typed character. */
export function commandFor(key: KeyName | { char: string }, context: KeyContext): DashboardCommand | undefined {
  const spec = typeof key === 'string' ? key : (`char:${key.char}` as const);
  for (const b of KEYMAP) {
    if (!b.keys.includes(spec)) continue;
    if (b.when === 'help-open' && !context.helpOpen) continue;
    if (b.when === 'line-empty' && !context.lineEmpty) continue;
    if (b.when === 'line-typed' && context.lineEmpty) continue;
    return b.command;
  }
  return undefined;
}

/** The bindings the help overlay lists (those with a label). */
export function keyHelp(): { label: string; help: string }[] {
  return KEYMAP.filter((b) => b.label !== '').map((b) => ({ label: b.label, help: b.help }));
}
