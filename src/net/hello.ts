import type { NodeId } from '../raft/types.js';
import type { BadInputReason } from './types.js';

/** The protocol name every hello line carries. */
export const HELLO_PROTOCOL = 'raft-tui';

/** The longest hello line accepted: it is tiny, so a stranger cannot make us buffer much. */
export const MAX_HELLO_BYTES = 1024;

/** The first line on every connection: which cluster and which node is speaking. */
export function encodeHello(clusterId: string, node: NodeId): string {
  return `${JSON.stringify({ hello: HELLO_PROTOCOL, cluster: clusterId, node })}\n`;
}

/** The outcome of reading a hello line: the peer's id, or why the connection is refused. */
export type HelloCheck =
  | { ok: true; node: NodeId }
  | { ok: false; reason: Extract<BadInputReason, 'bad-hello' | 'wrong-cluster' | 'unknown-node'>; detail: string };

/**
 * Reads a hello line and decides whether this connection may speak to us: it must be valid
 * JSON naming our protocol, our cluster and one of our peers.
 */
export function checkHello(line: string, clusterId: string, peers: ReadonlySet<NodeId>): HelloCheck {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'bad-hello', detail: 'hello is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'bad-hello', detail: 'hello is not a JSON object' };
  }
  const o = value as Record<string, unknown>;
  const cluster = o.cluster;
  const node = o.node;
  if (o.hello !== HELLO_PROTOCOL || typeof cluster !== 'string' || typeof node !== 'number' || !Number.isSafeInteger(node)) {
    return { ok: false, reason: 'bad-hello', detail: 'hello lacks protocol, cluster or node' };
  }
  if (cluster !== clusterId) {
    return { ok: false, reason: 'wrong-cluster', detail: `hello from cluster ${JSON.stringify(cluster.slice(0, 64))}` };
  }
  if (!peers.has(node)) return { ok: false, reason: 'unknown-node', detail: `hello from unknown node ${node}` };
  return { ok: true, node };
}
