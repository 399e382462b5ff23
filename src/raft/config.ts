import type { NodeId, RaftBugs, RaftConfig } from './types.js';

/** A {@link RaftConfig} checked and with every default filled in. */
export interface Settings {
  id: NodeId;
  /** Every voter, this node included, deduplicated, in the order the config gave them. */
  peers: readonly NodeId[];
  electionMin: number;
  electionMax: number;
  heartbeatTicks: number;
  seed: number;
  preVote: boolean;
  checkQuorum: boolean;
  maxInflight: number;
  maxBatchEntries: number;
  maxBatchBytes: number;
  bugs: Required<RaftBugs>;
}

export const DEFAULT_MAX_INFLIGHT = 64;
export const DEFAULT_MAX_BATCH_ENTRIES = 4096;
export const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/**
 * Checks a config and fills in defaults. Throws a RangeError naming the field on a config no
 * core could run with (a programming error of the host, unlike a bad message, which is ignored).
 */
export function resolveConfig(config: RaftConfig): Settings {
  const peers = [...new Set(config.peers)];
  if (!isPositiveInt(config.id)) throw new RangeError(`raft config: id must be a positive integer, got ${config.id}`);
  if (!peers.every(isPositiveInt)) throw new RangeError('raft config: peers must be positive integers');
  if (peers.length === 0) throw new RangeError('raft config: peers (the bootstrap voters) must name at least one node');
  const [electionMin, electionMax] = config.electionTicks;
  if (!isPositiveInt(electionMin) || !isPositiveInt(electionMax) || electionMin > electionMax)
    throw new RangeError(`raft config: electionTicks must be [min, max] with 1 <= min <= max`);
  if (!isPositiveInt(config.heartbeatTicks)) throw new RangeError('raft config: heartbeatTicks must be a positive integer');
  const maxInflight = config.maxInflight ?? DEFAULT_MAX_INFLIGHT;
  const maxBatchEntries = config.maxBatchEntries ?? DEFAULT_MAX_BATCH_ENTRIES;
  const maxBatchBytes = config.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  if (!isPositiveInt(maxInflight)) throw new RangeError('raft config: maxInflight must be a positive integer');
  if (!isPositiveInt(maxBatchEntries)) throw new RangeError('raft config: maxBatchEntries must be a positive integer');
  if (!(maxBatchBytes >= 1)) throw new RangeError('raft config: maxBatchBytes must be at least 1');
  return {
    id: config.id,
    peers,
    electionMin,
    electionMax,
    heartbeatTicks: config.heartbeatTicks,
    seed: config.seed,
    preVote: config.preVote,
    checkQuorum: config.checkQuorum,
    maxInflight,
    maxBatchEntries,
    maxBatchBytes,
    bugs: {
      commitOldTermByCounting: config.bugs?.commitOldTermByCounting === true,
      skipElectionRestriction: config.bugs?.skipElectionRestriction === true,
      applyBeforeCommit: config.bugs?.applyBeforeCommit === true,
      skipReadQuorum: config.bugs?.skipReadQuorum === true,
      countLearners: config.bugs?.countLearners === true,
    },
  };
}
