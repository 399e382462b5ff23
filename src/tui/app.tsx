/**
 * The dashboard's container: reads the store and the controller with useSyncExternalStore,
 * feeds terminal input to the controller, follows the terminal size, and puts the terminal
 * cursor on the prompt. What it shows is `dashboardFrame` of that state.
 */
import { useCursor } from 'ink';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Controller } from './controller.js';
import { FrameView } from './dashboard.js';
import { dashboardFrame } from './frame.js';
import type { DashboardStore } from './store.js';
import { useTerminalInput } from './use-terminal-input.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  store: DashboardStore;
  controller: Controller;
  /** A fixed size instead of the terminal's (tests). */
  size?: { columns: number; rows: number };
}

export function App({ store, controller, size: fixed }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const ui = useSyncExternalStore(controller.subscribe, controller.getState);
  const { columns, rows, blank } = useTerminalSize(ui.redraws, fixed);
  useTerminalInput(controller.input);
  const { setCursorPosition } = useCursor();
  const frame = useMemo(
    () => dashboardFrame({ snapshot: state.snapshot, events: state.events, origin: state.origin, ui, columns, rows }),
    [state, ui, columns, rows],
  );
  useEffect(() => controller.limitHelpScroll(frame.helpScrollMax), [controller, frame.helpScrollMax]);
  // Right after a clear, one empty frame makes Ink write the next one in full.
  setCursorPosition(blank || fixed ? undefined : frame.cursor);
  if (blank) return null;
  return <FrameView lines={frame.lines} width={columns} />;
}
