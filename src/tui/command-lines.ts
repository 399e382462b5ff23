/**
 * The two bottom lines: the outcome of the last command (in words as well as colour: "ok" /
 * "error") and the always-ready prompt, scrolled sideways so the cursor stays in view.
 */
import type { ResultView } from './controller.js';
import { fitLine, printable, splitGraphemes, textWidth, type Line } from './spans.js';

const PROMPT = 'raft> ';

/** A partition that splits `nodes` into a minority and a majority ("partition 1,2 | 3,4,5"). */
export function examplePartition(nodes: number): string | undefined {
  if (nodes < 2) return undefined;
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  const minority = Math.floor((nodes - 1) / 2) || 1;
  return `partition ${ids.slice(0, minority).join(',')} | ${ids.slice(minority).join(',')}`;
}

export function resultLine(result: ResultView | null, width: number, nodes = 5): Line {
  if (!result) {
    // Examples that work on this cluster: a partition names only nodes it has.
    const tries = ['SET x = 1', nodes > 1 ? 'crash leader' : undefined, examplePartition(nodes), nodes > 1 ? 'heal' : undefined];
    const line: Line = [{ text: 'Try ', color: 'gray' }];
    for (const t of tries) {
      if (!t) continue;
      if (line.length > 1) line.push({ text: ', ', color: 'gray' });
      line.push({ text: t, bold: true });
    }
    line.push({ text: ' — type it and press Enter', color: 'gray' });
    return fitLine(line, width);
  }
  const message = printable(result.message);
  if (result.status === 'running') {
    return fitLine(
      [
        { text: '… ', color: 'gray' },
        { text: result.line, bold: true },
        { text: `  ${message}`, color: 'gray' },
      ],
      width,
    );
  }
  const ok = result.status === 'ok';
  const status = { text: ok ? '✔ ok ' : '✘ error ', color: ok ? 'green' : 'red', bold: true } as const;
  const arrow = message.indexOf(' → ');
  if (arrow > 0) {
    // Key-value answers already name their command ("SET x = 1 → committed at index 2"):
    // show it once, in its canonical form, rather than the typed line and then it again.
    return fitLine(
      [
        status,
        { text: message.slice(0, arrow), bold: true },
        { text: ' → ', color: 'gray' },
        { text: message.slice(arrow + 3), color: ok ? 'green' : 'red' },
      ],
      width,
    );
  }
  return fitLine(
    [status, { text: result.line, bold: true }, { text: ' → ', color: 'gray' }, { text: message, color: ok ? 'green' : 'red' }],
    width,
  );
}

/** The prompt line and the cursor's column in it. */
export function promptLine(line: string, cursor: number, width: number): { line: Line; cursorX: number } {
  const shown = printable(line);
  if (shown === '') {
    const hint: Line = [
      { text: PROMPT, color: 'cyan', bold: true },
      { text: 'type a command · ', color: 'gray' },
      { text: '?', bold: true },
      { text: ' or ', color: 'gray' },
      { text: 'F1', bold: true },
      { text: ' for help · ', color: 'gray' },
      { text: 'Ctrl-C', bold: true },
      { text: ' quits', color: 'gray' },
    ];
    return { line: fitLine(hint, width), cursorX: PROMPT.length };
  }
  const room = Math.max(1, width - PROMPT.length - 1);
  // Scroll so the cursor stays visible, keeping a little context to its left.
  const chars = splitGraphemes(shown);
  const cursorAt = splitGraphemes(shown.slice(0, cursor)).length;
  let start = 0;
  while (textWidth(chars.slice(start, cursorAt).join('')) > room - 1) start++;
  let visible = chars.slice(start).join('');
  const before = textWidth(chars.slice(start, cursorAt).join(''));
  const marker = start > 0 ? '…' : '';
  if (marker) visible = chars.slice(start + 1).join('');
  return {
    line: fitLine([{ text: PROMPT, color: 'cyan', bold: true }, { text: marker, color: 'gray' }, { text: visible }], width),
    cursorX: PROMPT.length + before,
  };
}
