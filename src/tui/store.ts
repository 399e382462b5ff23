/**
 * The dashboard's state, kept outside React: the latest cluster snapshot and the event pane's
 * lines. Snapshots and events are batched and published at most once per `batchMs`, so a burst
 * of events costs one render. Components read it with `useSyncExternalStore`.
 */
import type { Cluster, ClusterEvent, ClusterSnapshot } from '../cluster/types.js';
import { clock } from './event-lines.js';
import { EventLog, type EventLine, type LineTone } from './event-log.js';
import { createMessageTotals } from './message-totals.js';

/** What the store publishes; a new object on every change, the same one in between. */
export interface DashboardState {
  snapshot: ClusterSnapshot;
  events: readonly EventLine[];
  /** When the dashboard started (wall clock ms): event times are shown from it. */
  origin: number;
}

export interface DashboardStore {
  getState(): DashboardState;
  /** Calls `listener` after every published change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Adds a line of the dashboard's own to the event pane (commands, outcomes, script lines). */
  note(text: string, tone: LineTone): void;
  /** The whole event history as plain text, a time on each line (`save-log`). */
  historyText(): string;
  /** Stops listening to the cluster and cancels the pending flush. */
  close(): void;
}

/** The part of a Cluster the store reads. */
export type SnapshotSource = Pick<Cluster, 'snapshot' | 'onSnapshot' | 'on'>;

export interface DashboardStoreOptions {
  /** Most one publish per this many ms (default 50: at most 20 a second). */
  batchMs?: number;
  /** Event lines kept (default 2000). */
  maxEvents?: number;
  /** The local clock (tests). */
  now?: () => number;
  /**
   * Cluster time (the simulator): publish once per cluster snapshot — the paced clock sends one
   * per frame of cluster time — and show events at their cluster time, so the same run draws
   * the same frames.
   */
  clusterTime?: boolean;
}

export function createDashboardStore(source: SnapshotSource, options: DashboardStoreOptions = {}): DashboardStore {
  const batchMs = options.batchMs ?? 50;
  const clusterTime = options.clusterTime === true;
  const log = new EventLog(options.maxEvents ?? 2000);
  const totals = createMessageTotals();
  let state: DashboardState = { snapshot: totals.apply(source.snapshot()), events: log.lines(), origin: 0 };
  // Notes between snapshots take the time of the latest one (cluster time moves only in frames).
  const now = clusterTime ? () => (pendingSnapshot ?? state.snapshot).takenAt : (options.now ?? Date.now);
  state = { ...state, origin: clusterTime ? 0 : now() };
  let pendingSnapshot: ClusterSnapshot | undefined;
  let pendingEvents: ClusterEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const listeners = new Set<() => void>();

  /** Takes the waiting events into the log now (before a note, so lines keep their order). */
  const takeEvents = (): void => {
    if (pendingEvents.length === 0) return;
    const previous = state.snapshot;
    const events = pendingEvents;
    pendingEvents = [];
    // The snapshot from before these events knows the election timeout a node just ran out of,
    // and each node's role before them.
    log.add(
      events,
      {
        timeoutMs: (id) => previous.nodes.find((n) => n.id === id)?.electionTimeoutMs,
        roleBefore: (id) => previous.nodes.find((n) => n.id === id)?.role,
        clusterSize: previous.nodes.length,
      },
      now(),
    );
  };
  const flush = (): void => {
    timer = undefined;
    if (closed) return;
    const previous = state.snapshot;
    takeEvents();
    log.tick(now());
    // Like events wait a moment to be printed as one line: come back when they are due (in
    // cluster time, the next frame comes anyway).
    const due = log.deadline();
    if (due !== undefined && !clusterTime) timer = setTimeout(flush, Math.max(1, due - now()));
    const changedLines = log.lines() !== state.events;
    const snapshot = pendingSnapshot ?? previous;
    pendingSnapshot = undefined;
    if (snapshot === previous && !changedLines) return;
    state = { snapshot, events: log.lines(), origin: state.origin };
    for (const l of [...listeners]) l();
  };
  const schedule = (): void => {
    if (timer === undefined && !closed && !clusterTime) timer = setTimeout(flush, batchMs);
  };

  const offSnapshot = source.onSnapshot((s) => {
    pendingSnapshot = totals.apply(s);
    if (clusterTime) flush();
    else schedule();
  });
  // Events carry cluster time, which runs at `speed`; a person reads wall-clock time, and
  // events are emitted as they happen, so the time of arrival is the time to show.
  const offEvent = source.on('event', (e) => {
    pendingEvents.push(clusterTime ? e : { ...e, at: now() });
    schedule();
  });

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    note(text, tone) {
      takeEvents();
      log.note(text, tone, now());
      schedule();
    },
    historyText() {
      takeEvents();
      log.tick(Number.POSITIVE_INFINITY);
      return log.text((at) => clock(at, state.origin));
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      offSnapshot();
      offEvent();
      listeners.clear();
    },
  };
}
