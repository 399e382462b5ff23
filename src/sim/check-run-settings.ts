/**
 * The settings of one `raft-tui check` run: what the flags choose (nodes, time, faults, bug)
 * and what each seed varies by itself (pre-vote, check-quorum, batch sizes), so every run is
 * fixed by its flags and seed and replays exactly.
 */
import { createRng } from '../raft/rng.js';
import type { RaftConfig } from '../raft/types.js';
import { deriveSeed } from './derive-seed.js';
import { FAULT_KINDS, type FaultKind } from './nemesis-kinds.js';
import type { SimBugs } from './types.js';
import type { WorkloadOptions } from './workload.js';

/** The bug switches `--bug` takes, by name. */
export const BUG_NAMES = [
  'figure8',
  'no-election-restriction',
  'apply-before-commit',
  'unpersisted-vote',
  'stale-read',
  'read-without-quorum',
  'learner-quorum',
] as const;
export type BugName = (typeof BUG_NAMES)[number];

/**
 * The switch behind each name, and what it breaks. The first four and `learner-quorum` break
 * the Raft core or its host and the safety invariants catch them (`learner-quorum` needs the
 * nemesis to add nodes: learners exist only while one joins); `stale-read` and `read-without-quorum` break only
 * what clients see (the logs stay perfect), so only the linearizability check can catch them.
 */
export const BUGS: Record<BugName, { bugs: SimBugs; localReads?: boolean; describe: string }> = {
  figure8: {
    bugs: { commitOldTermByCounting: true },
    describe: 'commit old-term entries by counting replicas (Figure 8)',
  },
  'no-election-restriction': {
    bugs: { skipElectionRestriction: true },
    describe: 'grant votes without comparing logs (§5.4.1 off)',
  },
  'apply-before-commit': {
    bugs: { applyBeforeCommit: true },
    describe: 'apply entries when appended, before they commit',
  },
  'unpersisted-vote': {
    bugs: { unpersistedVote: true },
    describe: 'persist term and vote one Ready late (§5.2)',
  },
  'stale-read': {
    bugs: {},
    localReads: true,
    describe: "serve GET from the leader's store, not the log (thesis §6.4)",
  },
  'read-without-quorum': {
    bugs: { skipReadQuorum: true },
    describe: 'answer ReadIndex reads without the heartbeat round to a majority (thesis §6.4)',
  },
  'learner-quorum': {
    bugs: { countLearners: true },
    describe: "count learners' replicas toward the commit majority (thesis §4.2.1 off)",
  },
};

/** What the flags chose; every field has a default. */
export interface CheckSettings {
  /** 3, 5 or 7; default 5 (3 with --bug figure8). */
  nodes: number;
  /** Simulated ms of faults and client operations per seed; default 60,000 (30,000 with figure8). */
  timeMs: number;
  faults: readonly FaultKind[];
  bug: BugName | undefined;
}

/** Everything a seed runs with, after its own variations. */
export interface SeedSettings {
  seed: number;
  nodes: number;
  timeMs: number;
  faults: readonly FaultKind[];
  bugs: SimBugs;
  preVote: boolean;
  checkQuorum: boolean;
  electionTimeoutMs: [number, number];
  heartbeatMs: number;
  coreOptions: Pick<RaftConfig, 'maxInflight' | 'maxBatchEntries'> | undefined;
  /** Thesis §10.2.1: ms a leader's own log write takes while its AppendEntries fly (0: none). */
  leaderWriteMs: number;
  /**
   * §7: each node snapshots after this many applied entries (Infinity: never). Small, so that
   * snapshots, InstallSnapshot across partitions and crashes while a snapshot is stored happen
   * in every run.
   */
  snapshotEvery: number;
  /** The nemesis: a new fault every [min, max] ms, each lasting [min, max] ms. */
  everyMs: [number, number];
  lastsMs: [number, number];
  /** After the heal: a leader and a new entry committed on every node within this time. */
  livenessMs: number;
  /** The clients: how many, their pace, their timeouts. */
  workload: WorkloadOptions;
}

/** Defaults for the flags, given the bug (figure8 needs a small, fast-churning cluster). */
export function defaultSettings(bug: BugName | undefined): CheckSettings {
  return {
    nodes: bug === 'figure8' ? 3 : 5,
    timeMs: bug === 'figure8' ? 30_000 : 60_000,
    faults: FAULT_KINDS,
    bug,
  };
}

