/**
 * The help overlay: every key (from the keymap table), what the marks on screen mean, and
 * every command (the console's table), or one command's details when `help <command>` asked.
 * The lines scroll when the terminal is too short for them all.
 */
import { COMMANDS } from '../console/help.js';
import { keyHelp } from './keymap.js';
import { COMMIT_BAR, DIFFERS_MARK } from './log-grid-lines.js';
import { fitLine, printable, type Line } from './spans.js';
import { COMMITTED_MARK, UNCOMMITTED_MARK } from './theme.js';

const LABEL_WIDTH = 14;
const KEY_COLUMN = LABEL_WIDTH + 28;

/** The overlay's title line (it stays put while the rest scrolls). */
export function helpTitle(width: number, scrollable: boolean): Line {
  return fitLine(
    [
      { text: 'Help', bold: true, color: 'cyan' },
      {
        text: ` — Esc, F1 or ? closes it.${scrollable ? ' ↑ ↓ PgUp PgDn scroll.' : ''} Letters always type; keys act on the selected node ▶`,
        color: 'gray',
      },
    ],
    width,
  );
}

/** Every line of the overlay below the title, each `width` cells wide. */
export function helpBody(width: number, only: string | null): Line[] {
  const section = (name: string): Line => [{ text: name, bold: true, color: 'cyan' }];
  const keys = keyHelp().map((k): Line => [{ text: k.label.padEnd(LABEL_WIDTH), bold: true }, { text: k.help }]);
  const legend: Line[] = [
    [{ text: `${COMMITTED_MARK} 7 t3 SET x = 1`, color: 'green' }, { text: '  committed' }],
    [{ text: `${UNCOMMITTED_MARK} 8 t3 SET y = 2`, color: 'gray' }, { text: '  not committed yet' }],
    [{ text: '▶ n1 → n3 ▰▰▱▱', color: 'yellow' }, { text: '  in flight; ▶ = what step delivers next' }],
    [{ text: 'match next fly', color: 'gray' }, { text: '  leader: follower holds / gets next / unacked' }],
    [{ text: 'VoteReq Append…', color: 'gray' }, { text: '  short names when narrow: RequestVote, AppendEntries' }],
    [{ text: `${COMMIT_BAR} ${DIFFERS_MARK}`, bold: true }, { text: '  log grid: commit index / differs from leader' }],
  ];
  const commands = only ? detailLines(only) : commandLines(width);
  const body: Line[] = [];
  const commandsWidth = width - KEY_COLUMN - 3;
  if (!only && commandsWidth >= commandTableWidth(false)) {
    // Keys and marks on the left, commands on the right.
    const left = [section('Keys'), ...keys, [], section('On screen'), ...legend];
    const right = [section('Commands'), ...commandLines(commandsWidth)];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      body.push([...fitLine(left[i] ?? [], KEY_COLUMN), { text: ' │ ', color: 'gray' }, ...fitLine(right[i] ?? [], commandsWidth)]);
    }
  } else {
    // Keys two to a row (short, so they come first), the marks, then the commands.
    const half = Math.floor(width / 2);
    body.push(section('Keys'));
    for (let i = 0; i < keys.length; i += 2) body.push([...fitLine(keys[i] ?? [], half), ...(keys[i + 1] ?? [])]);
    for (let i = 0; i < legend.length; i += 2) body.push([...fitLine(legend[i] ?? [], half), ...(legend[i + 1] ?? [])]);
    body.push([]);
    body.push(section(only ? 'Command' : 'Commands'), ...commands);
  }
  return body.map((l) => fitLine(l, width));
}

function usageWidth(): number {
  return Math.max(...COMMANDS.map((c) => c.usage.length)) + 2;
}

function summaryWidth(): number {
  return Math.max(...COMMANDS.map((c) => c.summary.length)) + 2;
}

function commandTableWidth(withExamples: boolean): number {
  return usageWidth() + summaryWidth() + (withExamples ? Math.max(...COMMANDS.map((c) => c.example.length)) : 0);
}

/** The command table, with the example column when it fits. */
function commandLines(width: number): Line[] {
  const examples = width >= commandTableWidth(true);
  const uw = usageWidth();
  const sw = summaryWidth();
  const rows = COMMANDS.map((c): Line => {
    const line: Line = [{ text: c.usage.padEnd(uw), bold: true }, { text: examples ? c.summary.padEnd(sw) : c.summary }];
    if (examples) line.push({ text: c.example, color: 'gray' });
    return line;
  });
  rows.push([{ text: 'Nodes are numbers (2 or n2). Scripts: one command a line, # comments. help <command> tells more.', color: 'gray' }]);
  return rows;
}

function detailLines(text: string): Line[] {
  return text.split('\n').map((raw): Line => [{ text: printable(raw.replace(/\s+$/, '')) }]);
}
