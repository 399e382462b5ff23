/**
 * The dashboard's container: reads the store and the controller with useSyncExternalStore,
 * feeds terminal input to the controller, follows the terminal size, and puts the terminal
 * cursor on the prompt. What it shows is `dashboardFrame` of that state.
 */
import { useCursor } from 'ink';
import { useEffect, useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import type { Controller } from './controller.js';
import { FrameView } from './dashboard.js';
import { dashboardFrame } from './frame.js';
import type { DashboardStore } from './store.js';
import { useTerminalInput } from './use-terminal-input.js';
import type { TerminalOutput } from './terminal-output.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  store: DashboardStore;
  controller: Controller;
  /** A fixed size instead of the terminal's (tests). */
  size?: { columns: number; rows: number };
  /** The row-by-row terminal writer frames go to (absent in tests: Ink draws them then). */
  output?: Pick<TerminalOutput, 'redraw' | 'render'>;
}

export function App({ store, controller, size: fixed, output }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const ui = useSyncExternalStore(controller.subscribe, controller.getState);
  const { columns, rows, blank } = useTerminalSize(ui.redraws, fixed, output);
  useTerminalInput(controller.input);
  const { setCursorPosition } = useCursor();
  const frame = useMemo(
    () => dashboardFrame({ snapshot: state.snapshot, events: state.events, origin: state.origin, ui, columns, rows }),
    [state, ui, columns, rows],
  );
  useEffect(() => controller.limitHelpScroll(frame.helpScrollMax), [controller, frame.helpScrollMax]);
  useEffect(() => controller.limitEventScroll(frame.eventScrollMax), [controller, frame.eventScrollMax]);
  // The terminal writer shows the frame, writing only the rows that changed.
  useLayoutEffect(() => output?.render(frame.lines, frame.cursor), [output, frame]);
  if (output) return null;
  // Right after a clear, one empty frame makes Ink write the next one in full.
  setCursorPosition(blank || fixed ? undefined : frame.cursor);
  if (blank) return null;
  return <FrameView lines={frame.lines} width={columns} />;
}
