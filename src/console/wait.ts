import type { Cluster, ClusterEvent } from '../cluster/types.js';

/** Virtual time moves in steps this long while the console waits on a virtual clock. */
const VIRTUAL_STEP_MS = 10;

/** Whether the cluster runs on a virtual clock, where nothing happens unless someone calls advance(). */
export async function isVirtual(cluster: Cluster): Promise<boolean> {
  return cluster.clock === 'virtual';
}

/**
 * Lets `ms` pass: wall time on a real clock, advance() on a virtual one, and on a paced one
 * cluster time (the command resumes at the boundary `ms` later).
 */
export async function pass(cluster: Cluster, ms: number): Promise<void> {
  const pacer = cluster.pacer;
  if (pacer) {
    const until = pacer.now() + ms;
    await pacer.until(() => pacer.now() >= until - 1e-9, ms + VIRTUAL_STEP_MS);
    return;
  }
  if (await isVirtual(cluster)) {
    await cluster.advance(ms);
    return;
  }
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Awaits a promise that settles as the cluster's time moves: on a virtual clock that means
 * advancing time until it does (bounded by `limitMs` of virtual time; the cluster's own
 * timeouts end most waits long before).
 */
export async function settle<T>(cluster: Cluster, promise: Promise<T>, limitMs = 600_000): Promise<T> {
  if (!(await isVirtual(cluster)) && !cluster.pacer) return promise;
  let settled = false;
  const watched = promise.then(
    (v) => {
      settled = true;
      return v;
    },
    (e: unknown) => {
      settled = true;
      throw e;
    },
  );
  // Paced: the command carries on at the first boundary after the answer came.
  if (cluster.pacer) await cluster.pacer.until(() => settled, limitMs);
  for (let elapsed = 0; !settled && !cluster.pacer && elapsed < limitMs; elapsed += VIRTUAL_STEP_MS) {
    await cluster.advance(VIRTUAL_STEP_MS);
  }
  return watched;
}

/**
 * Waits until `check` gives a value, or `timeoutMs` passes (then undefined). `check` runs now,
 * after every cluster event that `relevant` lets through, and every 25 ms; on a virtual clock,
 * after every step of advanced time. Every listener and timer is gone when it resolves.
 */
export async function waitUntil<T>(
  cluster: Cluster,
  check: () => T | undefined,
  timeoutMs: number,
  relevant: (e: ClusterEvent) => boolean = () => true,
): Promise<T | undefined> {
  const now = check();
  if (now !== undefined) return now;
  const pacer = cluster.pacer;
  if (pacer) {
    let value: T | undefined;
    await pacer.until(() => {
      value = check();
      return value !== undefined;
    }, timeoutMs);
    return value;
  }
  if (await isVirtual(cluster)) {
    for (let elapsed = 0; elapsed < timeoutMs; elapsed += VIRTUAL_STEP_MS) {
      await cluster.advance(VIRTUAL_STEP_MS);
      const value = check();
      if (value !== undefined) return value;
    }
    return undefined;
  }
  return new Promise<T | undefined>((resolve) => {
    let finished = false;
    const finish = (value: T | undefined): void => {
      if (finished) return;
      finished = true;
      off();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(value);
    };
    const attempt = (): void => {
      const value = check();
      if (value !== undefined) finish(value);
    };
    const off = cluster.on('event', (e) => {
      if (relevant(e)) attempt();
    });
    const poll = setInterval(attempt, 25);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
  });
}
