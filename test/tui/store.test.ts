import { describe, expect, it } from 'vitest';
import type { ClusterEvent, ClusterSnapshot } from '../../src/cluster/types.js';
import { createDashboardStore, type SnapshotSource } from '../../src/tui/store.js';
import { healthySnapshot } from './fixtures.js';
import { pollUntil } from './poll.js';

function source() {
  const snaps = new Set<(s: ClusterSnapshot) => void>();
  const events = new Set<(e: ClusterEvent) => void>();
  const s: SnapshotSource = {
    snapshot: () => healthySnapshot(),
    onSnapshot: (l) => (snaps.add(l), () => snaps.delete(l)),
    on: (_e, l) => (events.add(l), () => events.delete(l)),
  };
  return {
    s,
    publish: (x: ClusterSnapshot) => snaps.forEach((l) => l(x)),
    emit: (e: ClusterEvent) => events.forEach((l) => l(e)),
    count: () => snaps.size + events.size,
  };
}

describe('createDashboardStore', () => {
  it('publishes a burst of snapshots and events as one change', async () => {
    const src = source();
    const store = createDashboardStore(src.s, { batchMs: 20 });
    let notified = 0;
    store.subscribe(() => notified++);
    for (let i = 0; i < 10; i++) src.publish(healthySnapshot(5, { version: i + 2 }));
    src.emit({ at: 0, type: 'crash', node: 2 });
    src.emit({ at: 0, type: 'restart', node: 2, term: 3, lastIndex: 7 });
    await pollUntil(() => notified > 0, 'a publish');
    expect(notified).toBe(1);
    expect(store.getState().snapshot.version).toBe(11);
    expect(store.getState().events.map((e) => e.text)).toEqual([
      'n2 crashed: its memory is gone, its disk is kept',
      'n2 restarted from disk: term 3, 7 log entries',
    ]);
    store.close();
  });

  it('uses the timeout a node was running to say how long it heard nothing', async () => {
    const src = source();
    const store = createDashboardStore(src.s, { batchMs: 5 });
    src.emit({ at: 0, type: 'raft', node: 2, event: { kind: 'role', role: 'candidate', term: 4, reason: 'election-timeout' } });
    await pollUntil(() => store.getState().events.length > 0, 'the event line');
    expect(store.getState().events[0]?.text).toBe('n2 became candidate for term 4: no heartbeat for 2.5 s');
    store.close();
  });

  it('stamps events with the wall clock, not the cluster clock', async () => {
    const src = source();
    let now = 5_000;
    const store = createDashboardStore(src.s, { batchMs: 5, now: () => now });
    now = 7_000;
    src.emit({ at: 123, type: 'crash', node: 1 });
    await pollUntil(() => store.getState().events.length > 0, 'the event line');
    expect(store.getState().events[0]!.at - store.getState().origin).toBe(2_000);
    store.close();
  });

  it('stops listening when closed', () => {
    const src = source();
    const store = createDashboardStore(src.s);
    expect(src.count()).toBe(2);
    store.close();
    expect(src.count()).toBe(0);
  });
});

describe('dashboard store notes', () => {
  it('keeps notes and events in the order they happened, and never rewrites a line', async () => {
    const src = source();
    const store = createDashboardStore(src.s, { batchMs: 5 });
    store.note('› GET x', 'command');
    store.note('  ✔ GET x: 1', 'ok');
    store.note('› crash 2', 'command');
    src.emit({ at: 0, type: 'crash', node: 2 });
    await pollUntil(() => store.getState().events.length === 4, 'four lines');
    const first = store.getState().events;
    expect(first.map((e) => e.text)).toEqual(['› GET x', '  ✔ GET x: 1', '› crash 2', 'n2 crashed: its memory is gone, its disk is kept']);
    store.note('  ✔ crash 2: crashed n2', 'ok');
    await pollUntil(() => store.getState().events.length === 5, 'five lines');
    // The earlier lines are the very same objects: nothing printed was changed.
    expect(store.getState().events.slice(0, 4)).toEqual(first);
    first.forEach((line, i) => expect(store.getState().events[i]).toBe(line));
    store.close();
  });

  it('gives the whole history as text for save-log', async () => {
    let t = 1_000;
    const src = source();
    const store = createDashboardStore(src.s, { batchMs: 5, now: () => t });
    store.note('› SET x = 1', 'command');
    t = 66_000;
    store.note('  ✔ SET x = 1: committed', 'ok');
    expect(store.historyText()).toBe('00:00 › SET x = 1\n01:05   ✔ SET x = 1: committed\n');
    store.close();
  });
});
