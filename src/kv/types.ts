/**
 * The vocabulary of the replicated key-value store: the operations, what applying one returns,
 * and the client-session envelope an entry is wrapped in.
 */

/** One key-value operation, as parsed from a command line such as `SET x = 1`. */
export type KvOp =
  | { type: 'set'; key: string; value: string }
  | { type: 'get'; key: string }
  | { type: 'del'; key: string }
  | { type: 'cas'; key: string; expected: string; value: string };

export type KvOpType = KvOp['type'];

/**
 * What applying one entry returned.
 * - SET: `{}`.
 * - GET: `value` is the key's value, or null when it is not set.
 * - DEL: `value` is the value it removed, or null when the key was not set.
 * - CAS: `swapped` says whether the key held `expected` (and now holds the new value); `value`
 *   is what the key held before (null when not set).
 * - `error`: the entry was not a valid command or request; nothing changed.
 */
export interface KvResult {
  value?: string | null;
  swapped?: boolean;
  error?: string;
}

/** The result of parsing one command line. `text` is the canonical form, e.g. `SET x = 1`. */
export type ParsedKvCommand = { ok: true; op: KvOp; text: string } | { ok: false; message: string };

/**
 * A client request as it travels in a log entry (thesis §6.3, "implementing linearizable
 * semantics"): the client's id and the request's sequence number let the state machine apply a
 * retried request once and answer it with the first result.
 */
export interface ClientEnvelope {
  /** A client id, unique among the clients of one cluster. */
  client: string;
  /** This request's sequence number within the client: a positive integer. */
  seq: number;
  /**
   * Every request of this client with a sequence number below `ack` has been answered, so the
   * state machine may forget their results. Lets one client keep many requests outstanding.
   * Invariant: ack ≤ seq.
   */
  ack: number;
  /** The command line, e.g. `SET x = 1`. */
  cmd: string;
}

/** Limits on keys and values, shared by the parser and the messages it gives. */
export const MAX_KEY_LENGTH = 64;
export const MAX_VALUE_LENGTH = 1024;
