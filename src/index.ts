/** raft-tui's public programmatic API. */
export type * from './cluster/types.js';
export type { NodeId, Term, Index, Role, Entry } from './raft/types.js';
