import { compileKey, INVALID, step, withoutUnseenTimeouts } from './linearizability-model.js';
import type { Operation } from './linearizability-types.js';

/** How the search over one key's operations ended. */
export type SearchOutcome = 'linearizable' | 'not-linearizable' | 'timeout';

/** Filled in by the search: how far in time any path got. */
export interface SearchProgress {
  /** The latest return time at which the search got stuck (every path failed by then). */
  stuckAt: number;
}

/**
 * One memo entry: a set of linearized operations and the state they lead to, stored compactly.
 * Operations are numbered by return time, so a linearized set is "everything below `low`" plus
 * a few operations concurrent with `low` (`window`) plus any of the indeterminate ones (`late`).
 */
interface Seen {
  low: number;
  state: number;
  window: Uint32Array;
  late: Uint32Array;
}

function equalWords(a: Uint32Array, b: Uint32Array, from: number): boolean {
  for (let w = 0; w < a.length; w++) if (a[w] !== b[from + w]) return false;
  return true;
}

/**
 * Decides whether one key's operations are linearizable: the Wing–Gong search with Lowe's
 * memoisation, as in Porcupine and Knossos. Call and return events form a linked list in time
 * order; the search repeatedly takes a pending call whose operation the model accepts in the
 * current state, "lifts" it (and its return) out of the list, and backtracks when it meets a
 * return whose operation was not yet linearized. A memo of (linearized set, state) prunes every
 * path that reaches a configuration already explored. `deadline` is a performance.now() time.
 */
