import { commandOf } from '../kv/index.js';
import type { FaultFilter } from '../net/fault-filter.js';
import type { NetworkFaults } from '../net/types.js';
import { decodeConfiguration } from '../raft/membership.js';
import type { Entry, NodeId, RaftStatus } from '../raft/types.js';
import type { Storage } from '../storage/types.js';
import { UnavailableStorage } from '../storage/unavailable-storage.js';
import type { NodeHost } from './node-host.js';
import type { ResolvedOptions } from './options.js';
import type { ClusterSnapshot, LogEntryView, MessageView, NodeStatus, NodeView, SafetySummary } from './types.js';

/** How many log entries a snapshot carries per node: the dashboard shows only the tail. */
export const SNAPSHOT_LOG_TAIL = 40;

/** The command a person typed, from an entry's data (client envelopes are unwrapped). */
export function commandText(e: Entry): string {
  if (e.type === 'noop') return '(no-op)';
  if (e.type === 'config') return configText(e.data);
  return commandOf(e.data);
}

/** A configuration entry as a person reads it: `config: voters n1 n2 n3, learner n4` (thesis §4.1). */
export function configText(data: string): string {
  const c = decodeConfiguration(data);
  if (!c) return 'config (unreadable)';
  const ids = (list: number[]) => list.map((id) => `n${id}`).join(' ');
  const learners = c.learners.length > 0 ? `, ${c.learners.length === 1 ? 'learner' : 'learners'} ${ids(c.learners)}` : '';
  return `config: voters ${ids(c.voters)}${learners}`;
}

export function describeFaults(f: NetworkFaults): string {
  const parts: string[] = [];
  if (f.partition) parts.push(`partition ${f.partition.map((g) => `{${g.join(',')}}`).join(' | ')}`);
  for (const c of f.cuts) parts.push(`cut n${c.from}→n${c.to}`);
  if (f.dropRate > 0) parts.push(`drop ${Math.round(f.dropRate * 100)}%`);
  if (f.duplicateRate > 0) parts.push(`dup ${Math.round(f.duplicateRate * 100)}%`);
  if (f.delayMs) parts.push(`delay ${f.delayMs[0]}-${f.delayMs[1]}ms`);
  return parts.length > 0 ? parts.join(', ') : 'network healthy';
}

interface SnapshotInput {
  version: number;
  now: number;
  ids: NodeId[];
  /** Each node's own view, and whether it is up (links to a node that is down are down). */
  nodes: ReadonlyMap<NodeId, { readonly up: boolean; view(): NodeView }>;
  filter: FaultFilter;
  options: ResolvedOptions;
  speed: number;
  paused: boolean;
  load: number;
  leader: NodeId | undefined;
  safety: SafetySummary;
  inFlight: MessageView[];
  latencyMs: [number, number];
  /** Nodes removed from the cluster (thesis §4.2.2): shown as REMOVED, not DOWN. */
  removed?: ReadonlySet<NodeId>;
}

/**
 * A node that is down, as the API reports it: only what its storage kept. Everything volatile —
 * role, leader, commit and applied index, the state machine — is gone with the process (Figure 2).
 */
export function downNodeStatus(id: NodeId, kept: ReturnType<Storage['summary']>, removed: boolean): NodeStatus {
  return {
    id,
    up: false,
    role: 'follower',
    term: kept.term,
    votedFor: kept.votedFor,
    leader: null,
    commitIndex: 0,
    lastApplied: 0,
    lastIndex: kept.lastIndex,
    log: [],
    kv: {},
    snapshotIndex: kept.snapshotIndex,
    snapshotTerm: kept.snapshotTerm,
    voters: [],
    learners: [],
    ...(removed ? { removed: true } : {}),
  };
}

/** A running node as the public API reports it: its core's status, the log given, its values. */
export function upNodeStatus(id: NodeId, s: RaftStatus, log: LogEntryView[], kv: Readonly<Record<string, string>>): NodeStatus {
  return {
    id,
    up: true,
    role: s.role,
    term: s.term,
    votedFor: s.votedFor,
    leader: s.leader,
    commitIndex: s.commitIndex,
    lastApplied: s.appliedIndex,
    lastIndex: s.lastIndex,
    log,
    kv: { ...kv },
    snapshotIndex: s.snapshotIndex,
    snapshotTerm: s.snapshotTerm,
    voters: [...s.voters],
    learners: [...s.learners],
  };
}

