import { type ClientReport, ClusterClient } from '../cluster/client.js';
import type { ResolvedOptions } from '../cluster/options.js';
import type { Scheduler } from '../cluster/scheduler.js';
import { encodeEnvelope, type KvResult } from '../kv/index.js';
import type { NodeId } from '../raft/types.js';
import type { NodeHosting } from './types.js';

/** Among nodes that are up: the leader of the highest term, if any. */
export function leaderOf(nodes: ReadonlyMap<NodeId, NodeHosting>): NodeId | undefined {
  let best: NodeId | undefined;
  let bestTerm = -1;
  for (const [id, node] of nodes) {
    const term = node.leaderTerm();
    if (term !== undefined && term > bestTerm) {
      best = id;
      bestTerm = term;
    }
  }
  return best;
}

/**
 * The cluster's client (src/cluster/client.ts) over hosted nodes, however they are hosted: it
 * finds the leader, follows redirects and retries with one session, through NodeHosting alone.
 */
export function clientOver(
  nodes: ReadonlyMap<NodeId, NodeHosting>,
  o: {
    clientId: string;
    ids: NodeId[];
    options: ResolvedOptions;
    scheduler: Scheduler;
    leader(): NodeId | undefined;
    report?: (r: ClientReport) => void;
  },
): ClusterClient<KvResult> {
  const [, emax] = o.options.electionTimeoutMs;
  return new ClusterClient<KvResult>(
    o.clientId,
    {
      ids: o.ids,
      isUp: (id) => nodes.get(id)?.up === true,
      leader: o.leader,
      isLeading: (id, term) => {
        const node = nodes.get(id);
        return node?.up === true && node.leaderTerm() === term;
      },
      propose: (id, data) => nodes.get(id)?.propose(data) ?? { ok: false, leader: null, down: true },
      proposeWith: (id, data, onOutcome) => {
        const node = nodes.get(id);
        if (!node) return { ok: false, leader: null, down: true };
        return node.proposeWith?.(data, onOutcome);
      },
      read: (id, command) => nodes.get(id)?.read(command) ?? { ok: false, leader: null, down: true },
      attemptTimeoutMs: 2 * emax,
      staleProposalMs: 20 * emax,
      retryDelayMs: o.options.heartbeatMs,
      ...(o.report ? { report: o.report } : {}),
    },
    o.scheduler,
    encodeEnvelope,
    (r) => r,
  );
}
