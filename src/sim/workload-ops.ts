/**
 * What the check's clients ask for: a random mix of SET, GET, CAS and DEL on a few keys, with
 * values unique across the run (so each read names the one write it saw, which keeps the
 * linearizability search small and its verdicts sharp).
 */
import type { KvOp, KvResult } from '../kv/types.js';
import type { OperationOutput } from '../check/linearizability-types.js';
import type { Rng } from '../raft/rng.js';

/** Draws operations for the clients of one run. */
export class OpGenerator {
  private values = 0;
  /** The last value seen per key by anyone (read or written): what a CAS most likely finds. */
  private readonly lastSeen = new Map<string, string>();

  constructor(
    private readonly rng: Rng,
    private readonly keys: number,
  ) {}

  /** The next operation: 30% SET, 35% GET, 20% CAS, 15% DEL on one of the keys. */
  next(): KvOp {
    const rng = this.rng;
    const key = `k${rng.int(0, this.keys - 1)}`;
    const r = rng.next();
    if (r < 0.3) return { type: 'set', key, value: this.fresh() };
    if (r < 0.65) return { type: 'get', key };
    if (r < 0.85) {
      // Usually the value last seen, so some CAS succeed; sometimes a stale or absent one.
      const seen = this.lastSeen.get(key);
      const expected = seen !== undefined && rng.chance(0.8) ? seen : `v${rng.int(0, this.values)}`;
      return { type: 'cas', key, expected, value: this.fresh() };
    }
    return { type: 'del', key };
  }

  /** A GET of one of the keys, for clients that only read. */
  nextGet(): KvOp {
    return { type: 'get', key: `k${this.rng.int(0, this.keys - 1)}` };
  }

  /** Remembers what an answered operation showed about its key. */
  learn(op: KvOp, result: KvResult): void {
    if (op.type === 'set') this.lastSeen.set(op.key, op.value);
    else if (op.type === 'cas' && result.swapped) this.lastSeen.set(op.key, op.value);
    else if (typeof result.value === 'string') this.lastSeen.set(op.key, result.value);
  }

  private fresh(): string {
    return `v${++this.values}`;
  }
}

/** The part of a state machine result the linearizability checker compares. */
export function outputOf(result: KvResult): OperationOutput {
  const out: OperationOutput = {};
  if (result.value !== undefined) out.value = result.value;
  if (result.swapped !== undefined) out.swapped = result.swapped;
  return out;
}

/** A result as a trace shows it: `ok`, `"v3"`, `not set`, `swapped`… */
export function describeResult(op: KvOp, result: KvResult): string {
  if (result.error) return `error: ${result.error}`;
  const value = (v: string | null | undefined): string => (v === null || v === undefined ? 'not set' : JSON.stringify(v));
  switch (op.type) {
    case 'set':
      return 'ok';
    case 'get':
      return value(result.value);
    case 'del':
      return result.value === null ? 'ok (was not set)' : `ok (was ${value(result.value)})`;
    case 'cas':
      return `${result.swapped ? 'swapped' : 'not swapped'} (was ${value(result.value)})`;
  }
}
