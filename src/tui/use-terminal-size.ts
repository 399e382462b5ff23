/**
 * The terminal's size, re-read on resize. Ink only clears the screen when the terminal gets
 * narrower, so on every resize (and on Ctrl-L) this clears it and renders one blank frame:
 * the next full frame is then written from scratch, never over stale lines.
 */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { TerminalOutput } from './terminal-output.js';

const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

export interface TerminalSize {
  columns: number;
  rows: number;
  /** True for the one frame right after a clear. */
  blank: boolean;
}

/**
 * `output`: the row-by-row terminal writer, when Ink renders through it; it clears the screen
 * itself on resize and on `redraw`, so no blank frame is needed.
 */
export function useTerminalSize(
  redraws: number,
  fixed?: { columns: number; rows: number },
  output?: Pick<TerminalOutput, 'redraw'>,
): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout, fixed));

  useEffect(() => {
    if (fixed) return;
    const onResize = (): void => {
      if (output) return setSize(readSize(stdout, fixed));
      stdout.write(CLEAR_SCREEN);
      setSize({ ...readSize(stdout, fixed), blank: true });
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed, output]);

  useEffect(() => {
    if (redraws === 0 || fixed) return;
    if (output) return output.redraw();
    stdout.write(CLEAR_SCREEN);
    setSize((s) => ({ ...s, blank: true }));
  }, [redraws, stdout, fixed, output]);

  useEffect(() => {
    if (!size.blank) return;
    const t = setTimeout(() => setSize((s) => ({ ...s, blank: false })), 0);
    return () => clearTimeout(t);
  }, [size.blank]);

  return size;
}

function readSize(stdout: NodeJS.WriteStream, fixed: { columns: number; rows: number } | undefined): TerminalSize {
  return { columns: fixed?.columns ?? (stdout.columns || 80), rows: fixed?.rows ?? (stdout.rows || 24), blank: false };
}
