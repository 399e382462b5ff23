import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../src/check/invariants.js';
import type { Message } from '../../src/raft/types.js';
import type { RecordingStateMachine } from '../../src/sim/recording-state-machine.js';
import { Simulator } from '../../src/sim/simulator.js';
import type { SimEvent } from '../../src/sim/types.js';

/** Elects a leader within 5 simulated seconds or fails the test. */
function electLeader(sim: Simulator): number {
  expect(sim.runUntil((s) => s.leader() !== undefined, 5000)).toBe(true);
  return sim.leader()!;
}

/** Proposes to the leader and waits until the entry is committed on every node that is up. */
function commitEverywhere(sim: Simulator, data: string): number {
  const r = sim.propose(sim.leader()!, data);
  if (!r.ok) throw new Error(`proposal refused: leader ${r.leader}`);
  const done = sim.runUntil(
    (s) => s.ids.every((id) => !s.isUp(id) || (s.commitIndex(id) >= r.index && s.entryAt(id, r.index)?.data === data)),
    5000,
  );
  expect(done).toBe(true);
  return r.index;
}

describe('Simulator', () => {
  it('elects one leader and commits a proposal on every node, applied in order', () => {
    const sim = new Simulator({ seed: 7 });
    const leader = electLeader(sim);
    expect(
      sim
        .status()
        .filter((s) => s.role === 'leader')
        .map((s) => s.id),
    ).toEqual([leader]);
    const index = commitEverywhere(sim, 'SET x = 1');
    sim.runFor(200);
    for (const s of sim.status()) {
      expect(s.applied).toBeGreaterThanOrEqual(index);
      const sm = sim.stateMachine(s.id) as RecordingStateMachine;
      expect(sm.commands[index - 1]).toBe('SET x = 1');
      // The leader's no-op (thesis §6.4) came first.
      expect(sm.commands[0]).toBe('');
    }
  });

  it('a follower refuses a proposal and names the leader', () => {
    const sim = new Simulator({ seed: 3 });
    const leader = electLeader(sim);
    sim.runFor(100);
    const follower = sim.ids.find((id) => id !== leader)!;
    expect(sim.propose(follower, 'SET y = 2')).toEqual({ ok: false, leader });
  });

  it('a single node elects itself and commits alone', () => {
    const sim = new Simulator({ nodes: 1, seed: 1 });
    expect(electLeader(sim)).toBe(1);
    commitEverywhere(sim, 'SET a = 1');
  });

  it('jumps from event to event instead of stepping through every millisecond', () => {
    const sim = new Simulator({ seed: 2, electionTimeoutMs: [3000, 6000], heartbeatMs: 1000, tickMs: 1 });
    electLeader(sim);
    const before = sim.stats().steps;
    sim.runFor(60_000);
    const steps = sim.stats().steps - before;
    expect(sim.now).toBeGreaterThanOrEqual(60_000);
    // A heartbeat round a second: the tick, 4 AppendEntries, 4 responses — about 9 steps a
    // second; a loop over milliseconds would take 60,000 or more.
    expect(steps).toBeGreaterThan(300);
    expect(steps).toBeLessThan(1200);
  });

  it('runs scheduled actions at their time, in order, and runUntil stops when the predicate holds', () => {
    const sim = new Simulator({ seed: 4 });
    const seen: [string, number][] = [];
    sim.schedule(500, (s) => seen.push(['b', s.now]));
    sim.schedule(300, (s) => seen.push(['a', s.now]));
    sim.schedule(500, (s) => seen.push(['c', s.now]));
    sim.runFor(1000);
    expect(seen).toEqual([
      ['a', 300],
      ['b', 500],
      ['c', 500],
    ]);
    sim.schedule(1234, () => undefined);
    expect(sim.runUntil((s) => s.now >= 1234, 5000)).toBe(true);
    expect(sim.now).toBe(1234);
    expect(sim.runUntil(() => false, 100)).toBe(false);
    expect(sim.now).toBe(1334);
  });

  it('persists BEFORE it sends: every vote, term and acknowledged entry is stored when its message leaves', () => {
    const offences = (bugs: { unpersistedVote?: boolean }): string[] => {
      const sim = new Simulator({ seed: 11, bugs });
      const found: string[] = [];
      const send = sim.network.send.bind(sim.network);
      sim.network.send = (m: Message, now: number): number => {
        const rec = sim.durable(m.from);
        if (m.type !== 'PreVote' && m.type !== 'PreVoteResponse' && rec.hardState.term !== m.term)
          found.push(`${m.type} term ${m.term} stored ${rec.hardState.term}`);
        if (m.type === 'RequestVoteResponse' && m.granted && rec.hardState.votedFor !== m.to) found.push(`vote for ${m.to} unstored`);
        if (m.type === 'AppendEntriesResponse' && m.success && rec.entries.length < m.index) found.push(`ack ${m.index} unstored`);
        return send(m, now);
      };
      electLeader(sim);
      for (let i = 0; i < 5; i++) {
        commitEverywhere(sim, `SET k = ${i}`);
        sim.crash(sim.leader()!);
        electLeader(sim);
        for (const id of sim.ids) sim.restart(id);
      }
      return found;
    };
    expect(offences({})).toEqual([]);
    // The switch that breaks it on purpose does break it.
    expect(offences({ unpersistedVote: true }).length).toBeGreaterThan(0);
  });

  it('crash drops all volatile state and messages in flight; restart comes back from storage alone, commit 0', () => {
    const sim = new Simulator({ seed: 5 });
    const leader = electLeader(sim);
    const index = commitEverywhere(sim, 'SET x = 1');
    const victim = sim.ids.find((id) => id !== leader)!;
    const before = sim.status()[victim - 1]!;
    // Messages to the victim are in flight right after a proposal.
    sim.propose(leader, 'SET x = 2');
    const lostBefore = sim.stats().network.filtered.down;
    sim.crash(victim);
    expect(sim.stats().network.filtered.down).toBeGreaterThan(lostBefore);
    const down = sim.status()[victim - 1]!;
    expect(down).toMatchObject({ up: false, term: before.term, votedFor: before.votedFor, commit: 0, applied: 0, leader: null });
    expect(down.lastIndex).toBe(sim.durable(victim).entries.length);
    expect(sim.stateMachine(victim)).toBeNull();
    expect(sim.propose(victim, 'x')).toEqual({ ok: false, leader: null });
    sim.runFor(300);
    sim.restart(victim);
    const back = sim.status()[victim - 1]!;
    expect(back).toMatchObject({ up: true, term: before.term, commit: 0, applied: 0 });
    expect(back.log).toEqual(sim.durable(victim).entries);
    expect((sim.stateMachine(victim) as RecordingStateMachine).commands).toEqual([]);
    // It relearns the commit index from the leader and re-applies from the start.
    expect(sim.runUntil((s) => s.commitIndex(victim) >= index + 1, 2000)).toBe(true);
    sim.runFor(100);
    expect((sim.stateMachine(victim) as RecordingStateMachine).commands.slice(index - 1, index + 1)).toEqual(['SET x = 1', 'SET x = 2']);
  });

  it('a partitioned minority leader cannot commit; the majority elects a new leader; heal converges', () => {
    const checker = new InvariantChecker();
    const sim = new Simulator({ seed: 9, checker });
    const old = electLeader(sim);
    commitEverywhere(sim, 'SET a = 1');
    const [a, b, c, d] = sim.ids.filter((id) => id !== old) as [number, number, number, number];
    sim.partition([
      [old, a],
      [b, c, d],
    ]);
    const r = sim.propose(old, 'SET lost = 1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // The majority side elects a leader of a higher term; the old one never commits its entry.
    expect(sim.runUntil((s) => [b, c, d].some((id) => s.roleOf(id) === 'leader'), 5000)).toBe(true);
    sim.runFor(1000);
    expect(sim.commitIndex(old)).toBeLessThan(r.index);
    const fresh = [b, c, d].find((id) => sim.roleOf(id) === 'leader')!;
    const w = sim.propose(fresh, 'SET won = 1');
    expect(w.ok).toBe(true);
    sim.heal();
    expect(
      sim.runUntil(
        (s) => s.leader() === fresh && s.ids.every((id) => s.commitIndex(id) >= r.index && s.entryAt(id, r.index)?.data !== 'SET lost = 1'),
        5000,
      ),
    ).toBe(true);
    expect(checker.violations).toEqual([]);
  });

  it('a one-way cut stops one direction only', () => {
    const sim = new Simulator({ seed: 6 });
    const leader = electLeader(sim);
    const other = sim.ids.find((id) => id !== leader)!;
    sim.cut(leader, other);
    const r = sim.propose(leader, 'SET z = 1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(sim.runUntil((s) => s.ids.filter((id) => id !== other).every((id) => s.commitIndex(id) >= r.index), 2000)).toBe(true);
    expect(sim.entryAt(other, r.index)).toBeUndefined();
    expect(sim.network.filter.faults.cuts).toEqual([{ from: leader, to: other }]);
  });

  it('setNetwork with dropRate 1 stops all progress; heal restores it', () => {
    const sim = new Simulator({ seed: 8 });
    electLeader(sim);
    sim.setNetwork({ dropRate: 1 });
    expect(sim.network.filter.faults.dropRate).toBe(1);
    const r = sim.propose(sim.leader()!, 'SET q = 1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    sim.runFor(1000);
    expect(sim.ids.filter((id) => sim.commitIndex(id) >= r.index)).toEqual([]);
    expect(sim.stats().network.filtered.drop).toBeGreaterThan(0);
    sim.heal();
    electLeader(sim);
    commitEverywhere(sim, 'SET q = 2');
  });

  it('forwards each Ready’s Raft events with time and node, and crashes and restarts', () => {
    const sim = new Simulator({ seed: 12 });
    const events: SimEvent[] = [];
    const off = sim.onEvent((ev) => events.push(ev));
    const leader = electLeader(sim);
    const won = events.find((ev) => ev.type === 'raft' && ev.event.kind === 'role' && ev.event.role === 'leader');
    expect(won).toMatchObject({ node: leader, at: sim.now });
    sim.crash(leader);
    sim.restart(leader);
    expect(events.some((ev) => ev.type === 'crash' && ev.node === leader && ev.at === sim.now)).toBe(true);
    expect(events.some((ev) => ev.type === 'restart' && ev.node === leader && ev.at === sim.now)).toBe(true);
    off();
    const count = events.length;
    sim.runFor(2000);
    expect(events.length).toBe(count);
  });

  it('applies through an injected state machine, in index order, once per incarnation', () => {
    const applied = new Map<number, number[]>();
    const sim = new Simulator({
      seed: 13,
      nodes: 3,
      stateMachine: (node) => {
        const list: number[] = [];
        applied.set(node, list);
        return { apply: (entry) => list.push(entry.index) };
      },
    });
    electLeader(sim);
    for (let i = 0; i < 5; i++) commitEverywhere(sim, `SET n = ${i}`);
    sim.runFor(200);
    for (const id of sim.ids) {
      const list = applied.get(id)!;
      expect(list).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
      expect(list.length).toBeGreaterThanOrEqual(6);
    }
  });

  it('rejects a cluster size outside 1..9 and unknown node ids', () => {
    expect(() => new Simulator({ nodes: 0 })).toThrow(RangeError);
    expect(() => new Simulator({ nodes: 10 })).toThrow(RangeError);
    const sim = new Simulator({ nodes: 3 });
    expect(() => sim.crash(4)).toThrow(/unknown node 4: this cluster has nodes 1-3/);
    expect(() => sim.partition([[1], [7]])).toThrow(RangeError);
  });
});
