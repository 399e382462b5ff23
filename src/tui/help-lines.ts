/**
 * The help overlay: every key (from the keymap table), what the marks on screen mean, and
 * every command (the console's help text, or one command's when `help <command>` asked).
 */
import { keyHelp } from './keymap.js';
import { fitLine, lineWidth, printable, type Line } from './spans.js';
import { COMMITTED_MARK, UNCOMMITTED_MARK } from './theme.js';

const LABEL_WIDTH = 14;
const KEY_COLUMN = LABEL_WIDTH + 28;

export function helpLines(commandHelp: string, width: number, height: number, only: string | null): Line[] {
  const title: Line = [
    { text: 'Help', bold: true, color: 'cyan' },
    { text: ' — Esc, F1 or ? closes it. Letters always type; keys act on the selected node ▶', color: 'gray' },
  ];
  const keys = keyHelp().map((k): Line => [{ text: k.label.padEnd(LABEL_WIDTH), bold: true }, { text: k.help }]);
  const legend: Line[] = [
    [{ text: `${COMMITTED_MARK} 7 t3 SET x = 1`, color: 'green' }, { text: '  committed' }],
    [{ text: `${UNCOMMITTED_MARK} 8 t3 SET y = 2`, color: 'gray' }, { text: '  not committed yet' }],
    [{ text: 'timer ▰▰▰▱▱▱', color: 'gray' }, { text: '    election timeout running' }],
  ];
  const commands = (only ?? commandHelp).split('\n').map((raw): Line => [{ text: printable(raw.replace(/\s+$/, '')) }]);

  const body: Line[] = [];
  const section = (name: string): Line => [{ text: name, bold: true, color: 'cyan' }];
  if (width >= KEY_COLUMN + 3 + 50) {
    // Keys and marks on the left, commands on the right.
    const left = [section('Keys'), ...keys, [], section('On screen'), ...legend];
    const right = [section(only ? 'Command' : 'Commands'), ...commands];
    const rightWidth = width - KEY_COLUMN - 3;
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      body.push([...fitLine(left[i] ?? [], KEY_COLUMN), { text: ' │ ', color: 'gray' }, ...fitLine(right[i] ?? [], rightWidth)]);
    }
  } else {
    // Keys two to a row, then the marks, then the commands.
    const half = Math.floor(width / 2);
    body.push(section('Keys'));
    for (let i = 0; i < keys.length; i += 2) body.push([...fitLine(keys[i] ?? [], half), ...(keys[i + 1] ?? [])]);
    body.push(section(only ? 'Command' : 'Commands'), ...commands);
    if (width >= 2 * 34) {
      body.push([...fitLine(legend[0] ?? [], half), ...(legend[1] ?? [])]);
    } else {
      body.push(...legend.slice(0, 2));
    }
  }
  const lines = [fitLine(title, width), ...body.map((l) => fitLine(l, width))];
  if (lines.length > height) {
    const cut = lines.slice(0, Math.max(0, height - 1));
    cut.push(fitLine([{ text: `… ${lines.length - cut.length} more lines: a taller terminal shows them; help <command> shows one`, color: 'gray' }], width));
    return cut;
  }
  while (lines.length < height) lines.push(fitLine([], width));
  return lines;
}

/** Widest line of a block (tests). */
export function blockWidth(lines: Line[]): number {
  return Math.max(0, ...lines.map(lineWidth));
}
