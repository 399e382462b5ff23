import { searchKey } from './linearizability-search.js';
import type { Operation } from './linearizability-types.js';

/**
 * Whether every value the operations report seeing (and every value a successful CAS expected)
 * is the initial value, "not set", or written by one of them. A window that is not
 * self-contained fails for a dull reason ("nobody wrote 1") and hides the real story (1 was
 * written, then overwritten, then read again).
 */
export function selfContained(ops: readonly Operation[], initial: string | null): boolean {
  const written = new Set<string | null>([null, initial]);
  for (const o of ops) if (o.op.type === 'set' || o.op.type === 'cas') written.add(o.op.value);
  for (const o of ops) {
    const out = o.output;
    if (!out) continue;
    if (out.value !== undefined && !written.has(out.value)) return false;
    if (o.op.type === 'cas' && out.swapped === true && !written.has(o.op.expected)) return false;
  }
  return true;
}

/**
 * Shrinks a non-linearizable set of one key's operations to a small window that is still not
 * linearizable, within `budgetMs` of wall time. First the shortest failing prefix in call order
 * (a binary search between a linearizable and a failing length), then delta debugging: remove
 * chunks, then single operations, keeping every removal after which the rest still fails. A
 * check that times out counts as "not shown to fail", so the window is always a proven failure.
 * When the whole set is self-contained (see {@link selfContained}), every window tried must be
 * too, so the window keeps the writes that explain what was read. `minimal`: no single
 * operation can be removed under those rules.
 */
export function shrinkWindow(
  ops: readonly Operation[],
  initial: string | null,
  budgetMs: number,
): { window: Operation[]; minimal: boolean } {
  const deadline = performance.now() + budgetMs;
  const contained = selfContained(ops, initial);
  const fails = (candidate: readonly Operation[]): boolean =>
    performance.now() < deadline &&
    (!contained || selfContained(candidate, initial)) &&
    searchKey(candidate, initial, deadline) === 'not-linearizable';

  const byCall = [...ops].sort((a, b) => a.call - b.call || a.id - b.id);
  let lo = 0; // the empty prefix is linearizable
  let hi = byCall.length; // the whole set fails
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fails(byCall.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  let window = byCall.slice(0, hi);

  let chunk = Math.max(1, window.length >>> 1);
  for (;;) {
    let removed = false;
    for (let start = 0; start < window.length && performance.now() < deadline; ) {
      const candidate = window.slice(0, start).concat(window.slice(start + chunk));
      if (candidate.length > 0 && fails(candidate)) {
        window = candidate;
        removed = true;
      } else {
        start += chunk;
      }
    }
    if (performance.now() >= deadline) return { window, minimal: false };
    if (chunk > 1) chunk >>>= 1;
    else if (!removed) return { window, minimal: true };
  }
}
