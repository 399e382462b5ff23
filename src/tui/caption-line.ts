/**
 * The caption a script or a person set with `say`: one line right under the cluster line, in
 * reverse video so it reads as the story being told, not as one more event.
 */
import { fitLine, printable, type Line } from './spans.js';

export function captionLine(text: string, width: number): Line {
  return fitLine([{ text: ` ${printable(text)} `, color: 'yellow', bold: true, inverse: true }], width);
}
