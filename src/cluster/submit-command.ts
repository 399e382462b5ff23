import { parseKvCommand } from '../kv/index.js';
import type { NodeId } from '../raft/types.js';
import type { SubmitOptions, SubmitResult } from './types.js';

/** What routing a client command needs from a cluster, however its nodes are hosted. */
export interface SubmitRoute {
  knows(id: NodeId): boolean;
  isStopped(): boolean;
  /** "1-5", for the error that names the cluster's nodes. */
  nodesText(): string;
  reads: 'readindex' | 'log';
  client: {
    submit(cmd: string, options: SubmitOptions): Promise<SubmitResult>;
    read(cmd: string, options: SubmitOptions): Promise<SubmitResult>;
  };
}

/**
 * `Cluster.submit` for every kind of hosting: refuses what cannot run (nothing is proposed, so
 * `indeterminate: false`), then hands a GET to ReadIndex or anything else to the log.
 */
export function submitCommand(command: string, options: SubmitOptions, route: SubmitRoute): Promise<SubmitResult> {
  const parsed = parseKvCommand(command);
  if (!parsed.ok) return Promise.resolve({ ok: false, error: 'invalid', message: parsed.message, indeterminate: false });
  if (options.to !== undefined && !route.knows(options.to))
    return Promise.resolve({
      ok: false,
      error: 'invalid',
      message: `unknown node ${options.to}: this cluster has nodes ${route.nodesText()}`,
      indeterminate: false,
    });
  if (route.isStopped()) return Promise.resolve({ ok: false, error: 'down', message: 'the cluster is stopped', indeterminate: false });
  // Thesis §6.4: a GET needs no log entry — ReadIndex answers it just as linearizably.
  if (parsed.op.type === 'get' && route.reads === 'readindex') return route.client.read(parsed.text, options);
  return route.client.submit(parsed.text, options);
}