export function searchKey(input: readonly Operation[], initial: string | null, deadline: number, progress?: SearchProgress): SearchOutcome {
  if (input.length === 0) return 'linearizable';
  // Determinate operations numbered by return time, then the indeterminate ones.
  const relevant = withoutUnseenTimeouts(input);
  const ops = relevant.filter((o) => o.return !== Infinity).sort((a, b) => a.return - b.return || a.call - b.call);
  const determinate = ops.length;
  for (const o of relevant) if (o.return === Infinity) ops.push(o);
  const n = ops.length;
  const model = compileKey(ops, initial);

  // reach[i]: the highest determinate number whose call is not after op i's return. While op i
  // is the lowest one not linearized, the search can only have linearized ops up to reach[i]
  // (its return event blocks the list walk), which bounds the memo's `window`.
  const reach = new Int32Array(determinate);
  const byCall = Array.from({ length: determinate }, (_, i) => i).sort((a, b) => ops[a]!.call - ops[b]!.call);
  let highest = -1;
  for (let i = 0, c = 0; i < determinate; i++) {
    while (c < determinate && ops[byCall[c]!]!.call <= ops[i]!.return) highest = Math.max(highest, byCall[c++]!);
    reach[i] = highest;
  }

  // Events: node 0 is the head, 2n + 1 the tail; node 1 + k is the k-th event in time order.
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i, ~i); // i: call of op i; ~i: its return
  const time = (e: number): number => (e >= 0 ? ops[e]!.call : ops[~e]!.return);
  // Ties: calls first, so operations that touch in time count as concurrent (the lenient order).
  order.sort((a, b) => time(a) - time(b) || (a >= 0 ? 0 : 1) - (b >= 0 ? 0 : 1));

  const total = 2 * n + 2;
  const tail = total - 1;
  const next = new Int32Array(total);
  const prev = new Int32Array(total);
  const opOf = new Int32Array(total);
  const isCall = new Uint8Array(total);
  const match = new Int32Array(total); // call node → its return node
  const callNode = new Int32Array(n);
  order.forEach((e, k) => {
    const node = k + 1;
    if (e >= 0) {
      opOf[node] = e;
      isCall[node] = 1;
      callNode[e] = node;
    } else {
      opOf[node] = ~e;
    }
  });
  for (let node = 1; node < tail; node++) if (!isCall[node]) match[callNode[opOf[node]!]!] = node;
  for (let node = 0; node < tail; node++) {
    next[node] = node + 1;
    prev[node + 1] = node;
  }
  const lift = (call: number): void => {
    next[prev[call]!] = next[call]!;
    prev[next[call]!] = prev[call]!;
    const ret = match[call]!;
    next[prev[ret]!] = next[ret]!;
    prev[next[ret]!] = prev[ret]!;
  };
  const unlift = (call: number): void => {
    const ret = match[call]!;
    next[prev[ret]!] = ret;
    prev[next[ret]!] = ret;
    next[prev[call]!] = call;
    prev[next[call]!] = call;
  };

  // How many operations not yet linearized need each state, and how many could still make it.
  // And how many CAS operations not yet linearized compare against each state.
  const need = new Int32Array(model.states);
  const supply = new Int32Array(model.states);
  const compared = new Int32Array(model.states);
  const count = (i: number, d: number): void => {
    if (model.needs[i]! >= 0) need[model.needs[i]!]! += d;
    if (model.makes[i]! >= 0) supply[model.makes[i]!]! += d;
    if (model.compares[i]! >= 0) compared[model.compares[i]!]! += d;
  };
  for (let i = 0; i < n; i++) count(i, 1);
  /**
   * The state as the memo sees it. A state that no remaining operation needs or compares
   * against behaves like any other such state from here on (whatever comes next must overwrite
   * it or ignore it), so all of them are one: orders of unread writes collapse together.
   */
  const unseen = model.states;
  const canonical = (s: number): number => (need[s] === 0 && compared[s] === 0 ? unseen : s);
  /**
   * Whether moving from `state` to another state by op `i` strands an operation: one still to
   * be linearized needs `state`, and nothing left could bring it back. Pruning such moves keeps
   * the search from trying every order of concurrent writes, and finds a stale read at once.
   */
  const strands = (i: number): boolean =>
    need[state]! - (model.needs[i] === state ? 1 : 0) > 0 && supply[state]! - (model.makes[i] === state ? 1 : 0) === 0;

  // The linearized set: bits for determinate ops (lowest unset: `low`) and for the others.
  const bits = new Uint32Array((determinate + 31) >>> 5);
  const lateBits = new Uint32Array((n - determinate + 31) >>> 5);
  let low = 0;
  const mark = (i: number): void => {
    count(i, -1);
    if (i >= determinate) {
      const j = i - determinate;
      lateBits[j >>> 5]! |= 1 << (j & 31);
      return;
    }
    bits[i >>> 5]! |= 1 << (i & 31);
    while (low < determinate && (bits[low >>> 5]! & (1 << (low & 31))) !== 0) low++;
  };
  const unmark = (i: number): void => {
    count(i, 1);
    if (i >= determinate) {
      const j = i - determinate;
      lateBits[j >>> 5]! &= ~(1 << (j & 31));
      return;
    }
    bits[i >>> 5]! &= ~(1 << (i & 31));
    if (i < low) low = i;
  };

  // Zobrist hashing keeps the set's hash up to date in O(1) per step.
  const zobrist = new Int32Array(n);
  let seed = 0x2545f491;
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    zobrist[i] = seed;
  }
  const memo = new Map<number, Seen[]>();
  /** Records the current (set, state); false when it was seen before. */
  const remember = (hash: number, state: number): boolean => {
    const from = low >>> 5;
    const to = low < determinate ? (reach[low]! >>> 5) + 1 : from;
    const key = (hash ^ Math.imul(state + 1, 0x9e3779b1)) | 0;
    const bucket = memo.get(key);
    if (bucket) {
      for (const seen of bucket) {
        if (
          seen.low === low &&
          seen.state === state &&
          seen.window.length === to - from &&
          equalWords(seen.window, bits, from) &&
          equalWords(seen.late, lateBits, 0)
        ) {
          return false;
        }
      }
    }
    const seen: Seen = { low, state, window: bits.slice(from, to), late: lateBits.slice() };
    if (bucket) bucket.push(seen);
    else memo.set(key, [seen]);
    return true;
  };

  const stackCall = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackForced = new Uint8Array(n);
  let depth = 0;
  let state = model.initial;
  let hash = 0;
  let entry = next[0]!;
  let steps = 0;
  /** At a configuration not yet looked at: first try to take a read-only operation for free. */
  let fresh = true;
  /** Pops choices until one with alternatives left; false when none is left. */
  const backtrack = (): boolean => {
    for (;;) {
      if (depth === 0) return false;
      depth--;
      entry = stackCall[depth]!;
      state = stackState[depth]!;
      const i = opOf[entry]!;
      unmark(i);
      hash ^= zobrist[i]!;
      unlift(entry);
      // A forced operation was no choice: the configuration before it has failed too.
      if (!stackForced[depth]) {
        entry = next[entry]!;
        return true;
      }
    }
  };
  const take = (node: number, i: number, after: number, forced: number): void => {
    stackCall[depth] = node;
    stackState[depth] = state;
    stackForced[depth] = forced;
    depth++;
    state = after;
    hash ^= zobrist[i]!;
    lift(node);
    entry = next[0]!;
    fresh = true;
  };

  while (next[0] !== tail) {
    if ((++steps & 0xfff) === 0 && performance.now() > deadline) return 'timeout';
    if (fresh) {
      // Lowe's observation, used as a pruning rule: a pending operation that changes nothing
      // and fits the current state can be linearized right now without losing any solution
      // (moving it earlier keeps every state and every real-time constraint). So it is taken
      // with no alternatives, and reads stop multiplying the search.
      fresh = false;
      let dead = false;
      for (let node = next[0]!; isCall[node]; node = next[node]!) {
        const i = opOf[node]!;
        if (!model.readOnly[i] || step(model, state, i) === INVALID) continue;
        mark(i);
        if (remember(hash ^ zobrist[i]!, canonical(state))) take(node, i, state, 1);
        else {
          unmark(i);
          dead = true;
        }
        break;
      }
      if (dead && !backtrack()) return 'not-linearizable';
      continue;
    }
    if (isCall[entry]) {
      const i = opOf[entry]!;
      const after = model.readOnly[i] ? INVALID : step(model, state, i); // read-only: tried above
      if (after !== INVALID && (after === state || !strands(i))) {
        mark(i);
        if (remember(hash ^ zobrist[i]!, canonical(after))) {
          take(entry, i, after, 0);
          continue;
        }
        unmark(i);
      }
      entry = next[entry]!;
    } else {
      // A return whose operation is not linearized: undo the last choice, if any is left.
      if (progress) progress.stuckAt = Math.max(progress.stuckAt, ops[opOf[entry]!]!.return);
      if (!backtrack()) return 'not-linearizable';
    }
  }
  return 'linearizable';
}
