import { describe, expect, it } from 'vitest';
import { momentTiming, NodeHost, type ReadyTiming, type StateMachine } from '../../src/cluster/node-host.js';
import { VirtualScheduler } from '../../src/cluster/scheduler.js';
import type { Transport, TransportStats } from '../../src/net/types.js';
import { createRaft } from '../../src/raft/index.js';
import type { Entry, HardState, Message } from '../../src/raft/types.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import type { Storage } from '../../src/storage/types.js';

/** A log of what the host did, in order: saves started and landed, sends, applies. */
type Step = string;

/** Storage whose saves land only when the test says so (a slow fsync), recorded in `steps`. */
class SlowStorage implements Storage {
  readonly inner = new MemoryStorage();
  private landing: (() => void)[] = [];
  constructor(private readonly steps: Step[]) {}
  load() {
    return this.inner.load();
  }
  save(hardState: HardState | null, entries: Entry[]): Promise<void> {
    this.steps.push(`save-start ${entries.map((e) => e.index).join(',')}`);
    return new Promise((resolve) =>
      this.landing.push(() => {
        this.inner.save(hardState, entries);
        this.steps.push(`save-landed ${entries.map((e) => e.index).join(',')}`);
        resolve();
      }),
    );
  }
  /** The oldest save in flight reaches the disk. */
  land(): void {
    this.landing.shift()?.();
  }
  get inFlight(): number {
    return this.landing.length;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  summary() {
    return this.inner.summary();
  }
}

class RecordingTransport implements Transport {
  handler: ((m: Message) => void) | undefined;
  constructor(
    readonly id: number,
    private readonly steps: Step[],
  ) {}
  async start(): Promise<number> {
    return 0;
  }
  send(messages: readonly Message[]): void {
    for (const m of messages) this.steps.push(`send ${m.type}`);
  }
  onMessage(handler: (message: Message) => void): void {
    this.handler = handler;
  }
  async stop(): Promise<void> {}
  stats(): TransportStats {
    return { sent: 0, received: 0, filtered: 0, badInput: {}, connectedPeers: [] };
  }
}

function recordingStateMachine(steps: Step[]): StateMachine {
  return {
    apply: (index) => steps.push(`apply ${index}`),
    reset: () => undefined,
    data: () => ({}),
    snapshot: () => '',
    restore: () => undefined,
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function follower(timing: ReadyTiming) {
  const steps: Step[] = [];
  const storage = new SlowStorage(steps);
  const transport = new RecordingTransport(2, steps);
  const host = new NodeHost(
    2,
    storage,
    transport,
    recordingStateMachine(steps),
    (stored) =>
      createRaft({
        id: 2,
        peers: [1, 2, 3],
        electionTicks: [50, 100],
        heartbeatTicks: 5,
        seed: 1,
        preVote: true,
        checkQuorum: true,
        hardState: stored.hardState,
        entries: stored.entries,
      }),
    { onRaftEvents: () => undefined, onApplied: () => undefined, onChange: () => undefined, onFailure: () => undefined },
    timing,
  );
  host.startNow(storage, transport);
  return { steps, storage, transport, host };
}

/** Leader 1 of term 1 sends entries 1-2 and says both are committed (a majority stored them). */
const append: Message = {
  type: 'AppendEntries',
  from: 1,
  to: 2,
  term: 1,
  prevLogIndex: 0,
  prevLogTerm: 0,
  entries: [
    { index: 1, term: 1, type: 'normal', data: 'SET a = 1' },
    { index: 2, term: 1, type: 'normal', data: 'SET b = 2' },
  ],
  leaderCommit: 2,
};

describe('NodeHost: the Ready loop', () => {
  for (const timing of ['immediate', 'per-turn'] as const) {
    it(`(${timing}) persists BEFORE it sends and BEFORE it applies: nothing leaves and nothing is applied until the save lands`, async () => {
      const { steps, storage, transport } = follower(timing);
      transport.handler!(append);
      await turn();
      // The follower's Ready holds the new term, the entries, the commit, the answer and the applies.
      expect(steps).toEqual(['save-start 1,2']);
      await turn();
      expect(steps).toEqual(['save-start 1,2']); // still waiting: a slow disk holds everything back
      storage.land();
      await turn();
      expect(steps).toEqual(['save-start 1,2', 'save-landed 1,2', 'send AppendEntriesResponse', 'apply 1', 'apply 2']);
    });
  }

  it('runs synchronously while saves do: with storage in memory, one call handles the whole Ready', () => {
    const steps: Step[] = [];
    const storage = new MemoryStorage();
    const transport = new RecordingTransport(2, steps);
    const host = new NodeHost(
      2,
      storage,
      transport,
      recordingStateMachine(steps),
      (stored) =>
        createRaft({
          id: 2,
          peers: [1, 2, 3],
          electionTicks: [50, 100],
          heartbeatTicks: 5,
          seed: 1,
          preVote: true,
          checkQuorum: true,
          hardState: stored.hardState,
          entries: stored.entries,
        }),
      { onRaftEvents: () => undefined, onApplied: () => undefined, onChange: () => undefined, onFailure: () => undefined },
      'immediate',
    );
    host.startNow(storage, transport);
    transport.handler!(append);
    // No await: persisted, sent and applied inside the delivery itself.
    expect(storage.load().entries.map((e) => e.index)).toEqual([1, 2]);
    expect(steps).toEqual(['send AppendEntriesResponse', 'apply 1', 'apply 2']);
  });

  it('takes the next Ready only after the current one is handled (one save at a time, in order)', async () => {
    const { steps, storage, transport } = follower('immediate');
    transport.handler!(append);
    transport.handler!({ ...append, prevLogIndex: 2, prevLogTerm: 1, entries: [{ index: 3, term: 1, type: 'normal', data: 'SET c = 3' }] });
    await turn();
    expect(storage.inFlight).toBe(1);
    storage.land();
    await turn();
    expect(steps.slice(0, 6)).toEqual([
      'save-start 1,2',
      'save-landed 1,2',
      'send AppendEntriesResponse',
      'apply 1',
      'apply 2',
      'save-start 3',
    ]);
    storage.land();
    await turn();
    expect(steps.slice(6)).toEqual(['save-landed 3', 'send AppendEntriesResponse']);
  });

  it('a crash while a save is in flight: nothing of that Ready leaves or is applied, ever', async () => {
    const { steps, storage, transport, host } = follower('immediate');
    transport.handler!(append);
    host.crashNow();
    storage.land();
    await turn();
    expect(steps).toEqual(['save-start 1,2', 'save-landed 1,2']);
  });
});

describe('NodeHost: Ready timing on a virtual clock (one Ready per moment for what timers deliver)', () => {
  /** Entry 1 alone, then entry 2 after it: two AppendEntries of leader 1. */
  const first: Message = { ...append, entries: [append.entries[0]!], leaderCommit: 0 };
  const second: Message = { ...append, prevLogIndex: 1, prevLogTerm: 1, entries: [append.entries[1]!], leaderCommit: 0 };
  const advance = (clock: VirtualScheduler, ms: number) => clock.advance(ms, () => new Promise((resolve) => setImmediate(resolve)));

  it('messages delivered by timers at one moment are handled in one Ready, at that moment', async () => {
    const clock = new VirtualScheduler();
    const { steps, storage, transport } = follower(momentTiming(clock));
    clock.setTimer(5, () => transport.handler!(first), true);
    clock.setTimer(5, () => transport.handler!(second), true);
    await advance(clock, 5);
    // 'immediate' would save entry 1 alone and hold entry 2 until that save landed.
    expect(steps).toEqual(['save-start 1,2']);
    storage.land();
    await advance(clock, 1);
    expect(steps).toEqual(['save-start 1,2', 'save-landed 1,2', 'send AppendEntriesResponse', 'send AppendEntriesResponse']);
  });

  it('an input from outside a timer (a proposal, a console command) is handled at once', () => {
    const clock = new VirtualScheduler();
    const { steps, transport } = follower(momentTiming(clock));
    transport.handler!(first);
    expect(steps).toEqual(['save-start 1']);
  });

  it('messages at different moments are handled at their own moments', async () => {
    const clock = new VirtualScheduler();
    const { steps, storage, transport } = follower(momentTiming(clock));
    clock.setTimer(5, () => transport.handler!(first), true);
    clock.setTimer(7, () => transport.handler!(second), true);
    await advance(clock, 5);
    expect(steps).toEqual(['save-start 1']);
    storage.land();
    await advance(clock, 2);
    expect(steps.slice(1)).toEqual(['save-landed 1', 'send AppendEntriesResponse', 'save-start 2']);
  });
});
