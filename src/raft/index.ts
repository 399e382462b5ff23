/**
 * The pure Raft core: `createRaft` builds one node's state machine; the types are the
 * vocabulary shared with storage, transports and the cluster host.
 */
import { Raft } from './raft.js';
import type { RaftConfig, RaftCore } from './types.js';

export type * from './types.js';
export { createRng, type Rng } from './rng.js';
export { DEFAULT_SNAPSHOT_CHUNK_CHARS } from './raft.js';

/** Creates one Raft node (fresh, or restarted from `config.hardState` and `config.entries`). */
export function createRaft(config: RaftConfig): RaftCore {
  return new Raft(config);
}