/**
 * The settings of one seed. Without a bug each seed varies the core's switches by itself:
 * pre-vote off for about a quarter of seeds, check-quorum off for a fifth, one-entry
 * AppendEntries with a window of 2 for a sixth (more, smaller messages in flight), and for a
 * third a leader whose own write takes 1-8 ms while its AppendEntries fly (thesis §10.2.1), so
 * a sweep covers them all.
 *
 * `--bug figure8` instead fixes what makes the Figure 8 sequence likely: 3 nodes, one entry
 * per AppendEntries and one in flight (a follower can hold an old-term entry without the new
 * leader's no-op), pre-vote off (a node with a stale log can still disrupt and win), wide
 * election timeouts, a short fault every 5-60 ms, and ten eager clients that retry after
 * 200 ms, so leaders of many terms each hold entries the others lack. About one seed in
 * twelve then shows the bug (17 of seeds 1-200).
 */
export function seedSettings(seed: number, s: CheckSettings): SeedSettings {
  const bugs = s.bug ? BUGS[s.bug].bugs : {};
  const localReads = s.bug ? BUGS[s.bug].localReads === true : false;
  const base = {
    seed,
    nodes: s.nodes,
    timeMs: s.timeMs,
    faults: s.faults,
    bugs,
    livenessMs: 10_000,
  };
  if (s.bug === 'figure8') {
    return {
      ...base,
      preVote: false,
      checkQuorum: true,
      electionTimeoutMs: [100, 400],
      heartbeatMs: 100,
      coreOptions: { maxBatchEntries: 1, maxInflight: 1 },
      leaderWriteMs: 0,
      // The bug hunts keep the logs whole: Figure 8 needs old entries to stay where they are.
      snapshotEvery: Number.POSITIVE_INFINITY,
      everyMs: [5, 60],
      lastsMs: [5, 150],
      workload: { clients: 10, thinkMs: [0, 20], attemptTimeoutMs: 200, retryDelayMs: 20 },
    };
  }
  const rng = createRng(deriveSeed(seed, 10));
  return {
    ...base,
    preVote: !rng.chance(0.25),
    checkQuorum: !rng.chance(0.2),
    electionTimeoutMs: [150, 300],
    heartbeatMs: 50,
    coreOptions: rng.chance(1 / 6) ? { maxBatchEntries: 1, maxInflight: 2 } : undefined,
    leaderWriteMs: rng.chance(1 / 3) ? rng.int(1, 8) : 0,
    everyMs: [20, 400],
    lastsMs: [50, 1500],
    // An attempt waits about two election timeouts: by then a lost entry's leader is replaced.
    workload: {
      clients: 5,
      readers: 2,
      thinkMs: [0, 100],
      attemptTimeoutMs: 600,
      retryDelayMs: 50,
      opTimeoutMs: 5000,
      ...(localReads && { localReads }),
    },
    snapshotEvery: rng.int(10, 40),
  };
}

/** The seed's own variations in a few words, for traces and failure reports. */
export function describeSeedSettings(s: SeedSettings): string {
  const parts = [
    `${s.nodes} nodes`,
    `election timeout ${s.electionTimeoutMs[0]}-${s.electionTimeoutMs[1]} ms`,
    `heartbeat ${s.heartbeatMs} ms`,
    `pre-vote ${s.preVote ? 'on' : 'off'}`,
    `check-quorum ${s.checkQuorum ? 'on' : 'off'}`,
  ];
  if (s.coreOptions) parts.push(`${s.coreOptions.maxBatchEntries} entry per AppendEntries, ${s.coreOptions.maxInflight} in flight`);
  if (s.leaderWriteMs > 0) parts.push(`leader writes its log in ${s.leaderWriteMs} ms while replicating`);
  if (Number.isFinite(s.snapshotEvery)) parts.push(`a snapshot every ${s.snapshotEvery} entries`);
  parts.push(`a fault every ${s.everyMs[0]}-${s.everyMs[1]} ms lasting ${s.lastsMs[0]}-${s.lastsMs[1]} ms`);
  return parts.join(', ');
}
