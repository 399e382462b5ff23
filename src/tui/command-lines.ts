/**
 * The two bottom lines: the outcome of the last command (in words as well as colour: "ok" /
 * "error") and the always-ready prompt, scrolled sideways so the cursor stays in view.
 */
import type { ResultView } from './controller.js';
import { fitLine, printable, splitGraphemes, textWidth, type Line } from './spans.js';

const PROMPT = 'raft> ';

export function resultLine(result: ResultView | null, width: number): Line {
  if (!result) {
    return fitLine(
      [
        { text: 'Try ', color: 'gray' },
        { text: 'SET x = 1', bold: true },
        { text: ', ', color: 'gray' },
        { text: 'crash leader', bold: true },
        { text: ', ', color: 'gray' },
        { text: 'partition 1,2 | 3,4,5', bold: true },
        { text: ', ', color: 'gray' },
        { text: 'heal', bold: true },
        { text: ' — type it and press Enter', color: 'gray' },
      ],
      width,
    );
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
