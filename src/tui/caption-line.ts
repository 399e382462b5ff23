/**
 * The caption a script or a person set with `say`: right under the cluster line, in reverse
 * video so it reads as the story being told, not as one more event.
 */
import { fitLine, printable, wrapWords, type Line } from './spans.js';

/**
 * The caption in `width` cells: one line when it fits, else wrapped at spaces onto at most
 * `maxLines` lines, the last cut with "…" if even they are too few.
 */
export function captionLines(text: string, width: number, maxLines: number): Line[] {
  const style = { color: 'yellow', bold: true, inverse: true } as const;
  const wrapped = wrapWords(printable(text), Math.max(1, width - 2));
  const shown = wrapped.slice(0, Math.max(1, maxLines));
  // What does not fit goes on the last line, which fitLine cuts with "…".
  if (wrapped.length > shown.length) shown[shown.length - 1] = wrapped.slice(shown.length - 1).join(' ');
  return shown.map((t) => fitLine([{ text: ` ${t} `, ...style }], width));
}
