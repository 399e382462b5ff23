/**
 * The terminal's size, re-read on resize. Ink only clears the screen when the terminal gets
 * narrower, so on every resize (and on Ctrl-L) this clears it and renders one blank frame:
 * the next full frame is then written from scratch, never over stale lines.
 */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

export interface TerminalSize {
  columns: number;
  rows: number;
  /** True for the one frame right after a clear. */
  blank: boolean;
}

export function useTerminalSize(redraws: number, fixed?: { columns: number; rows: number }): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout, fixed));

  useEffect(() => {
    if (fixed) return;
    const onResize = (): void => {
      stdout.write(CLEAR_SCREEN);
      setSize({ ...readSize(stdout, fixed), blank: true });
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);

  useEffect(() => {
    if (redraws === 0 || fixed) return;
    stdout.write(CLEAR_SCREEN);
    setSize((s) => ({ ...s, blank: true }));
  }, [redraws, stdout, fixed]);

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
