import type { Operation } from './linearizability-types.js';

/** Operation kinds of the compiled model. */
const SET = 0;
const GET = 1;
const DEL = 2;
const CAS = 3;

/** "Not known" in the compiled outputs. */
const UNKNOWN = -1;
/** Step result: the operation cannot happen in this state. */
export const INVALID = -1;

/**
 * One key's operations compiled for the search: the sequential model of a single register
 * (SET, GET, DEL, CAS) over small integers. Values are interned: state 0 is "not set", state k
 * is the k-th distinct string, so a step compares integers and the memo hashes integers.
 */
export interface CompiledKey {
  size: number;
  /** Number of distinct states (interned values plus "not set"). */
  states: number;
  initial: number;
  kind: Uint8Array;
  /** SET: the value; CAS: the new value. */
  arg: Int32Array;
  /** CAS: the expected value. */
  expected: Int32Array;
  /** GET/DEL/CAS: the value observed before the operation, or UNKNOWN. */
  observed: Int32Array;
  /** CAS: 1 swapped, 0 not, UNKNOWN. */
  swapped: Int8Array;
  /**
   * 1 when the operation changes nothing in every state where its output fits: a GET with an
   * answer, a CAS known not to have swapped, a DEL known to have found nothing.
   */
  readOnly: Uint8Array;
  /** The state the operation shows it ran in (its observed value; a swapped CAS's expected), or -1. */
  needs: Int32Array;
  /** The state the operation can leave behind (SET/CAS: its value; DEL: not set), or -1. */
  makes: Int32Array;
  /** CAS: the expected value (its behaviour depends on whether the state is that), or -1. */
  compares: Int32Array;
}

/** Compiles one key's operations; `initial` is the key's value before the history (null: not set). */
export function compileKey(ops: readonly Operation[], initial: string | null): CompiledKey {
  const ids = new Map<string, number>();
  const intern = (v: string | null): number => {
    if (v === null) return 0;
    let id = ids.get(v);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(v, id);
    }
    return id;
  };
  const n = ops.length;
  const c: CompiledKey = {
    size: n,
    initial: intern(initial),
    kind: new Uint8Array(n),
    arg: new Int32Array(n),
    expected: new Int32Array(n),
    observed: new Int32Array(n).fill(UNKNOWN),
    swapped: new Int8Array(n).fill(UNKNOWN),
    readOnly: new Uint8Array(n),
    needs: new Int32Array(n).fill(-1),
    makes: new Int32Array(n).fill(-1),
    compares: new Int32Array(n).fill(-1),
    states: 0,
  };
  ops.forEach((o, i) => {
    const out = o.output;
    if (out && out.value !== undefined) c.observed[i] = intern(out.value);
    switch (o.op.type) {
      case 'set':
        c.kind[i] = SET;
        c.arg[i] = intern(o.op.value);
        break;
      case 'get':
        c.kind[i] = GET;
        break;
      case 'del':
        c.kind[i] = DEL;
        break;
      case 'cas':
        c.kind[i] = CAS;
        c.arg[i] = intern(o.op.value);
        c.expected[i] = intern(o.op.expected);
        if (out && out.swapped !== undefined) c.swapped[i] = out.swapped ? 1 : 0;
        break;
    }
    const kind = c.kind[i];
    c.readOnly[i] =
      (kind === GET && c.observed[i] !== UNKNOWN) || (kind === CAS && c.swapped[i] === 0) || (kind === DEL && c.observed[i] === 0) ? 1 : 0;
    c.needs[i] = c.observed[i] !== UNKNOWN ? c.observed[i]! : kind === CAS && c.swapped[i] === 1 ? c.expected[i]! : -1;
    c.compares[i] = kind === CAS ? c.expected[i]! : -1;
    c.makes[i] = kind === SET ? c.arg[i]! : kind === DEL ? 0 : kind === CAS && c.swapped[i] !== 0 ? c.arg[i]! : -1;
  });
  c.states = ids.size + 1;
  return c;
}

/**
 * The sequential specification: the state after operation `i` runs in `state`, or INVALID when
 * its recorded output could not come from that state. Deterministic: one next state at most.
 */
export function step(c: CompiledKey, state: number, i: number): number {
  const observed = c.observed[i]!;
  if (observed !== UNKNOWN && observed !== state) return INVALID;
  switch (c.kind[i]) {
    case SET:
      return c.arg[i]!;
    case GET:
      return state;
    case DEL:
      return 0;
    default: {
      const match = state === c.expected[i];
      const swapped = c.swapped[i]!;
      if (swapped !== UNKNOWN && (swapped === 1) !== match) return INVALID;
      return match ? c.arg[i]! : state;
    }
  }
}

/** Whether an operation can never affect the search: a read whose answer is unknown. */
export function isInert(o: Operation): boolean {
  return o.op.type === 'get' && (o.output === null || o.output.value === undefined);
}

/**
 * Leaves out indeterminate writes that provably do not matter: a SET or CAS that timed out,
 * whose value no operation reports seeing and no CAS that may have swapped expects. Why this
 * is safe: in any linearization that includes one, the state it leaves is seen by nobody, so
 * until the next blind write (SET, or DEL with no known answer) only CAS operations with no
 * known answer can follow; they do nothing in that state, and in the state before it their
 * answer is free and their effect is overwritten just the same. So dropping it keeps the rest
 * valid, and "it never took effect" is always allowed for an indeterminate operation. The one
 * exception is a CAS known not to have swapped whose value is not known (the state before
 * could refute it): with one of those present nothing is dropped. Without this rule each such
 * write could be linearized at any free moment, and the search would try every subset of them.
 */
export function withoutUnseenTimeouts(ops: readonly Operation[]): readonly Operation[] {
  const referenced = new Set<string>();
  for (const o of ops) {
    const out = o.output;
    if (out?.value != null) referenced.add(out.value);
    if (o.op.type !== 'cas') continue;
    if (out?.swapped === false && out.value === undefined) return ops;
    // A CAS known not to have swapped tells nothing about its expected value.
    if (out?.swapped !== false) referenced.add(o.op.expected);
  }
  const unseen = (o: Operation): boolean =>
    o.return === Infinity && (o.op.type === 'set' || o.op.type === 'cas') && !referenced.has(o.op.value);
  return ops.some(unseen) ? ops.filter((o) => !unseen(o)) : ops;
}
