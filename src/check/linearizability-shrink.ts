import { searchKey } from './linearizability-search.js';
import type { Operation } from './linearizability-types.js';

/**
 * Whether every value the operations report seeing (and every value a successful CAS expected)
 * is the initial value or written by one of them, and every report of "not set" has a DEL
 * before it (or comes before any write, from an initially unset key). A window that is not
 * self-contained fails for a dull reason ("nobody wrote 1", "nobody deleted it") and hides the
 * real story (1 was written, then overwritten, then read again).
 */
export function selfContained(ops: readonly Operation[], initial: string | null): boolean {
  const written = new Set<string | null>([initial]);
  let firstWriteReturn = Infinity;
  let firstDelCall = Infinity;
  for (const o of ops) {
    if (o.op.type === 'set' || o.op.type === 'cas') {
      written.add(o.op.value);
      // A CAS known not to have swapped changed nothing: an unset read after it is still "at start".
      if (o.op.type === 'set' || o.output?.swapped !== false) firstWriteReturn = Math.min(firstWriteReturn, o.return);
    } else if (o.op.type === 'del') {
      firstDelCall = Math.min(firstDelCall, o.call);
    }
  }
  for (const o of ops) {
    const out = o.output;
    if (!out) continue;
    if (out.value === null) {
      const unsetAtStart = initial === null && o.call <= firstWriteReturn;
      if (!unsetAtStart && firstDelCall > o.return) return false;
    } else if (out.value !== undefined && !written.has(out.value)) {
      return false;
    }
    if (o.op.type === 'cas' && out.swapped === true && !written.has(o.op.expected)) return false;
  }
  return true;
}

/** The state an operation reports having seen, when it says: a read's value, a swapped CAS's expected. */
function observedState(o: Operation): string | null | undefined {
  const out = o.output;
  if (!out) return undefined;
  if (out.value !== undefined) return out.value;
  if (o.op.type === 'cas' && out.swapped === true) return o.op.expected;
  return undefined;
}

/** The state an operation may leave: SET/CAS their value, DEL "not set"; undefined for GET. */
function producedState(o: Operation): string | null | undefined {
  if (o.op.type === 'set' || o.op.type === 'cas') return o.op.value;
  return o.op.type === 'del' ? null : undefined;
}

/** Whether an operation certainly changed the state (a CAS only when known to have swapped). */
function certainWrite(o: Operation): boolean {
  return o.op.type === 'set' || o.op.type === 'del' || (o.op.type === 'cas' && o.output?.swapped === true);
}

/**
 * For each operation that reports a state, the operations that could have produced what it
 * saw: those making that state, called before it returned, and not followed by another write
 * that certainly happened in between (one that started after the producer returned and
 * returned before the observer was called). A window must keep them all, so it cannot fail
 * merely because the write a read saw was left out. When no producer is that recent (a stale
 * read), every producer of the state is a witness instead: the read saw one of them.
 */
function witnessesOf(ops: readonly Operation[]): Map<Operation, Operation[]> {
  const producers = new Map<string | null, Operation[]>();
  for (const o of ops) {
    const made = producedState(o);
    if (made === undefined) continue;
    const list = producers.get(made);
    if (list) list.push(o);
    else producers.set(made, [o]);
  }
  // latestStart(t): the latest call among certain writes that returned before t.
  const writes = ops.filter(certainWrite).sort((a, b) => a.return - b.return);
  const runningMax: number[] = [];
  writes.forEach((w, i) => runningMax.push(Math.max(w.call, runningMax[i - 1] ?? -Infinity)));
  const latestStart = (t: number): number => {
    let lo = 0;
    let hi = writes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (writes[mid]!.return < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -Infinity : runningMax[lo - 1]!;
  };
  const witnesses = new Map<Operation, Operation[]>();
  for (const o of ops) {
    const seen = observedState(o);
    if (seen === undefined) continue;
    const candidates = (producers.get(seen) ?? []).filter((p) => p !== o && p.call <= o.return);
    const cutoff = latestStart(o.call);
    const recent = candidates.filter((p) => p.return >= cutoff);
    witnesses.set(o, recent.length > 0 ? recent : candidates);
  }
  return witnesses;
}

/**
 * Shrinks a non-linearizable set of one key's operations to a small window that is still not
 * linearizable, within `budgetMs` of wall time.
 *
 * 1. A first failing window, found cheaply: the operations around `stuckAt` (where the full
 *    search got stuck) with their witnesses, doubling the span until it fails; failing that, a
 *    binary search for a short failing prefix in call order (with witnesses).
 * 2. Delta debugging: remove chunks, then single operations, keeping every removal after which
 *    the rest still fails.
 *
 * A check that times out counts as "not shown to fail", so the window is always a proven
 * failure. When the whole set is self-contained (see {@link selfContained}), every window
 * tried must be too, and must keep the witnesses of what it saw (see witnessesOf), so it keeps
 * the writes that explain what was read. `minimal`: no single operation can be removed under
 * those rules.
 */
export function shrinkWindow(
  ops: readonly Operation[],
  initial: string | null,
  budgetMs: number,
  stuckAt = Infinity,
): { window: Operation[]; minimal: boolean } {
  const deadline = performance.now() + budgetMs;
  const witnesses = witnessesOf(ops);
  const explained = (candidate: readonly Operation[]): boolean => {
    const present = new Set(candidate);
    return candidate.every((o) => (witnesses.get(o) ?? []).every((w) => present.has(w)));
  };
  /** A window with the witnesses of everything it contains. */
  const closed = (chosen: readonly Operation[]): Operation[] => {
    const set = new Set(chosen);
    const queue = [...chosen];
    while (queue.length > 0) {
      for (const w of witnesses.get(queue.pop()!) ?? []) {
        if (!set.has(w)) {
          set.add(w);
          queue.push(w);
        }
      }
    }
    return [...set];
  };
  const contained = selfContained(ops, initial);
  const fails = (candidate: readonly Operation[]): boolean =>
    performance.now() < deadline &&
    (!contained || (selfContained(candidate, initial) && explained(candidate))) &&
    searchKey(candidate, initial, deadline) === 'not-linearizable';

  const byCall = [...ops].sort((a, b) => a.call - b.call || a.id - b.id);
  const n = byCall.length;
  let found: Operation[] | undefined;
  const at = byCall.findIndex((o) => o.call > stuckAt);
  const centre = at < 0 ? n : at;
  for (let span = 8; !found && (centre - span > 0 || centre + span < n); span *= 2) {
    const candidate = closed(byCall.slice(Math.max(0, centre - span), centre + span));
    if (candidate.length < n && fails(candidate)) found = candidate;
  }
  if (!found) {
    let lo = 0; // the empty prefix is linearizable
    let hi = n; // the whole set fails
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (fails(closed(byCall.slice(0, mid)))) hi = mid;
      else lo = mid;
    }
    found = hi < n ? closed(byCall.slice(0, hi)) : byCall;
  }
  let window = found.sort((a, b) => a.call - b.call || a.id - b.id);

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
