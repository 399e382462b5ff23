import { describe, expect, it } from 'vitest';
import { createRaft, createRng } from '../../src/raft/index.js';
import type { Message, RaftCore, Ready } from '../../src/raft/index.js';
import { appendMsg, configFor, drain, logOf, Net, shape } from './net.js';

describe('the Ready contract', () => {
  it('a granted vote leaves only in a Ready whose hard state carries that vote', () => {
    const core = createRaft(configFor(1, 3));
    core.step({ type: 'RequestVote', from: 2, to: 1, term: 1, lastLogIndex: 0, lastLogTerm: 0 });
    const rd = drain(core);
    expect(rd.hardState).toEqual({ term: 1, votedFor: 2, commit: 0 });
    expect(rd.messages).toEqual([{ type: 'RequestVoteResponse', from: 1, to: 2, term: 1, granted: true }]);

    // The same holds throughout a run with lost messages and many elections.
    const rng = createRng(7);
    const net = new Net(5);
    net.drop = () => rng.chance(0.3);
    net.run(600);
    expect(net.sentOf('RequestVoteResponse').filter((m) => m.granted).length).toBeGreaterThan(3);
    expect(net.orderViolations).toEqual([]);
  });

  it('the hard state is in a Ready only when the term or the vote changed', () => {
    const net = new Net(3);
    net.campaign(1);
    const follower = net.core(2);
    net.core(1).propose('SET x = 1');
    const readies: Ready[] = [];
    const rounds = (): void => {
      for (let i = 0; i < 5; i++) {
        const msgs: Message[] = [];
        for (const id of net.ids) {
          if (!net.core(id).hasReady()) continue;
          const rd = drain(net.core(id));
          if (id === 2) readies.push(rd);
          msgs.push(...rd.messages);
        }
        for (const m of msgs) net.core(m.to).step(m);
      }
    };
    rounds();
    // The follower learns the commit from the next heartbeat (§5.3).
    net.core(1).tick(net.core(1).ticksUntilNextEvent());
    rounds();
    expect(follower.status().commitIndex).toBe(2);
    expect(readies.some((rd) => rd.committedEntries.length > 0)).toBe(true);
    expect(readies.map((rd) => rd.hardState)).toEqual(readies.map(() => null));
    expect(follower.hasReady()).toBe(false);
  });

  it('an idle follower produces no Ready until its election timer fires', () => {
    const core = createRaft(configFor(1, 3));
    const wait = core.ticksUntilNextEvent();
    expect(wait).toBeGreaterThanOrEqual(10);
    core.tick(wait - 1);
    expect(core.hasReady()).toBe(false);
    core.tick(1);
    expect(core.hasReady()).toBe(true);
  });
});

describe('restart', () => {
  it('a node restarts as a follower from its hard state and log, and replays committed entries from index 1', () => {
    const entries = logOf([1, 1, 2, 2]);
    const core = createRaft(configFor(2, 3, { hardState: { term: 3, votedFor: 1, commit: 3 }, entries }));
    expect(core.status()).toMatchObject({
      role: 'follower',
      term: 3,
      votedFor: 1,
      leader: null,
      commitIndex: 3,
      appliedIndex: 0,
      lastIndex: 4,
    });
    const rd = drain(core);
    expect(rd.events).toEqual([{ kind: 'role', role: 'follower', term: 3, reason: 'restart' }]);
    expect(rd.hardState).toBeNull();
    expect(rd.entries).toEqual([]); // already in storage
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(core.status().appliedIndex).toBe(3);
    expect(entries).toHaveLength(4); // the caller's array is not the core's log

    // A stored commit beyond the stored log is cut to the log's end.
    const ahead = createRaft(configFor(2, 3, { hardState: { term: 3, votedFor: null, commit: 9 }, entries }));
    expect(ahead.status().commitIndex).toBe(4);
  });

  it('a restarted node rejoins and catches up with the leader', () => {
    const net = new Net(3);
    net.campaign(1);
    for (let i = 0; i < 3; i++) net.core(1).propose(`SET k = ${i}`);
    net.deliver();
    net.crash(2);
    net.core(1).propose('SET k = late');
    net.deliver();
    const restarted = net.restart(2);
    expect(restarted.status()).toMatchObject({ role: 'follower', term: 1, lastIndex: 4 });
    net.run(10, () => restarted.status().appliedIndex === 5);
    expect(shape(restarted.log())).toEqual(shape(net.core(1).log()));
    expect(net.applied.get(2)!.map((e) => e.data)).toEqual(['', 'SET k = 0', 'SET k = 1', 'SET k = 2', 'SET k = late']);
  });
});