/** What a node's view needs beyond its host: where it listens, the clock's tick and speed. */
export interface HostViewContext {
  port: number;
  tickMs: number;
  speed: number;
  /** Removed from the cluster (thesis §4.2.2): shown as REMOVED, not DOWN. */
  removed: boolean;
}

/**
 * One inline node as the dashboard sees it, from its host alone: links (unreachable peers, the
 * partition group) are the cluster's to fill in.
 */
export function hostView<R>(host: NodeHost<R>, ctx: HostViewContext): NodeView {
  const { id } = host;
  const stats = host.currentTransport().stats();
  const badInput = Object.values(stats.badInput).reduce((a, b) => a + (b ?? 0), 0);
  const base = {
    id,
    port: ctx.port,
    unreachable: [],
    partitionGroup: null,
    counters: { sent: stats.sent, received: stats.received, filtered: stats.filtered, badInput },
  };
  const core = host.raft();
  if (!core) {
    const storage = host.currentStorage();
    const kept = storage.summary();
    return {
      ...(storage instanceof UnavailableStorage ? { refused: storage.reason } : {}),
      ...base,
      ...downNodeStatus(id, kept, ctx.removed),
      electionProgress: null,
      electionTimeoutMs: 0,
      kept,
      progress: null,
      votes: null,
      lastContactMs: null,
      commitQuorum: null,
    };
  }
  const s = core.status();
  const log = core.log();
  const tail: LogEntryView[] = [];
  for (let i = Math.max(0, log.length - SNAPSHOT_LOG_TAIL); i < log.length; i++) {
    const e = log[i]!;
    tail.push({ index: e.index, term: e.term, command: commandText(e) });
  }
  return {
    ...base,
    ...upNodeStatus(id, s, tail, host.stateMachine.data()),
    electionProgress: s.role === 'leader' ? null : Math.min(1, s.electionElapsed / Math.max(1, s.electionTimeout)),
    electionTimeoutMs: (s.electionTimeout * ctx.tickMs) / ctx.speed,
    kept: null,
    progress: s.progress
      ? Object.entries(s.progress).map(([peer, p]) => ({
          peer: Number(peer),
          match: p.match,
          next: p.next,
          inflight: p.inflight ?? 0,
          state: p.state ?? 'probe',
          ...(p.snapshot && { snapshot: { ...p.snapshot } }),
        }))
      : null,
    votes: s.votes ?? null,
    lastContactMs: s.leaderContactTicks == null ? null : s.leaderContactTicks * ctx.tickMs,
    commitQuorum: s.commitQuorum ?? null,
  };
}

/** An immutable picture of the cluster: cheap (log tails only), safe to hand to the dashboard. */
export function buildSnapshot(input: SnapshotInput): ClusterSnapshot {
  const { ids, nodes: hosted, filter, options } = input;
  const messages = { sent: 0, received: 0, filtered: 0 };
  const nodes: NodeView[] = ids.map((id) => {
    const view = hosted.get(id)!.view();
    messages.sent += view.counters.sent;
    messages.received += view.counters.received;
    messages.filtered += view.counters.filtered;
    // A removed node is not a peer any more (thesis §4.2.2): not being able to reach it is no news.
    const unreachable = ids.filter((p) => p !== id && !input.removed?.has(p) && (!filter.canReach(id, p) || !hosted.get(p)!.up));
    return { ...view, unreachable, partitionGroup: filter.groupNumber(id) };
  });
  let term = 0;
  let commitIndex = 0;
  for (const n of nodes) {
    if (n.up && n.term > term) term = n.term;
    if (n.up && n.commitIndex > commitIndex) commitIndex = n.commitIndex;
  }
  return {
    version: input.version,
    takenAt: input.now,
    nodes,
    leader: input.leader,
    term,
    commitIndex,
    speed: input.speed,
    paused: input.paused,
    faults: filter.faults,
    load: input.load,
    messages,
    transport: options.transport,
    safety: input.safety,
    inFlight: input.inFlight,
    latencyMs: input.latencyMs,
    clock: options.clock,
    seed: options.seed,
  };
}
