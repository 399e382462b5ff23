/**
 * The dashboard's one input hook: every chunk of terminal input, raw, so F-keys and pasted
 * lines arrive as they were sent (Ink's useInput reports F-keys as nothing). Only active when
 * stdin supports raw mode — without it Ink would throw.
 */
import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';

export function useTerminalInput(handler: (chunk: string) => void): void {
  const { internal_eventEmitter: emitter, setRawMode, isRawModeSupported } = useStdin();
  const current = useRef(handler);
  current.current = handler;
  useEffect(() => {
    if (isRawModeSupported !== true) return;
    setRawMode(true);
    const listener = (chunk: string): void => current.current(chunk);
    emitter.on('input', listener);
    return () => {
      emitter.off('input', listener);
      setRawMode(false);
    };
  }, [emitter, setRawMode, isRawModeSupported]);
}
