/**
 * Names the commonest reason a key's history is not linearizable: a stale read — a GET that
 * answered a value that a write which had already finished had replaced. What a deposed leader
 * serving reads without confirming it still leads produces (thesis §6.4).
 */
import { searchKey } from './linearizability-search.js';
import type { Operation } from './linearizability-types.js';

/** A stale read and its proof: the write it missed and, unless the value was there from the start, the write it saw. */
export interface StaleRead {
  read: Operation;
  /** Finished before the read was called, and left another value. */
  missed: Operation;
  /** The last operation that could have left the value read; null: only the key's initial state. */
  source: Operation | null;
}

/** The value a write certainly left, or undefined when it may not have changed the key. */
function certainEffect(o: Operation): string | null | undefined {
  if (o.return === Infinity) return undefined;
  if (o.op.type === 'set') return o.op.value;
  if (o.op.type === 'del') return null;
  if (o.op.type === 'cas' && o.output?.swapped === true) return o.op.value;
  return undefined;
}

/** The value a write reports finding before it changed it: a DEL's old value, a swapped CAS's expected one. */
function replaced(o: Operation): string | null | undefined {
  if (o.op.type === 'del') return o.output?.value;
  if (o.op.type === 'cas' && o.output?.swapped === true) return o.op.expected;
  return undefined;
}

/** Whether an operation may have left `value` (a CAS known not to have swapped left nothing). */
function mayLeave(o: Operation, value: string | null): boolean {
  switch (o.op.type) {
    case 'set':
      return o.op.value === value;
    case 'del':
      return value === null;
    case 'cas':
      return o.op.value === value && o.output?.swapped !== false;
    default:
      return false;
  }
}

/**
 * Finds a stale read among one key's operations: a GET answered `v` although a write that
 * certainly left another value returned before the GET was called, and every operation that
 * could have left `v` (or the initial state) had returned before that write was called, or
 * that write found `v` and replaced it — so `v` was gone, for good, before the read began. The three operations alone are then not
 * linearizable (checked). Prefers the earliest such read, and for it the latest write it
 * missed. Undefined when there is none: the history fails for another reason.
 */
export function findStaleRead(ops: readonly Operation[], initial: string | null, deadline: number): StaleRead | undefined {
  const reads = ops.filter((o) => o.op.type === 'get' && o.return !== Infinity && o.output?.value !== undefined);
  reads.sort((a, b) => a.call - b.call || a.id - b.id);
  const writes = ops.filter((o) => certainEffect(o) !== undefined).sort((a, b) => b.return - a.return);
  for (const read of reads) {
    const value = read.output!.value as string | null;
    // What could have left the value before the read took effect: called before it returned.
    const sources = ops.filter((o) => o !== read && o.call < read.return && mayLeave(o, value));
    const fromStart = initial === value;
    if (sources.length === 0 && !fromStart) continue; // a value nobody wrote: not this kind of failure
    // Every source (and the initial state) is over before the write the read missed began.
    const source = sources.reduce<Operation | null>((latest, o) => (latest === null || o.return > latest.return ? o : latest), null);
    const madeBy = source ? source.return : -Infinity;
    // The missed write came after every source: it began after they all returned, or it found
    // and replaced the value of the only one (values are written once).
    const after = (w: Operation): boolean => w.call > madeBy || (value !== null && sources.length === 1 && replaced(w) === value);
    const missed = writes.find((w) => w.return < read.call && certainEffect(w) !== value && after(w));
    if (!missed) continue;
    const witness = source ? [source, missed, read] : [missed, read];
    if (searchKey(witness, initial, deadline) !== 'not-linearizable') continue;
    return { read, missed, source };
  }
  return undefined;
}
