/** One screen line of styled spans as Ink text; re-renders only when its content changes. */
import { memo } from 'react';
import { Text } from 'ink';
import type { Line } from './spans.js';

function sameLine(a: { line: Line }, b: { line: Line }): boolean {
  if (a.line.length !== b.line.length) return false;
  return a.line.every((s, i) => {
    const t = b.line[i];
    return t !== undefined && s.text === t.text && s.color === t.color && s.bold === t.bold && s.dim === t.dim && s.inverse === t.inverse;
  });
}

export const LineView = memo(function LineView({ line }: { line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}, sameLine);
