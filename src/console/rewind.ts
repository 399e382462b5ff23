/**
 * `rewind <seconds>` in --sim mode: the cluster goes back to an earlier moment of cluster time by
 * replaying — a fresh cluster from the same options and seed, and every command of the command
 * log at the cluster time it ran, at full simulator speed up to that moment. The person then
 * carries on from there (and may take a different branch). The dashboard holds a `Rewindable`,
 * which stands for whichever cluster is current and moves every listener to the new one.
 */
import { createCluster, type RaftCluster } from '../cluster/create-cluster.js';
import type { CommandLogEntry } from '../cluster/paced-clock.js';
import type { Cluster, ClusterEvent, ClusterOptions, ClusterSnapshot } from '../cluster/types.js';
import { parseConsoleLine } from './parse.js';
import { executeConsoleLine } from './run.js';
import type { ConsoleCommandKind } from './types.js';

/** Lines that change nothing in the cluster's run: not replayed. */
const NOT_REPLAYED = new Set<ConsoleCommandKind | string>([
  'rewind',
  'pause',
  'resume',
  'step',
  'speed',
  'help',
  'quit',
  'wait',
  'expect',
  'say',
]);

export interface Rewindable extends Cluster {
  /** Goes back `backMs` of cluster time (to 0 at most); resolves with the cluster time reached. */
  rewind(backMs: number): Promise<number>;
}

/** Wraps a paced cluster (created with `options`) so that it can be rewound. */
export function rewindable(first: RaftCluster, options: ClusterOptions): Rewindable {
  let current = first;
  const eventListeners = new Map<(e: ClusterEvent) => void, () => void>();
  const snapshotListeners = new Map<(s: ClusterSnapshot) => void, () => void>();

  async function rewind(backMs: number): Promise<number> {
    const pacer = current.pacer;
    if (!pacer) throw new Error('rewind works in --sim mode: the simulator replays from the seed');
    // The moment: that boundary of cluster time, before the commands that ran at it.
    const target = Math.max(0, Math.round((pacer.now() - backMs) / 10) * 10);
    const replay: CommandLogEntry[] = pacer.log.filter((e) => e.at < target && isReplayed(e.line, current.ids));
    const speed = pacer.speed;
    const wasPaused = pacer.paused;
    const next = (await createCluster({ ...options, clock: 'paced', speed: Number.POSITIVE_INFINITY })) as RaftCluster;
    const nextPacer = next.pacer!;
    // Hold time at each command's moment, start the command there (not waiting for its answer,
    // as the person did not), and let time run to the next one.
    const held = await nextPacer.acquire();
    for (const entry of replay) {
      await nextPacer.until(() => nextPacer.now() >= entry.at, Math.max(0, entry.at - nextPacer.now()) + 10);
      void executeConsoleLine(next, entry.line);
    }
    await nextPacer.until(() => nextPacer.now() >= target, Math.max(0, target - nextPacer.now()) + 10);
    nextPacer.pause();
    held();
    nextPacer.setSpeed(speed);
    // The replayed commands are the new run's log (each logged itself as it ran again).
    const old = current;
    current = next;
    for (const [listener, off] of eventListeners) {
      off();
      eventListeners.set(listener, next.on('event', listener));
    }
    for (const [listener, off] of snapshotListeners) {
      off();
      snapshotListeners.set(listener, next.onSnapshot(listener));
    }
    await old.stop();
    if (!wasPaused) nextPacer.resume();
    return target;
  }

  return new Proxy({} as Rewindable, {
    get(_, key) {
      if (key === 'rewind') return rewind;
      if (key === 'on')
        return (event: 'event', listener: (e: ClusterEvent) => void) => {
          eventListeners.set(listener, current.on(event, listener));
          return () => {
            eventListeners.get(listener)?.();
            eventListeners.delete(listener);
          };
        };
      if (key === 'onSnapshot')
        return (listener: (s: ClusterSnapshot) => void) => {
          snapshotListeners.set(listener, current.onSnapshot(listener));
          return () => {
            snapshotListeners.get(listener)?.();
            snapshotListeners.delete(listener);
          };
        };
      const value = Reflect.get(current, key, current) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}

function isReplayed(line: string, ids: readonly number[]): boolean {
  const parsed = parseConsoleLine(line, { ids });
  return parsed.ok && parsed.command !== null && !NOT_REPLAYED.has(parsed.command.kind);
}
