/**
 * The turns a virtual clock gives promise continuations before time moves on (scheduler.ts:
 * advanceTurns). A turn must let every continuation queued so far run — and every one those
 * queue, to any depth — before time moves on, so a submit's result and the caller's reaction to
 * it happen at the virtual moment of the apply.
 *
 * An event-loop turn (`setImmediate`) does that, at the price of a pass through the event loop
 * and its poll (a system call) each time: on some machines most of what a virtual-time loop
 * costs. {@link drainTurn} does it inside the current pass: a microtask queued now runs after
 * the continuations already queued; from it, `process.nextTick` runs once the microtask queue is
 * empty — Node runs next-tick callbacks only when a drain of the microtask queue has finished —
 * and the round is made twice, so a continuation that went through one `nextTick` of its own
 * has run too.
 *
 * The event loop itself must still turn now and then: a loop that never lets it run would
 * starve timers, sockets and signals. (A virtual-time cluster does no real I/O of its own: its
 * nodes keep their state in memory or on simulated disks, whose operations are promises.)
 */
export function drainTurn(resume: () => void): void {
  drains.push(resume);
  microtask(firstTick);
}

/**
 * A settled promise: `then` on it queues a microtask. `queueMicrotask` does the same, but Node
 * wraps each callback in an async resource and a bound function — objects a virtual-time loop
 * would make several times per turn.
 */
const RESOLVED = Promise.resolve();
export const microtask = (fn: () => void): void => void RESOLVED.then(fn);

/**
 * The resumes of the drain turns under way, oldest first. Every turn goes through the same
 * steps below in the same order, so turns end in the order they began: the step functions are
 * shared, and a turn costs no closure of its own.
 */
const drains: (() => void)[] = [];
let drainHead = 0;
const firstTick = (): void => process.nextTick(secondMicrotask);
const secondMicrotask = (): void => microtask(lastTick);
const lastTick = (): void => process.nextTick(endDrain);
const endDrain = (): void => {
  const resume = drains[drainHead]!;
  drains[drainHead++] = undefined as unknown as () => void;
  if (drainHead === drains.length) {
    drains.length = 0;
    drainHead = 0;
  }
  resume();
};

/** An event-loop turn: `resume` runs after one pass through the event loop. */
export function loopTurn(resume: () => void): void {
  setImmediate(resume);
}

/** {@link loopTurn} as a promise: promise continuations, microtasks and I/O callbacks due have run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => loopTurn(resolve));
}

/** Wall ms after which a turn goes through the event loop again (timers, I/O and signals run then). */
const LOOP_EVERY_MS = 2;

/**
 * Turns for a virtual clock: {@link drainTurn}, and an event-loop turn at least every
 * {@link LOOP_EVERY_MS} of wall time.
 */
export function virtualClockTurns(): (resume: () => void) => void {
  let lastLoop = performance.now();
  return (resume) => {
    const now = performance.now();
    if (now - lastLoop < LOOP_EVERY_MS) return drainTurn(resume);
    lastLoop = now;
    loopTurn(resume);
  };
}
