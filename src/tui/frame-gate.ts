/**
 * Frames at cluster-time boundaries (the simulator): the view sees the store and the
 * interaction state only as they were when the store last published — once per frame of
 * cluster time — so the same run draws the same sequence of frames, whatever the wall clock
 * did in between. Typing still shows: a paused simulator keeps publishing frames.
 */
import type { Controller, UiState } from './controller.js';
import type { DashboardStore } from './store.js';

export interface GatedViews {
  store: DashboardStore;
  controller: Controller;
  close(): void;
}

export function gateFrames(store: DashboardStore, controller: Controller): GatedViews {
  let ui: UiState = controller.getState();
  const listeners = new Set<() => void>();
  const subscribe = (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const off = store.subscribe(() => {
    ui = controller.getState();
    for (const l of [...listeners]) l();
  });
  return {
    store: { ...store, subscribe },
    controller: { ...controller, subscribe, getState: () => ui },
    close: off,
  };
}
