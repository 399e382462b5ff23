import { type CommitObservation, commitsInto } from '../check/commit-observations.js';
import { InvariantChecker, type NodeObservation } from '../check/invariants.js';
import type { NodeId, RaftBrief, Ready } from '../raft/types.js';
import type { Storage } from '../storage/types.js';
import type { UnstampedEvent } from './event-stream.js';
import type { SafetySummary } from './types.js';

/**
 * Raft's safety properties checked live (src/check): after every Ready of every node, from what
 * each node starts with, and across its crashes. A violation becomes a 'safety-violation' event.
 */
export class LiveChecker {
  readonly checker: InvariantChecker;

  constructor(
    private readonly now: () => number,
    emit: (e: UnstampedEvent) => void,
  ) {
    this.checker = new InvariantChecker({
      maxViolations: 100,
      onViolation: (v) => emit({ type: 'safety-violation', invariant: v.invariant, message: v.message, evidence: v.evidence }),
    });
  }

  /** What a node starts from: what its storage kept (maybe a whole log). */
  starting(node: NodeId, storage: Storage): void {
    const { hardState, entries, snapshot } = storage.load();
    this.checker.restart({ node, at: this.now(), term: hardState.term, votedFor: hardState.votedFor, entries, snapshot });
  }

  /** One observation refilled for every Ready (thousands a second): the checker keeps none of it. */
  private readonly observation: NodeObservation = {
    node: 0,
    at: 0,
    role: 'follower',
    term: 0,
    votedFor: null,
    commit: 0,
    applied: 0,
    lastIndex: 0,
    written: [],
    appliedEntries: [],
    snapshot: null,
    commits: undefined,
  };
  /** The commit events of the Ready being observed, refilled like the observation. */
  private readonly commits: CommitObservation[] = [];

  /** One Ready a node handled, with its brief status as of that Ready. */
  observe(node: NodeId, s: RaftBrief, rd: Ready): void {
    // Length checked first: reading index -1 of an empty array is a slow property lookup.
    const applied = rd.committedEntries;
    const lastApplied = applied.length > 0 ? applied[applied.length - 1] : undefined;
    const o = this.observation;
    o.node = node;
    o.at = this.now();
    o.role = s.role;
    o.term = s.term;
    o.votedFor = s.votedFor;
    o.commit = s.commitIndex;
    o.applied = lastApplied ? lastApplied.index : Math.max(s.appliedIndex, rd.snapshot?.index ?? 0);
    o.lastIndex = s.lastIndex;
    o.written = rd.entries;
    o.appliedEntries = rd.committedEntries;
    o.snapshot = rd.snapshot;
    o.commits = rd.events.length > 0 ? commitsInto(rd.events, this.commits) : undefined;
    this.checker.observe(o);
  }

  crash(node: NodeId): void {
    this.checker.crash(node);
  }

  /** Removed for good and stopped (ids are never reused): see InvariantChecker.retire. */
  retire(node: NodeId): void {
    this.checker.retire(node);
  }

  summary(): SafetySummary {
    return safetySummary(this.checker);
  }
}

/** The checker's tally for the dashboard: how many checks passed, and the first violation. */
export function safetySummary(checker: InvariantChecker): SafetySummary {
  const first = checker.violations[0];
  return {
    checks: checker.checks,
    violations: checker.violationCount,
    first: first ? { invariant: first.invariant, message: first.message } : null,
  };
}