describe('time and determinism', () => {
  it('tick(n) behaves like n single ticks when n <= ticksUntilNextEvent()', () => {
    const scenario = (single: boolean) => {
      const rng = createRng(3);
      const net = new Net(3, () => ({ preVote: true, checkQuorum: true }));
      net.drop = () => rng.chance(0.2);
      for (let elapsed = 0; elapsed < 400; ) {
        let d = Infinity;
        for (const id of net.ids) d = Math.min(d, net.core(id).ticksUntilNextEvent());
        expect(d).toBeGreaterThanOrEqual(1);
        for (const id of net.ids) {
          if (single) for (let i = 0; i < d; i++) net.core(id).tick();
          else net.core(id).tick(d);
        }
        elapsed += d;
        net.deliver();
        if (elapsed % 50 < d) net.leaders().forEach((id) => net.core(id).propose(`at ${elapsed}`));
      }
      return { sent: JSON.stringify(net.sent), status: JSON.stringify(net.ids.map((id) => net.core(id).status())) };
    };
    const batched = scenario(false);
    const single = scenario(true);
    expect(batched.sent.length).toBeGreaterThan(1000);
    expect(batched).toEqual(single);
  });

  it('same seed and same inputs give identical message sequences; another seed gives others', () => {
    const run = (seedBase: number) => {
      const rng = createRng(11);
      const net = new Net(5, (id) => ({ seed: seedBase + id, preVote: true, checkQuorum: true }));
      net.drop = () => rng.chance(0.1);
      for (let round = 0; round < 10; round++) {
        net.run(40);
        const [leader] = net.leaders();
        if (leader !== undefined) net.core(leader).propose(`SET r = ${round}`);
        if (round === 4) net.crash(2);
        if (round === 7) net.restart(2);
      }
      return JSON.stringify(net.sent);
    };
    const a = run(100);
    expect(run(100)).toBe(a);
    expect(run(200)).not.toBe(a);
  });

  it("a Ready's arrays belong to its holder: later proposals, steps and Readies change none of them", () => {
    const net = new Net(3);
    net.campaign(1);
    const leader = net.core(1);
    const follower = net.core(2);
    leader.propose('SET a = 1');
    const first = leader.ready();
    const firstCopy = JSON.stringify(first);
    expect(first.entries.length).toBe(1);
    expect(first.messages.length).toBe(2);
    // The follower takes the first AppendEntries: an event and an answer in its Ready.
    follower.step(first.messages[0]!);
    const fromFollower = follower.ready();
    const fromFollowerCopy = JSON.stringify(fromFollower);
    expect(fromFollower.events.length).toBe(1);
    expect(fromFollower.messages.length).toBe(1);
    leader.advance(first);
    follower.advance(fromFollower);

    // More of everything: new entries, messages, events, in the next Readies of both nodes.
    leader.step(fromFollower.messages[0]!);
    leader.propose('SET b = 2');
    leader.propose('SET c = 3');
    const second = leader.ready();
    follower.step(second.messages[0]!);
    const again = follower.ready();
    expect(second.messages.length).toBeGreaterThan(0);
    expect(again.events.length).toBeGreaterThan(0);
    expect(again.messages.length).toBe(1);

    expect(JSON.stringify(first)).toBe(firstCopy);
    expect(JSON.stringify(fromFollower)).toBe(fromFollowerCopy);
    expect(first.entries).not.toBe(leader.log());
    expect(second.messages).not.toBe(first.messages);
    expect(again.messages).not.toBe(fromFollower.messages);
    expect(again.events).not.toBe(fromFollower.events);
  });
});

