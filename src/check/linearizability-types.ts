import type { KvOp } from '../kv/types.js';

/** What a completed operation returned; see KvResult (GET/DEL: `value`, CAS: `swapped`, `value`). */
export interface OperationOutput {
  value?: string | null;
  swapped?: boolean;
}

/**
 * One client operation in a history: when it was called and when its answer came back, on one
 * clock shared by all clients. An indeterminate operation (a timeout: it may or may not have
 * taken effect) has `return: Infinity` and `output: null`.
 */
export interface Operation {
  id: number;
  client: string;
  call: number;
  return: number;
  op: KvOp;
  /** null: not known (indeterminate, or nothing recorded); every output is then acceptable. */
  output: OperationOutput | null;
  /** Where the answer came from, for reports: `read by ReadIndex on n3`, `n2 applied index 96`. */
  servedBy?: string;
}

export type LinearizabilityResult =
  | { ok: true; keys: number; operations: number }
  | {
      ok: false;
      key: string;
      /**
       * Operations of `key` that cannot be linearized together, shrunk by removing operations
       * while the rest stays non-linearizable; empty when the check gave up (`unknown`).
       */
      window: Operation[];
      message: string;
      /** Whether no single operation can be removed from `window` (shrinking finished in time). */
      minimal?: boolean;
      /** Set when the search ran out of time: the history is neither proven nor refuted. */
      unknown?: true;
    };

export interface LinearizabilityOptions {
  /** Each key's value before the history begins (absent: not set). */
  initial?: Readonly<Record<string, string>>;
  /** Wall-clock budget for the search over all keys, in ms. Default 60,000. */
  timeoutMs?: number;
  /** Wall-clock budget for shrinking a failing key's operations to a small window. Default 2,000. */
  shrinkMs?: number;
}
