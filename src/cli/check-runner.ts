/**
 * Runs the seeds of a check plan one after another — in the simulator, or on real TCP
 * clusters — and adds each outcome to a tally, reporting progress as it goes.
 */
import { runCheckSeed } from '../sim/check-run.js';
import { seedSettings } from '../sim/check-run-settings.js';
import { addError, addOutcome, emptyTally, type CheckTally } from '../sim/check-run-summary.js';
import { runCheckTcp } from '../sim/check-run-tcp.js';
import type { CheckPlan } from './check-options.js';

export interface RunHooks {
  /** After each seed. */
  progress?: (tally: CheckTally) => void;
  /** The event trace of the (single) run, line by line: ms, sentence. */
  trace?: (at: number, text: string) => void;
}

/** Lets timers and signals in between seeds (a seed runs synchronously) every this many ms. */
const YIELD_EVERY_MS = 100;

export async function runPlan(plan: CheckPlan, hooks: RunHooks = {}): Promise<{ tally: CheckTally; wallMs: number }> {
  const tally = emptyTally();
  const started = performance.now();
  let yielded = started;
  for (let i = 0; i < plan.count; i++) {
    const seed = plan.first + i;
    try {
      if (plan.transport === 'tcp') {
        const s = plan.settings;
        addOutcome(
          tally,
          await runCheckTcp({ seed, nodes: s.nodes, timeMs: s.timeMs, faults: s.faults }, hooks.trace ? { trace: hooks.trace } : {}),
        );
      } else {
        addOutcome(tally, runCheckSeed(seedSettings(seed, plan.settings), hooks.trace ? { trace: hooks.trace } : {}));
      }
    } catch (error) {
      addError(tally, seed, error);
    }
    hooks.progress?.(tally);
    if (performance.now() - yielded >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
  }
  return { tally, wallMs: performance.now() - started };
}