describe('robustness', () => {
  it('step ignores malformed or misrouted messages without throwing or changing anything', () => {
    const good = appendMsg(2, 1, 1, 0, 0, [1]) as Extract<Message, { type: 'AppendEntries' }>;
    const bad: unknown[] = [
      null,
      undefined,
      42,
      'AppendEntries',
      [],
      {},
      { type: 'AppendEntries' },
      { ...good, to: 3 },
      { ...good, from: 0 },
      { ...good, from: 1 },
      { ...good, term: -1 },
      { ...good, term: 1.5 },
      { ...good, term: Number.NaN },
      { ...good, term: '5' },
      { ...good, type: 'Bogus' },
      { ...good, entries: 'x' },
      { ...good, entries: [null] },
      { ...good, entries: [{ index: 5, term: 1, type: 'normal', data: '' }] },
      { ...good, entries: [{ index: 1, term: 2, type: 'normal', data: '' }] },
      { ...good, entries: [{ index: 1, term: 1, type: 'weird', data: '' }] },
      { ...good, entries: [{ index: 1, term: 1, type: 'normal', data: 7 }] },
      {
        ...good,
        term: 3,
        entries: [
          { index: 1, term: 2, type: 'normal', data: '' },
          { index: 2, term: 1, type: 'normal', data: '' },
        ],
      },
      { ...good, prevLogTerm: 3 },
      { ...good, leaderCommit: Number.POSITIVE_INFINITY },
      { type: 'RequestVote', from: 2, to: 1, term: 9, lastLogIndex: -1, lastLogTerm: 0 },
      { type: 'RequestVote', from: 2, to: 1, term: 9, lastLogIndex: 3, lastLogTerm: 10 },
      { type: 'RequestVoteResponse', from: 2, to: 1, term: 9, granted: 'yes' },
      { type: 'AppendEntriesResponse', from: 2, to: 1, term: 9, success: true, index: '3', conflictTerm: 0, conflictIndex: 0 },
      { type: 'PreVoteResponse', from: 2, to: 1, term: 9 },
    ];
    const net = new Net(3);
    net.campaign(1);
    const cores: RaftCore[] = [net.core(1), net.core(2), createRaft(configFor(1, 3))];
    for (const core of cores) {
      const before = JSON.stringify([core.status(), core.log()]);
      for (const m of bad) expect(() => core.step(m as Message)).not.toThrow();
      expect(JSON.stringify([core.status(), core.log()])).toBe(before);
      expect(core.hasReady()).toBe(false);
    }
  });

  it('a leader ignores an acknowledgement of entries it never had', () => {
    const net = new Net(3);
    net.campaign(1);
    const leader = net.core(1);
    leader.step({ type: 'AppendEntriesResponse', from: 2, to: 1, term: 1, success: true, index: 50, conflictTerm: 0, conflictIndex: 0 });
    expect(leader.status().progress![2]!.match).toBe(1);
    expect(leader.status().commitIndex).toBe(1);
  });
});

describe('safety under random faults', () => {
  for (const [preVote, checkQuorum] of [
    [false, false],
    [true, true],
  ] as const) {
    it(`§5.2/§5.4 one leader per term and no conflicting applied entries (preVote ${preVote}, checkQuorum ${checkQuorum})`, () => {
      for (const seed of [1, 2, 3]) {
        const rng = createRng(seed);
        const net = new Net(5, (id) => ({ seed: seed * 100 + id, preVote, checkQuorum }));
        // Lost messages, and a minority cut off from the rest now and then.
        let cut = new Set<number>();
        net.drop = (m) => rng.chance(0.1) || cut.has(m.from) !== cut.has(m.to);
        let proposals = 0;
        for (let round = 0; round < 60; round++) {
          cut = rng.chance(0.3) ? new Set([rng.int(1, 5), rng.int(1, 5)]) : new Set();
          const leaders = net.leaders();
          for (const id of leaders) if (net.core(id).propose(`SET k = ${proposals}`).ok) proposals++;
          net.run(15);
          // Crash a leader now and then (at most two nodes down), bring nodes back.
          const victim = leaders[0] ?? rng.int(1, 5);
          if (rng.chance(0.25) && !net.down.has(victim) && net.down.size < 2) net.crash(victim);
          else if (rng.chance(0.3) && net.down.size > 0) net.restart([...net.down][0]!);
        }
        // Election Safety: at most one leader per term.
        const leaderOf = new Map<number, number>();
        for (const id of net.ids)
          for (const e of net.events.get(id)!)
            if (e.kind === 'role' && e.role === 'leader') {
              expect(leaderOf.get(e.term) ?? id, `term ${e.term}`).toBe(id);
              leaderOf.set(e.term, id);
            }
        expect(leaderOf.size).toBeGreaterThan(5);
        // State Machine Safety: no two nodes apply different entries at the same index.
        let longest: { index: number; term: number; data: string }[] = [];
        for (const id of net.ids) {
          const applied = net.applied.get(id)!;
          const common = Math.min(applied.length, longest.length);
          expect(applied.slice(0, common)).toEqual(longest.slice(0, common));
          if (applied.length > longest.length) longest = applied;
        }
        expect(longest.length).toBeGreaterThan(20);
      }
    });
  }
});
