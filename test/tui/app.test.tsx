import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { ClusterEvent, ClusterSnapshot } from '../../src/cluster/types.js';
import { App } from '../../src/tui/app.js';
import { createController } from '../../src/tui/controller.js';
import { encodeKey } from '../../src/tui/keys.js';
import { createDashboardStore, type SnapshotSource } from '../../src/tui/store.js';
import { healthySnapshot, nodeView, withNodes } from './fixtures.js';
import { pollUntil } from './poll.js';

/** The part of a cluster the dashboard reads, driven by the test. */
class FakeCluster implements SnapshotSource {
  current: ClusterSnapshot = healthySnapshot();
  private snapshotListeners = new Set<(s: ClusterSnapshot) => void>();
  private eventListeners = new Set<(e: ClusterEvent) => void>();
  snapshot = (): ClusterSnapshot => this.current;
  onSnapshot = (l: (s: ClusterSnapshot) => void): (() => void) => {
    this.snapshotListeners.add(l);
    return () => this.snapshotListeners.delete(l);
  };
  on = (_: 'event', l: (e: ClusterEvent) => void): (() => void) => {
    this.eventListeners.add(l);
    return () => this.eventListeners.delete(l);
  };
  publish(s: ClusterSnapshot): void {
    this.current = s;
    for (const l of this.snapshotListeners) l(s);
  }
  emit(e: ClusterEvent): void {
    for (const l of this.eventListeners) l(e);
  }
  get listeners(): number {
    return this.snapshotListeners.size + this.eventListeners.size;
  }
}

function mount() {
  const cluster = new FakeCluster();
  const store = createDashboardStore(cluster, { batchMs: 10 });
  const ran: string[] = [];
  let quit = false;
  const controller = createController({
    ids: [1, 2, 3, 4, 5],
    run: async (line) => {
      ran.push(line);
      if (line.startsWith('crash 9')) return { ok: false, message: 'unknown node 9: this cluster has nodes 1-5' };
      return { ok: true, message: `done: ${line}` };
    },
    snapshot: () => store.getState().snapshot,
    note: (text, tone) => store.note(text, tone),
    onQuit: () => {
      quit = true;
    },
  });
  const r = render(<App store={store} controller={controller} size={{ columns: 100, rows: 30 }} />);
  const screen = (): string => r.lastFrame() ?? '';
  const waitFor = (text: string | RegExp) =>
    pollUntil(() => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), `${String(text)} on screen:\n${screen()}`);
  return { cluster, store, ran, r, screen, waitFor, quit: () => quit };
}

afterEach(() => cleanup());

describe('App', () => {
  it('runs a typed line on Enter and shows the result', async () => {
    const app = mount();
    await app.waitFor('raft> ');
    app.r.stdin.write('SET x = 1');
    await app.waitFor('raft> SET x = 1');
    app.r.stdin.write('\r');
    await app.waitFor('✔ ok SET x = 1 → done: SET x = 1');
    expect(app.ran).toEqual(['SET x = 1']);
    app.store.close();
  });

  it('shows an error result for a bad command', async () => {
    const app = mount();
    await app.waitFor('raft> ');
    app.r.stdin.write('crash 9\r');
    await app.waitFor('✘ error crash 9 → unknown node 9');
    app.store.close();
  });

  it('re-renders from new snapshots and explains events in the event pane', async () => {
    const app = mount();
    await app.waitFor('LEADER');
    app.cluster.publish(
      withNodes(healthySnapshot(5, { leader: undefined }), nodeView(1, { up: false, kept: { term: 3, votedFor: 1, lastIndex: 7 } })),
    );
    app.cluster.emit({ at: 0, type: 'crash', node: 1 });
    await app.waitFor('n1 crashed: its memory is gone, its disk is kept');
    await app.waitFor('n1 DOWN');
    expect(app.screen()).toContain('no leader');
    app.store.close();
  });

  it('crashes the selected node with F2 after Tab selects it', async () => {
    const app = mount();
    await app.waitFor('▶ n1');
    app.r.stdin.write(encodeKey('tab'));
    await app.waitFor('▶ n2');
    app.r.stdin.write(encodeKey('f2'));
    await pollUntil(() => app.ran.includes('crash 2'), 'crash 2 to run');
    await app.waitFor('› crash 2   (F2)');
    app.store.close();
  });

  it('toggles the help overlay with ? on an empty line', async () => {
    const app = mount();
    await app.waitFor('raft> ');
    app.r.stdin.write('?');
    await app.waitFor('isolate / rejoin node');
    app.r.stdin.write(encodeKey('escape'));
    await pollUntil(() => !app.screen().includes('isolate / rejoin node') && app.screen().includes('FOLLOWER'), 'help to close');
    app.store.close();
  });

  it('quits on Ctrl-C', async () => {
    const app = mount();
    await app.waitFor('raft> ');
    app.r.stdin.write('\x03');
    await pollUntil(() => app.quit(), 'quit');
    app.store.close();
    expect(app.cluster.listeners).toBe(0);
  });
});
