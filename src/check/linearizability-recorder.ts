import type { KvOp } from '../kv/types.js';
import type { Operation, OperationOutput } from './linearizability-types.js';

interface Pending {
  op: Operation;
  done: boolean;
}

/**
 * Records a client history for the linearizability checker: call `invoke` just before a request
 * is sent and `complete` or `fail` when its answer (or lack of one) is known. Times come from
 * the clock passed in (wall time, or the simulator's virtual time): one clock for all clients.
 */
export class HistoryRecorder {
  private readonly ops: Pending[] = [];
  private readonly byId = new Map<number, Pending>();

  constructor(private readonly clock: () => number) {}

  /** Records the start of an operation; returns its id. */
  invoke(client: string, op: KvOp): number {
    const id = this.ops.length + 1;
    const pending: Pending = { op: { id, client, call: this.clock(), return: Infinity, op, output: null }, done: false };
    this.ops.push(pending);
    this.byId.set(id, pending);
    return id;
  }

  /** Records the answer of a completed operation, and optionally which node gave it and how. */
  complete(id: number, output: OperationOutput, servedBy?: string): void {
    const p = this.finish(id);
    p.op.return = this.clock();
    p.op.output = { ...output };
    if (servedBy !== undefined) p.op.servedBy = servedBy;
  }

  /**
   * Records a failure. Definite (e.g. "not leader", "invalid"): it did not take effect and is
   * left out of the history. Otherwise (a timeout, a lost connection): indeterminate, it may or
   * may not have taken effect, and stays in with no return time and no output.
   */
  fail(id: number, definite: boolean): void {
    this.finish(id);
    if (definite) this.byId.delete(id);
  }

  /**
   * The history so far. Operations still waiting for an answer are indeterminate in it.
   * The objects are copies: recording more does not change a history already taken.
   */
  history(): Operation[] {
    const out: Operation[] = [];
    for (const p of this.ops) {
      if (!this.byId.has(p.op.id)) continue;
      out.push({ ...p.op, output: p.op.output ? { ...p.op.output } : null });
    }
    return out;
  }

  private finish(id: number): Pending {
    const p = this.byId.get(id);
    if (!p) throw new Error(`no recorded operation ${id} (or it already failed definitely)`);
    if (p.done) throw new Error(`operation ${id} already has an outcome`);
    p.done = true;
    return p;
  }
}
