import type { ProposeOutcome } from './client.js';
import type { NodeHost } from './node-host.js';

/**
 * A read-only command on one node by ReadIndex (thesis §6.4), in the shape the client expects
 * of a proposal: index 0 until answered, then the read index the answer was served at.
 */
export function readAttempt<R>(host: NodeHost<R> | undefined, command: string): ProposeOutcome<R> {
  if (!host) return { ok: false, leader: null, down: true };
  const r = host.read(command);
  if (!r.ok) return r;
  return {
    ok: true,
    index: 0,
    term: r.term,
    applied: r.answered,
  };
}
