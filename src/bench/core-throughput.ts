import { createRaft } from '../raft/index.js';
import type { Message, RaftCore } from '../raft/types.js';

/**
 * Commits per second of a 3-node cluster of pure cores wired together in memory: no sockets,
 * no storage, no state machine — what the core itself can do with batching.
 */
export function measureCoreThroughput(options: { nodes?: number; commands?: number; batch?: number } = {}): {
  committed: number;
  wallMs: number;
  perSecond: number;
} {
  const n = options.nodes ?? 3;
  const total = options.commands ?? 1_000_000;
  const batch = options.batch ?? 1000;
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const cores = new Map<number, RaftCore>();
  for (const id of ids)
    cores.set(id, createRaft({ id, peers: ids, electionTicks: [10, 20], heartbeatTicks: 2, seed: id, preVote: true, checkQuorum: true }));
  let queue: Message[] = [];
  const drain = (): number => {
    let applied = 0;
    for (let guard = 0; guard < 1000; guard++) {
      let progressed = false;
      for (const core of cores.values()) {
        if (!core.hasReady()) continue;
        const rd = core.ready();
        for (const m of rd.messages) queue.push(m);
        if (core === cores.get(1)) applied += rd.committedEntries.length;
        core.advance(rd);
        progressed = true;
      }
      if (queue.length > 0) {
        const q = queue;
        queue = [];
        for (const m of q) cores.get(m.to)!.step(m);
        progressed = true;
      }
      if (!progressed) break;
    }
    return applied;
  };
  // Elect node 1: tick it until it campaigns, everyone else stays quiet.
  const one = cores.get(1)!;
  for (let i = 0; i < 100 && one.status().role !== 'leader'; i++) {
    one.tick();
    drain();
  }
  if (one.status().role !== 'leader') throw new Error('core benchmark: node 1 did not become leader');
  drain();
  const cmd = 'SET x = 1';
  let committed = 0;
  const start = performance.now();
  while (committed < total) {
    for (let i = 0; i < batch; i++) one.propose(cmd);
    committed += drain();
  }
  const wallMs = performance.now() - start;
  return { committed, wallMs, perSecond: (committed / wallMs) * 1000 };
}
