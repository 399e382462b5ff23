import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../src/check/invariants.js';
import { SimMembership } from '../../src/sim/sim-membership.js';
import { Simulator } from '../../src/sim/simulator.js';

/** A 3-node simulator with the safety checker on, a leader elected, and its membership driver. */
function cluster(seed = 1): { sim: Simulator; membership: SimMembership; checker: InvariantChecker; retired: number[] } {
  const checker = new InvariantChecker();
  const sim = new Simulator({ nodes: 3, seed, checker });
  const retired: number[] = [];
  const membership = new SimMembership(sim, { onRetire: (id) => retired.push(id) });
  expect(sim.runUntil(() => sim.leader() !== undefined, 5000)).toBe(true);
  return { sim, membership, checker, retired };
}

describe('membership changes in the simulator (thesis ch. 4)', () => {
  it('§4.2.1: a new node starts outside the configuration, joins as a learner, catches up and becomes a voter', () => {
    const { sim, membership, checker } = cluster();
    const leader = sim.leader()!;
    for (let i = 0; i < 5; i++) sim.propose(leader, `SET k = ${i}`);
    expect(membership.add()).toMatch(/^add n4/);
    expect(sim.ids).toEqual([1, 2, 3, 4]);
    // Its core starts from the bootstrap configuration, which does not name it: no campaign.
    expect(sim.raftStatus(4)!.voters).toEqual([1, 2, 3]);
    expect(membership.busy).toBe(true);
    expect(sim.runUntil(() => !membership.busy, 5000)).toBe(true);
    const s = sim.raftStatus(sim.leader()!)!;
    expect(s.voters).toContain(4);
    expect(s.learners).toEqual([]);
    expect(membership.stats).toMatchObject({ added: 1, promoted: 1 });
    // It holds the log: everything committed before it joined.
    expect(sim.commitIndex(4)).toBeGreaterThanOrEqual(6);
    expect(sim.entryAt(4, 6)?.data).toBe('SET k = 4');
    expect(membership.voters()).toEqual([1, 2, 3, 4]);
    expect(checker.violations).toEqual([]);
  });

  it('§4.2.2: the leader removed steps down once the removal commits, stops for good, and its id is never used again', () => {
    const { sim, membership, checker, retired } = cluster(2);
    membership.add();
    expect(sim.runUntil(() => !membership.busy, 5000)).toBe(true);
    const leader = sim.leader()!;
    expect(membership.remove(leader, null)).toContain('(the leader');
    expect(sim.runUntil(() => !membership.busy, 5000)).toBe(true);
    expect(retired).toEqual([leader]);
    expect(sim.isRetired(leader)).toBe(true);
    expect(sim.ids).not.toContain(leader);
    expect(membership.stats).toMatchObject({ removed: 1, removedLeaders: 1 });
    // A retired node stays down; the others elect a leader among themselves.
    sim.restart(leader);
    expect(sim.isUp(leader)).toBe(false);
    expect(sim.runUntil(() => sim.leader() !== undefined, 5000)).toBe(true);
    expect(sim.raftStatus(sim.leader()!)!.voters).not.toContain(leader);
    // Ids are never reused: the next node is n5 although n`leader` is gone.
    membership.add();
    expect(sim.ids).toContain(5);
    expect(sim.runUntil(() => !membership.busy, 5000)).toBe(true);
    expect(checker.violations).toEqual([]);
  });

  it('§4.2.3: a removed node left running outside the configuration wins no election and disrupts no leader', () => {
    const { sim, membership, checker } = cluster(3);
    membership.add();
    expect(sim.runUntil(() => !membership.busy, 5000)).toBe(true);
    const leader = sim.leader()!;
    const victim = sim.ids.find((id) => id !== leader)!;
    // Cut off before it hears of its removal: it still believes it is a voter.
    sim.partition([[victim], sim.ids.filter((id) => id !== victim)]);
    membership.remove(victim, 3000);
    expect(sim.runUntil(() => !membership.busy, 5000)).toBe(true);
    const term = sim.raftStatus(sim.leader()!)!.term;
    const stable = sim.leader();
    sim.heal();
    sim.runFor(2000);
    expect(sim.isRetired(victim)).toBe(false);
    expect(sim.leader()).toBe(stable);
    expect(sim.raftStatus(stable!)!.term).toBe(term);
    expect(sim.roleOf(victim)).not.toBe('leader');
    sim.runFor(1500);
    expect(sim.isRetired(victim)).toBe(true);
    expect(membership.stats).toMatchObject({ removed: 1, keptRunning: 1 });
    expect(checker.violations).toEqual([]);
  });

  it('one change at a time; a removal never leaves fewer than 3 voters; at most 9 nodes run', () => {
    const { sim, membership } = cluster(4);
    expect(membership.remove(sim.leader()!, null)).toBe('remove: only 3 voters left');
    membership.add();
    expect(membership.add()).toBe('add: wait, adding n4 is under way');
    for (let i = 0; i < 5; i++) {
      expect(sim.runUntil(() => !membership.busy, 10_000)).toBe(true);
      membership.add();
    }
    expect(sim.runUntil(() => !membership.busy, 10_000)).toBe(true);
    expect(sim.ids).toHaveLength(9);
    expect(membership.add()).toBe('add: 9 nodes run already');
  });
});
