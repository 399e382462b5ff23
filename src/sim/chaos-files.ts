import { InvariantChecker } from '../check/invariants.js';
import { createRng } from '../raft/rng.js';
import type { NodeId } from '../raft/types.js';
import { chaosSimulatorOptions, chaosTally, type ChaosOptions, type ChaosResult } from './chaos.js';
import { scheduleFaults, scheduleProposals } from './chaos-schedule.js';
import type { CrashFsStats } from './crash-fs.js';
import { deriveSeed } from './derive-seed.js';
import { Simulator } from './simulator.js';

export interface FileChaosResult extends ChaosResult {
  /** What crashes did to writes that were not fsync'd yet: lost, torn, reordered, names undone. */
  files: CrashFsStats;
  /** Recoveries that failed (a node whose files could not be opened after a crash). */
  openFailures: string[];
}

/**
 * One seeded chaos run (see runChaos) with every node on the real FileStorage over a
 * crash-honest file system: each crash loses, tears or reorders whatever was written and not yet
 * fsync'd, and undoes renames whose folder was not fsync'd. Safety is checked after every Ready
 * and at every restart against what the files kept; then everything is healed and a new entry
 * must commit everywhere. Asynchronous: the storage is the real, promise-based code.
 */
export async function runChaosOnFiles(
  options: Omit<ChaosOptions, 'leaderWriteMs'> & { fsyncMs?: [number, number] },
): Promise<FileChaosResult> {
  const checker = new InvariantChecker({ maxViolations: 50 });
  const nodes = options.nodes ?? 5;
  const sim = new Simulator({
    ...chaosSimulatorOptions(options, nodes, checker),
    files: { fsyncMs: options.fsyncMs ?? [1, 6] },
  });
  const rng = createRng(deriveSeed(options.seed, 3));
  const duration = options.durationMs ?? 5000;
  scheduleFaults(sim, rng, duration, options.faults ?? { everyMs: [20, 200] });
  scheduleProposals(sim, rng, duration, options.proposalsPerSecond ?? 50);
  // The crashes that matter here fall while a write is on its way to the disk: aim some there.
  const aim = createRng(deriveSeed(options.seed, 7));
  const crashMidWrite = (at: number): void => {
    if (at >= duration) return;
    sim.schedule(at, () => {
      const writing = sim.ids.filter((id) => sim.isUp(id) && sim.isWriting(id));
      const victim = writing.length > 0 ? writing[aim.int(0, writing.length - 1)] : undefined;
      if (victim !== undefined) {
        sim.crash(victim);
        sim.schedule(sim.now + aim.int(20, 200), () => sim.restart(victim));
      }
      crashMidWrite(sim.now + aim.int(30, 150));
    });
  };
  crashMidWrite(aim.int(30, 150));
  let crashes = 0;
  sim.onEvent((e) => {
    if (e.type === 'crash') crashes++;
  });
  const broken = (): boolean => !checker.ok || sim.openFailures.length > 0;
  const result = (liveness: ChaosResult['liveness']): FileChaosResult => ({
    ...chaosTally(sim, checker, { seed: options.seed, nodes, crashes, liveness }),
    lostWrites: 0,
    files: sim.fileCrashStats(),
    openFailures: [...sim.openFailures],
  });

  await sim.runUntilAsync(broken, duration);
  if (broken()) return result(null);
  const liveness = await checkLivenessAsync(sim, options.livenessMs ?? 10_000, broken);
  return result(broken() ? null : liveness);
}

/** checkLiveness (chaos.ts) for a simulator on files: the same steps, awaiting each run. */
async function checkLivenessAsync(sim: Simulator, limitMs: number, broken: () => boolean): Promise<NonNullable<ChaosResult['liveness']>> {
  sim.heal();
  for (const id of sim.ids) sim.restart(id);
  const start = sim.now;
  const deadline = start + limitMs;
  let attempt = 0;
  while (sim.now < deadline && !broken()) {
    if (!(await sim.runUntilAsync(() => sim.leader() !== undefined || broken(), deadline - sim.now))) break;
    const leader: NodeId | undefined = sim.leader();
    if (leader === undefined) break;
    const data = `liveness ${++attempt}`;
    const r = sim.propose(leader, data);
    if (!r.ok) {
      await sim.runForAsync(sim.tickMs);
      continue;
    }
    const everywhere = (): boolean => sim.ids.every((id) => sim.commitIndex(id) >= r.index && sim.entryAt(id, r.index)?.data === data);
    const retryAt = Math.min(deadline, sim.now + 1000);
    if ((await sim.runUntilAsync(() => everywhere() || broken(), retryAt - sim.now)) && everywhere()) {
      return { ok: true, elapsedMs: sim.now - start, leader, index: r.index };
    }
  }
  return { ok: false, elapsedMs: sim.now - start };
}
