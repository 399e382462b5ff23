import type { Rng } from '../raft/rng.js';
import type { Simulator } from './simulator.js';
import { pick, shuffled } from './random-choice.js';
import type { SimMembership } from './sim-membership.js';

/** How often faults come, and which kinds. */
export interface FaultPlan {
  /** Gap between two faults, uniform in [min, max] ms. */
  everyMs: [number, number];
  /** Crash and restart nodes (default true). */
  crashes?: boolean;
  /** Partitions, isolations and one-way cuts (default true). */
  partitions?: boolean;
  /** Random drop / duplicate / delay (default true). */
  lossy?: boolean;
  /**
   * Thesis ch. 4: one fault in ten adds a node or removes a voter (the leader half the time)
   * through this; off without it. Draws from the rng only when set, so other runs keep theirs.
   */
  membership?: SimMembership;
}

/** Applies one random fault drawn from `rng` to the running simulation. */
export function randomFault(sim: Simulator, rng: Rng, plan: FaultPlan): void {
  const crashes = plan.crashes ?? true;
  const partitions = plan.partitions ?? true;
  const lossy = plan.lossy ?? true;
  if (plan.membership && rng.chance(0.1)) {
    changeMembership(sim, rng, plan.membership);
    return;
  }
  const up = sim.ids.filter((id) => sim.isUp(id));
  const down = sim.ids.filter((id) => !sim.isUp(id));
  const r = rng.next();
  if (partitions && r < 0.2 && sim.ids.length > 1) {
    // Two groups (sometimes three) of random sizes.
    const order = shuffled(rng, sim.ids);
    const cut1 = rng.int(1, order.length - 1);
    const groups = [order.slice(0, cut1), order.slice(cut1)];
    if (order.length > 3 && rng.chance(0.3)) {
      const last = groups[1]!;
      const cut2 = rng.int(1, Math.max(1, last.length - 1));
      groups.splice(1, 1, last.slice(0, cut2), last.slice(cut2));
    }
    sim.partition(groups.filter((g) => g.length > 0));
  } else if (partitions && r < 0.3 && sim.ids.length > 1) {
    const lone = pick(rng, sim.ids);
    sim.partition([[lone], sim.ids.filter((id) => id !== lone)]);
  } else if (crashes && r < 0.45 && up.length > 0) {
    sim.crash(pick(rng, up));
  } else if (crashes && r < 0.62 && down.length > 0) {
    sim.restart(pick(rng, down));
  } else if (partitions && r < 0.72 && sim.ids.length > 1) {
    const from = pick(rng, sim.ids);
    const to = pick(
      rng,
      sim.ids.filter((id) => id !== from),
    );
    sim.cut(from, to);
  } else if (lossy && r < 0.87) {
    const hi = rng.int(0, 80);
    sim.setNetwork({
      dropRate: rng.chance(0.7) ? rng.next() * 0.3 : 0,
      duplicateRate: rng.chance(0.5) ? rng.next() * 0.2 : 0,
      delayMs: rng.chance(0.7) ? [rng.int(0, hi), hi] : null,
    });
  } else {
    sim.heal();
  }
}

/** Adds a node or removes a voter, more often the leader; a removed node stops or runs on a while. */
function changeMembership(sim: Simulator, rng: Rng, membership: SimMembership): void {
  if (rng.chance(0.5)) {
    membership.add();
    return;
  }
  const voters = membership.voters();
  const leader = sim.leader();
  const node = leader !== undefined && voters.includes(leader) && rng.chance(0.5) ? leader : pick(rng, voters);
  membership.remove(node, rng.chance(0.5) ? rng.int(50, 1500) : null);
}

/** Schedules random faults from now until `untilMs`. */
export function scheduleFaults(sim: Simulator, rng: Rng, untilMs: number, plan: FaultPlan): void {
  const next = (at: number): void => {
    if (at >= untilMs) return;
    sim.schedule(at, () => {
      randomFault(sim, rng, plan);
      next(sim.now + rng.int(plan.everyMs[0], plan.everyMs[1]));
    });
  };
  next(sim.now + rng.int(plan.everyMs[0], plan.everyMs[1]));
}

/**
 * Schedules client proposals from now until `untilMs`, `perSecond` on average, each a unique
 * command. Each goes to a node that believes it leads — any of them, stale leaders in a minority
 * included — and sometimes to all of them at once (concurrent proposals).
 */
export function scheduleProposals(sim: Simulator, rng: Rng, untilMs: number, perSecond: number): void {
  if (perSecond <= 0) return;
  const meanGap = 1000 / perSecond;
  let seq = 0;
  const next = (at: number): void => {
    if (at >= untilMs) return;
    sim.schedule(at, () => {
      const leaders = sim.ids.filter((id) => sim.roleOf(id) === 'leader');
      if (leaders.length > 0) {
        const targets = leaders.length > 1 && rng.chance(0.5) ? leaders : [pick(rng, leaders)];
        for (const id of targets) sim.propose(id, `SET k${rng.int(0, 9)} = ${++seq}`);
      }
      next(sim.now + Math.max(1, rng.int(0, Math.round(2 * meanGap))));
    });
  };
  next(sim.now + Math.max(1, rng.int(0, Math.round(2 * meanGap))));
}
