import type { Entry, Index, NodeId, Role, Snapshot, Term } from '../raft/types.js';
import { describeEntry, entryEvidence, sameEntry } from './entry-facts.js';
import { fingerprint, IndexRecords } from './index-records.js';
import { LogWindow } from './log-window.js';
import type { InvariantName, NodeObservation, RestartObservation, Violation } from './observation.js';

export type { InvariantName, NodeObservation, RestartObservation, Violation } from './observation.js';

/** What the checker remembers of one node. */
interface NodeTrack {
  up: boolean;
  /** The node's log as rebuilt from the written entries, after its latest snapshot (§7). */
  log: LogWindow;
  /** Whether there was an observation in this incarnation (false right after start or restart); then the `last*` fields hold it. */
  seen: boolean;
  lastRole: Role;
  lastTerm: Term;
  lastCommit: Index;
  /** The highest term ever seen on this node, across restarts. */
  maxTerm: Term;
  /** Who it voted for in each term, across restarts. */
  votes: Map<Term, NodeId>;
  /** The last index it applied in this incarnation. */
  applied: Index;
  /** Committed entries up to here were compared with the cluster's committed entries. */
  commitChecked: Index;
  /** The highest commit index of the last incarnation: its entries must survive a restart. */
  commitBeforeCrash: Index;
  /** Indexes of the configuration entries in `log`, lowest first (thesis §4.1). */
  configs: Index[];
  /**
   * The (term, vote) last checked against `votes`: the same pair again needs no lookup, its
   * answer cannot have changed (a term's vote is recorded once and never replaced).
   */
  voteCheckedTerm: Term;
  voteCheckedFor: NodeId | null;
  /** The term this node was last checked as the leader of (the one leader of a term never changes); 0: none. */
  ledTerm: Term;
}

/** The first snapshot seen at an index: its term, a fingerprint of its data, whose it was. */
interface SnapshotRecord {
  term: Term;
  print: string;
  node: NodeId;
}

interface RegisteredEntry {
  entry: Entry;
  node: NodeId;
  /** Term of the entry before it in that node's log (0 at index 1). */
  prevTerm: Term;
}

export interface InvariantCheckerOptions {
  /** Violations kept in `violations` (later ones are only counted). Default 1000. */
  maxViolations?: number;
  /** Called once per violation as it is found. */
  onViolation?: (violation: Violation) => void;
}

/** What observe() and restart() return when they found nothing: shared, never added to. */
const NONE_FOUND: Violation[] = Object.freeze([]) as unknown as Violation[];

const INVARIANTS: InvariantName[] = [
  'election-safety',
  'leader-append-only',
  'log-matching',
  'leader-completeness',
  'state-machine-safety',
  'term-monotonic',
  'one-vote-per-term',
  'index-order',
  'commit-monotonic',
  'one-config-change',
  'voter-quorum',
];

/** Each invariant's slot in the per-invariant counts, in the order of {@link INVARIANTS}. */
const enum Check {
  ElectionSafety,
  LeaderAppendOnly,
  LogMatching,
  LeaderCompleteness,
  StateMachineSafety,
  TermMonotonic,
  OneVotePerTerm,
  IndexOrder,
  CommitMonotonic,
  OneConfigChange,
  VoterQuorum,
}

/**
 * The safety invariant checker: fed an observation of a node after each Ready it handles (and
 * told of crashes and restarts), it checks Raft's safety properties (Figure 3 of the paper) and
 * the per-node rules of Figure 2, incrementally: each observation costs O(what changed), except
 * the leader completeness check, which reads the committed prefix once per new leader.
 */
export class InvariantChecker {
  /** Violations found so far, oldest first (at most `maxViolations`). */
  readonly violations: Violation[] = [];
  /** All violations found, kept or not. */
  violationCount = 0;
  /**
   * Individual checks performed, per invariant (slots of {@link Check}: no lookup by name per
   * check). The total is their sum, added up when asked for: one increment per check, not two.
   */
  private readonly counts = new Float64Array(INVARIANTS.length);

  /** Every node seen, by id (an array: looked up on every observation). */
  private readonly byId: (NodeTrack | undefined)[] = [];
  private readonly tracks: NodeTrack[] = [];
  /** §5.2: the one leader of each term. */
  private readonly leaders = new Map<Term, NodeId>();
  private topLeader: { node: NodeId; term: Term } | null = null;
  /**
   * Every (index, term) pair ever written, indexed by index then term. Like the next three, it
   * forgets what every node's snapshot covers (§7): no log holds those entries any more.
   */
  private readonly written = new IndexRecords<Entry | Map<Term, RegisteredEntry>>();
  /**
   * The committed entry at each index, as first reported, with the node that reported it and
   * its term: the lowest term of a node when it reported this entry committed — the commit
   * happened in this term or earlier (a node learns of a commit in the committing leader's term
   * or later).
   */
  private readonly committed = new IndexRecords<Entry>();
  private committedMax: Index = 0;
  /** The entry first applied at each index. */
  private readonly appliedAt = new IndexRecords<Entry>();
  /** The first snapshot seen at each index (few: one per snapshot point). */
  private readonly snapshots = new Map<Index, SnapshotRecord>();
  private readonly maxViolations: number;
  private readonly onViolation: ((v: Violation) => void) | undefined;
  private found: Violation[] = [];

  constructor(options: InvariantCheckerOptions = {}) {
    this.maxViolations = options.maxViolations ?? 1000;
    this.onViolation = options.onViolation;
  }

  /** Individual checks performed, per invariant. */
  get checksBy(): Record<InvariantName, number> {
    return Object.fromEntries(INVARIANTS.map((n, i) => [n, this.counts[i]!])) as Record<InvariantName, number>;
  }

  /** Individual checks performed, in all. */
  get checks(): number {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) n += this.counts[i]!;
    return n;
  }

  /** True while no violation has been found. */
  get ok(): boolean {
    return this.violationCount === 0;
  }

  /** Checks one node after it handled a Ready; returns the violations this found. */
  observe(o: NodeObservation): Violation[] {
    this.found = NONE_FOUND;
    const t = this.byId[o.node] ?? this.track(o.node);
    if (!t.up) this.beginIncarnation(t);
    this.checkTerm(t, o.node, o.term, o.at, 'now has');
    if (o.votedFor !== null) this.checkVote(t, o.node, o.term, o.votedFor, o.at);
    const snapshot = o.snapshot;
    if (snapshot && snapshot.index > t.log.base) {
      this.applySnapshot(t, o, snapshot);
      // The log after a snapshot may have been discarded with it: its configurations go too.
      this.recountConfigs(t);
    }
    if (o.written.length > 0) {
      this.applyWrites(t, o);
      this.noteConfigs(t, o.written);
    }
    this.checkIndexOrder(t, o);
    const leader = o.role === 'leader';
    if (leader) this.checkOneConfigChange(t, o);
    const commits = o.commits;
    if (commits) this.checkVoterQuorum(o, commits);
    if (leader) this.checkLeader(t, o);
    this.checkCommit(t, o);
    if (o.appliedEntries.length > 0) this.checkApplies(t, o);
    // Kept as fields: one observation per Ready of every node, nothing kept but these.
    t.seen = true;
    t.lastRole = o.role;
    t.lastTerm = o.term;
    t.lastCommit = o.commit;
    if (snapshot) this.forgetCovered();
    return this.found;
  }

  /**
   * §7: a snapshot holds committed entries only, so the entry it ends with is the committed one
   * there, and (§5.4.3 State Machine Safety) two snapshots at one index hold the same state.
   * Then the node's log loses what it covers, keeping what follows only if it matches.
   */
  private applySnapshot(t: NodeTrack, o: NodeObservation, snap: Snapshot): void {
    this.count(Check.StateMachineSafety);
    if (snap.index > o.commit) {
      this.violation(
        'state-machine-safety',
        o.at,
        `node ${o.node} stored a snapshot up to index ${snap.index} past its commit index ${o.commit}`,
        {
          nodes: [o.node],
          index: snap.index,
          term: snap.term,
        },
      );
    }
    this.checkSnapshot(o.node, snap, o.at);
    t.log.compact(snap.index, snap.term);
    // Installed from the leader: the state machine now stands at the snapshot.
    if (snap.index > t.applied) t.applied = snap.index;
    if (t.commitChecked < snap.index) t.commitChecked = snap.index;
  }

  /** A snapshot against the committed entry at its index and every other snapshot there. */
  private checkSnapshot(node: NodeId, snap: Snapshot, at: number): void {
    const c = this.committed.value(snap.index);
    if (c !== undefined && c.term !== snap.term) {
      this.violation(
        'state-machine-safety',
        at,
        `node ${node}'s snapshot ends at index ${snap.index} with term ${snap.term}, but the entry committed there is ${describeEntry(c)}`,
        { nodes: [node, this.committed.node(snap.index)], index: snap.index, term: snap.term },
      );
    }
    const print = fingerprint(snap.data);
    // Below the floor every node's snapshot covers: forgotten, like the other records.
    if (snap.index < this.written.first) return;
    const other = this.snapshots.get(snap.index);
    if (other === undefined) {
      this.snapshots.set(snap.index, { term: snap.term, print, node });
    } else if (other.term !== snap.term || other.print !== print) {
      const by = other.node;
      this.violation(
        'state-machine-safety',
        at,
        `nodes ${by} and ${node} hold different snapshots at index ${snap.index}: the state machines disagree`,
        { nodes: [by, node], index: snap.index, term: snap.term },
      );
    }
  }

  /** Drops what every node's snapshot covers: no log can write, commit or apply it again. */
  private forgetCovered(): void {
    let floor = Number.POSITIVE_INFINITY;
    for (const t of this.tracks) floor = Math.min(floor, t.log.base);
    // In steps of at least 1024 indexes.
    if (!Number.isFinite(floor) || floor - this.written.first < 1024) return;
    this.written.dropBelow(floor);
    this.committed.dropBelow(floor);
    this.appliedAt.dropBelow(floor);
    for (const index of this.snapshots.keys()) if (index < floor) this.snapshots.delete(index);
  }

  /**
   * Node `node` left the cluster for good (thesis §4.2.2: removed and stopped, its id never
   * used again): it is checked no more, and its log no longer holds back what the checker
   * forgets — a removed node that kept its place would keep every record after its last
   * snapshot for the rest of the run. Must not be called for a node that may come back.
   */
  retire(node: NodeId): void {
    const t = this.byId[node];
    if (!t) return;
    this.byId[node] = undefined;
    this.tracks.splice(this.tracks.indexOf(t), 1);
    this.forgetCovered();
  }

  /** The lowest log index whose records are still kept (every node's snapshot covers those below). */
  get keptFrom(): Index {
    return this.written.first;
  }

  /** A node crashed: everything volatile about it is gone. */
  crash(node: NodeId): void {
    const t = this.track(node);
    if (t.seen) t.commitBeforeCrash = Math.max(t.commitBeforeCrash, t.lastCommit);
    t.up = false;
    t.seen = false;
  }

  /** A node restarted from its storage; checks what it kept. Returns the violations found. */
  restart(r: RestartObservation): Violation[] {
    this.found = NONE_FOUND;
    const t = this.track(r.node);
    if (t.seen) t.commitBeforeCrash = Math.max(t.commitBeforeCrash, t.lastCommit);
    this.checkTerm(t, r.node, r.term, r.at, 'restarted with');
    const vote = t.votes.get(r.term);
    if (vote !== undefined && r.votedFor === null) {
      this.violation('one-vote-per-term', r.at, `node ${r.node} forgot on restart that it voted for node ${vote} in term ${r.term}`, {
        nodes: [r.node],
        term: r.term,
        before: vote,
        after: null,
      });
    } else {
      this.checkVote(t, r.node, r.term, r.votedFor, r.at);
    }
    // Entries it knew committed must have been stored before it said so (Figure 2): in its log,
    // or in a snapshot that covers them.
    this.count(Check.CommitMonotonic);
    const snap = r.snapshot ?? null;
    const base = snap === null ? 0 : snap.index;
    // What it came back with, placed by position after the stored snapshot.
    const backAt = (i: Index): Entry | undefined => (i > base ? r.entries[i - base - 1] : undefined);
    const old = t.log;
    const lost = Math.min(t.commitBeforeCrash, old.last);
    for (let i = Math.max(old.base, base) + 1; i <= lost; i++) {
      if (!sameEntry(old.at(i), backAt(i))) {
        this.violation(
          'commit-monotonic',
          r.at,
          `node ${r.node} lost committed entry ${i} (${describeEntry(old.at(i))}) across a restart: it came back with ${describeEntry(backAt(i))}`,
          {
            nodes: [r.node],
            index: i,
            entries: [entryEvidence(r.node, i, old.at(i)), entryEvidence(r.node, i, backAt(i))],
          },
        );
        break;
      }
    }
    if (snap !== null) this.checkSnapshot(r.node, snap, r.at);
    t.log = new LogWindow(r.entries.length + 64);
    t.log.base = base;
    t.log.baseTerm = snap === null ? 0 : snap.term;
    t.log.last = base;
    t.configs = [];
    this.noteConfigs(t, r.entries);
    for (const e of r.entries) {
      // Only entries that differ from what it had are news for log matching.
      if (!sameEntry(old.at(e.index), e)) this.register(r.node, e, this.prevTermOf(t, e.index), r.at);
      t.log.push(e);
    }
    this.beginIncarnation(t);
    t.applied = base;
    t.commitChecked = base;
    t.commitBeforeCrash = 0;
    if (snap !== null) this.forgetCovered();
    return this.found;
  }

  /** The term of the entry before `index` in a node's log (the snapshot's term at its end). */
  private prevTermOf(t: NodeTrack, index: Index): Term {
    if (index - 1 === t.log.base) return t.log.baseTerm;
    return t.log.at(index - 1)?.term ?? 0;
  }

  private track(node: NodeId): NodeTrack {
    let t = this.byId[node];
    if (!t) {
      t = {
        up: true,
        log: new LogWindow(),
        seen: false,
        lastRole: 'follower',
        lastTerm: 0,
        lastCommit: 0,
        maxTerm: 0,
        votes: new Map(),
        applied: 0,
        commitChecked: 0,
        commitBeforeCrash: 0,
        configs: [],
        voteCheckedTerm: -1,
        voteCheckedFor: null,
        ledTerm: 0,
      };
      this.byId[node] = t;
      this.tracks.push(t);
    }
    return t;
  }

  private beginIncarnation(t: NodeTrack): void {
    t.up = true;
    t.seen = false;
    t.applied = 0;
    t.commitChecked = 0;
  }

  /** Rebuilds `t.configs` from the whole log (after a snapshot cut it). */
  private recountConfigs(t: NodeTrack): void {
    const configs: Index[] = [];
    for (let i = t.log.base + 1; i <= t.log.last; i++) {
      const e = t.log.at(i)!;
      if (e.type === 'config') configs.push(e.index);
    }
    t.configs = configs;
  }

  /** Keeps `t.configs` in step with the log: entries written from index k replace those from k on. */
  private noteConfigs(t: NodeTrack, written: readonly Entry[]): void {
    const first = written[0];
    if (first === undefined) return;
    while (t.configs.length > 0 && t.configs[t.configs.length - 1]! >= first.index) t.configs.pop();
    for (let j = 0; j < written.length; j++) if (written[j]!.type === 'config') t.configs.push(written[j]!.index);
  }

  /**
   * Thesis §4.1: a leader appends a configuration entry only once the previous one is committed
   * (and only after committing an entry of its term, so one it inherited is committed first).
   */
  private checkOneConfigChange(t: NodeTrack, o: NodeObservation): void {
    this.count(Check.OneConfigChange);
    // Committed is what ANY node reported committed, not only this leader: commit is volatile
    // (Figure 2), so a leader just restarted and elected reports 0 until its first commit,
    // while the configuration entries it inherited were committed long before (§5.4
    // Leader Completeness: it holds every committed entry).
    const commit = Math.max(o.commit, this.committedMax);
    let pending = 0;
    for (let i = t.configs.length - 1; i >= 0 && t.configs[i]! > commit; i--) pending++;
    if (pending > 1) this.reportConfigChanges(t, o, commit, pending);
  }

  private reportConfigChanges(t: NodeTrack, o: NodeObservation, commit: Index, pending: number): void {
    const above = t.configs.filter((i) => i > commit);
    this.violation(
      'one-config-change',
      o.at,
      `leader ${o.node} holds ${pending} uncommitted configuration entries (indexes ${above.join(', ')}; commit ${o.commit}) in term ${o.term}`,
      { nodes: [o.node], term: o.term, index: above[1]! },
    );
  }

  /** Thesis §4.2.1: every commit counted a majority of the voters, and nobody else. */
  private checkVoterQuorum(o: NodeObservation, commits: NonNullable<NodeObservation['commits']>): void {
    for (let j = 0; j < commits.length; j++) {
      const c = commits[j]!;
      this.count(Check.VoterQuorum);
      const { quorum, voters } = c;
      let outside = false;
      for (let q = 0; q < quorum.length; q++) if (!voters.includes(quorum[q]!)) outside = true;
      if (outside || quorum.length < Math.floor(voters.length / 2) + 1) this.reportQuorum(o, c);
    }
  }

  private reportQuorum(o: NodeObservation, c: NonNullable<NodeObservation['commits']>[number]): void {
    const outsiders = c.quorum.filter((id) => !c.voters.includes(id));
    this.violation(
      'voter-quorum',
      o.at,
      `node ${o.node} committed index ${c.index} counting ${c.quorum.map((id) => `n${id}`).join(' ')}: ${
        outsiders.length > 0 ? `${outsiders.map((id) => `n${id}`).join(' ')} not a voter` : 'not a majority'
      } of voters ${c.voters.map((id) => `n${id}`).join(' ')}`,
      { nodes: [o.node, ...outsiders], index: c.index },
    );
  }

  /** §5.1: terms only grow on a node, restarts included. */
  private checkTerm(t: NodeTrack, node: NodeId, term: Term, at: number, verb: string): void {
    this.count(Check.TermMonotonic);
    if (term < t.maxTerm) this.reportTerm(t, node, term, at, verb);
    else t.maxTerm = term;
  }

  private reportTerm(t: NodeTrack, node: NodeId, term: Term, at: number, verb: string): void {
    this.violation('term-monotonic', at, `node ${node} ${verb} term ${term} after term ${t.maxTerm}`, {
      nodes: [node],
      term,
      before: t.maxTerm,
      after: term,
    });
  }

  /** §5.2: "each server will vote for at most one candidate in a given term". */
  private checkVote(t: NodeTrack, node: NodeId, term: Term, votedFor: NodeId | null, at: number): void {
    if (votedFor === null) return;
    this.count(Check.OneVotePerTerm);
    if (t.voteCheckedTerm === term && t.voteCheckedFor === votedFor) return; // as found fine last time
    this.lookUpVote(t, node, term, votedFor, at);
  }

  private lookUpVote(t: NodeTrack, node: NodeId, term: Term, votedFor: NodeId, at: number): void {
    const earlier = t.votes.get(term);
    if (earlier === undefined) {
      t.votes.set(term, votedFor);
    } else if (earlier !== votedFor) {
      this.violation('one-vote-per-term', at, `node ${node} voted for node ${earlier} and then for node ${votedFor} in term ${term}`, {
        nodes: [node, earlier, votedFor],
        term,
        before: earlier,
        after: votedFor,
      });
      return;
    }
    t.voteCheckedTerm = term;
    t.voteCheckedFor = votedFor;
  }

  /** Replays the written entries onto the node's log, checking what they replace and add. */
  private applyWrites(t: NodeTrack, o: NodeObservation): void {
    const w = o.written;
    const first = w[0];
    if (first === undefined) return;
    const k = first.index;
    this.count(Check.LogMatching);
    for (let j = 1; j < w.length; j++) if (w[j]!.index !== k + j) return this.reportOutOfOrder(o, k, j);
    const log = t.log;
    const last = log.last;
    if (k <= log.base || k > last + 1) return this.reportMisplaced(o, k, log.base, last);
    // §5.3 Leader Append-Only, and no entry at or below the commit index may change (Figure 2).
    const leading = t.seen && t.lastRole === 'leader' && o.role === 'leader' && t.lastTerm === o.term;
    if (leading) this.count(Check.LeaderAppendOnly);
    if (t.seen) this.count(Check.CommitMonotonic);
    if (k <= last) {
      this.checkRewrite(t, o, k, last, leading);
      log.truncateAfter(k - 1);
    }
    for (let j = 0; j < w.length; j++) {
      const e = w[j]!;
      this.register(o.node, e, this.prevTermOf(t, e.index), o.at);
      log.push(e);
    }
  }

  private reportOutOfOrder(o: NodeObservation, k: Index, j: number): void {
    const w = o.written;
    this.violation('log-matching', o.at, `node ${o.node} wrote entries out of order: index ${w[j]!.index} after ${k + j - 1}`, {
      nodes: [o.node],
      index: w[j]!.index,
    });
  }

  private reportMisplaced(o: NodeObservation, k: Index, base: Index, last: Index): void {
    const why = k <= base ? `inside its snapshot, which covers up to ${base}` : `with a log ending at ${last}: a gap`;
    this.violation('log-matching', o.at, `node ${o.node} wrote index ${k} ${why}`, {
      nodes: [o.node],
      index: k,
    });
  }

  /** Writes from `k` (at or below the last index) replace entries: the first one that differs must be neither the leader's own nor committed. */
  private checkRewrite(t: NodeTrack, o: NodeObservation, k: Index, last: Index, leading: boolean): void {
    const w = o.written;
    const newLast = k + w.length - 1;
    for (let i = k; i <= last; i++) {
      const before = t.log.at(i);
      const after = i <= newLast ? w[i - k] : undefined;
      if (sameEntry(before, after)) continue;
      const evidence = {
        nodes: [o.node],
        term: o.term,
        index: i,
        entries: [entryEvidence(o.node, i, before), entryEvidence(o.node, i, after)],
      };
      if (leading) {
        this.violation(
          'leader-append-only',
          o.at,
          `leader ${o.node} of term ${o.term} replaced its entry ${i} (${describeEntry(before)}) with ${describeEntry(after)}`,
          evidence,
        );
      }
      if (t.seen && i <= t.lastCommit) {
        this.violation(
          'commit-monotonic',
          o.at,
          `node ${o.node} replaced its committed entry ${i} (${describeEntry(before)}, commit ${t.lastCommit}) with ${describeEntry(after)}`,
          evidence,
        );
      }
      break;
    }
  }

  /** §5.3 Log Matching: checked on every new entry against every entry ever written at its (index, term). */
  private register(node: NodeId, e: Entry, prevTerm: Term, at: number): void {
    this.count(Check.LogMatching);
    // Nearly every index only ever holds one term: keep that record bare, and make a map only
    // when a second term shows up there (this checker runs live on every cluster).
    const written = this.written;
    const slot = written.value(e.index);
    if (slot === undefined) {
      written.set(e.index, e, node, prevTerm);
    } else if (slot instanceof Map) {
      const r = slot.get(e.term);
      if (r === undefined) slot.set(e.term, { entry: e, node, prevTerm });
      else this.matchRegistered(r.entry, r.node, r.prevTerm, node, e, prevTerm, at);
    } else if (slot.term !== e.term) {
      const first = { entry: slot, node: written.node(e.index), prevTerm: written.term(e.index) };
      written.setValue(
        e.index,
        new Map([
          [slot.term, first],
          [e.term, { entry: e, node, prevTerm }],
        ]),
      );
    } else {
      const hadPrevTerm = written.term(e.index);
      // The same entry over the same previous term: nothing to report (the common case).
      if (!sameEntry(slot, e) || hadPrevTerm !== prevTerm)
        this.matchRegistered(slot, written.node(e.index), hadPrevTerm, node, e, prevTerm, at);
    }
  }

  /** Same (index, term) must mean the same entry, and (inductively) the same previous term. */
  private matchRegistered(had: Entry, hadNode: NodeId, hadPrevTerm: Term, node: NodeId, e: Entry, prevTerm: Term, at: number): void {
    if (!sameEntry(had, e)) {
      this.violation(
        'log-matching',
        at,
        `nodes ${hadNode} and ${node} have different entries at index ${e.index} in term ${e.term}: ${describeEntry(had)} vs ${describeEntry(e)}`,
        {
          nodes: [hadNode, node],
          index: e.index,
          term: e.term,
          entries: [entryEvidence(hadNode, e.index, had), entryEvidence(node, e.index, e)],
        },
      );
    } else if (hadPrevTerm !== prevTerm) {
      this.violation(
        'log-matching',
        at,
        `nodes ${hadNode} and ${node} share entry ${e.index} of term ${e.term} but the entry before it has term ${hadPrevTerm} on node ${hadNode} and ${prevTerm} on node ${node}`,
        {
          nodes: [hadNode, node],
          index: e.index - 1,
          term: e.term,
          before: hadPrevTerm,
          after: prevTerm,
        },
      );
    }
  }

  /** Figure 2: lastApplied ≤ commitIndex ≤ last log index, and the reported last index is the log written. */
  private checkIndexOrder(t: NodeTrack, o: NodeObservation): void {
    this.count(Check.IndexOrder);
    const last = t.log.last;
    if (o.applied > o.commit || o.commit > o.lastIndex || o.lastIndex !== last) this.reportIndexOrder(o, last);
  }

  private reportIndexOrder(o: NodeObservation, last: Index): void {
    const why = o.lastIndex !== last ? `but the entries written end at ${last}` : 'out of order';
    this.violation('index-order', o.at, `node ${o.node} has applied ${o.applied}, commit ${o.commit}, lastIndex ${o.lastIndex}: ${why}`, {
      nodes: [o.node],
      term: o.term,
      index: o.commit,
    });
  }

  /** §5.2 Election Safety, and §5.4 Leader Completeness when a node first leads a term. */
  private checkLeader(t: NodeTrack, o: NodeObservation): void {
    this.count(Check.ElectionSafety);
    if (t.ledTerm !== o.term) this.checkNewLeader(t, o); // else: found the one leader of this term before
  }

  private checkNewLeader(t: NodeTrack, o: NodeObservation): void {
    const holder = this.leaders.get(o.term);
    if (holder !== undefined) {
      if (holder !== o.node) {
        this.violation('election-safety', o.at, `nodes ${holder} and ${o.node} were both leader of term ${o.term}`, {
          nodes: [holder, o.node],
          term: o.term,
        });
      } else {
        t.ledTerm = o.term;
      }
      return;
    }
    this.leaders.set(o.term, o.node);
    t.ledTerm = o.term;
    if (this.topLeader === null || o.term > this.topLeader.term) this.topLeader = { node: o.node, term: o.term };
    this.count(Check.LeaderCompleteness);
    // What its snapshot covers was checked against the committed entries when it was stored.
    for (let i = Math.max(this.committed.first, t.log.base + 1); i <= this.committedMax; i++) {
      const c = this.committed.value(i);
      if (c === undefined || this.committed.term(i) >= o.term) continue;
      if (!sameEntry(t.log.at(i), c)) {
        const by = this.committed.node(i);
        this.violation(
          'leader-completeness',
          o.at,
          `node ${o.node} became leader of term ${o.term} without committed entry ${i} (${describeEntry(c)}, committed by term ${this.committed.term(i)}); it has ${describeEntry(t.log.at(i))}`,
          {
            nodes: [o.node, by],
            term: o.term,
            index: i,
            entries: [entryEvidence(by, i, c), entryEvidence(o.node, i, t.log.at(i))],
          },
        );
        return;
      }
    }
  }

  /** The commit index never goes back; every newly committed entry equals the cluster's committed entry there. */
  private checkCommit(t: NodeTrack, o: NodeObservation): void {
    if (t.seen) {
      this.count(Check.CommitMonotonic);
      if (o.commit < t.lastCommit) this.reportCommitBack(t, o);
    }
    const log = t.log;
    const upTo = Math.min(o.commit, log.last);
    const committed = this.committed;
    for (let i = Math.max(t.commitChecked, log.base) + 1; i <= upTo; i++) {
      const e = log.at(i)!;
      const c = committed.value(i);
      this.count(Check.LogMatching);
      if (c === undefined) {
        committed.set(i, e, o.node, o.term);
        if (i > this.committedMax) this.committedMax = i;
        this.checkTopLeaderHas(o, i, e);
      } else if (sameEntry(c, e)) {
        // Every report's term bounds the commit's term from above: keep the tightest bound.
        if (o.term < committed.term(i)) committed.setTerm(i, o.term);
      } else {
        this.reportCommitted(o, i, c, e);
      }
    }
    t.commitChecked = upTo;
  }

  private reportCommitBack(t: NodeTrack, o: NodeObservation): void {
    this.violation('commit-monotonic', o.at, `node ${o.node} moved its commit index back from ${t.lastCommit} to ${o.commit}`, {
      nodes: [o.node],
      term: o.term,
      before: t.lastCommit,
      after: o.commit,
    });
  }

  private reportCommitted(o: NodeObservation, i: Index, c: Entry, e: Entry): void {
    const by = this.committed.node(i);
    this.violation(
      'log-matching',
      o.at,
      `nodes ${by} and ${o.node} committed different entries at index ${i}: ${describeEntry(c)} vs ${describeEntry(e)}`,
      {
        nodes: [by, o.node],
        index: i,
        entries: [entryEvidence(by, i, c), entryEvidence(o.node, i, e)],
      },
    );
  }

  /** §5.4: an entry newly seen committed in an earlier term must already be in the log of the current leader. */
  private checkTopLeaderHas(o: NodeObservation, index: Index, e: Entry): void {
    const top = this.topLeader;
    if (top === null || top.node === o.node || top.term <= o.term) return;
    const lt = this.byId[top.node];
    if (!lt?.up || !lt.seen || lt.lastRole !== 'leader' || lt.lastTerm !== top.term) return;
    if (index <= lt.log.base) return; // its snapshot covers it (checked when stored)
    this.count(Check.LeaderCompleteness);
    if (!sameEntry(lt.log.at(index), e)) {
      this.violation(
        'leader-completeness',
        o.at,
        `leader ${top.node} of term ${top.term} lacks entry ${index} (${describeEntry(e)}) that node ${o.node} committed in term ${o.term}; it has ${describeEntry(lt.log.at(index))}`,
        {
          nodes: [top.node, o.node],
          term: top.term,
          index,
          entries: [entryEvidence(o.node, index, e), entryEvidence(top.node, index, lt.log.at(index))],
        },
      );
    }
  }

  /** §5.4.3 State Machine Safety: in order, no gaps, the log's entry, and the same entry on every node. */
  private checkApplies(t: NodeTrack, o: NodeObservation): void {
    const log = t.log;
    const applied = o.appliedEntries;
    const appliedAt = this.appliedAt;
    for (let j = 0; j < applied.length; j++) {
      const e = applied[j]!;
      this.count(Check.StateMachineSafety);
      if (e.index !== t.applied + 1) this.reportApplyGap(t, o, e);
      const had = log.at(e.index);
      if (!sameEntry(had, e)) this.reportApplyNotLogged(o, e, had);
      const a = appliedAt.value(e.index);
      if (a === undefined) appliedAt.set(e.index, e, o.node, 0);
      else if (!sameEntry(a, e)) this.reportAppliedTwice(o, e, a);
      t.applied = e.index;
    }
  }

  private reportApplyGap(t: NodeTrack, o: NodeObservation, e: Entry): void {
    this.violation('state-machine-safety', o.at, `node ${o.node} applied index ${e.index} right after ${t.applied}`, {
      nodes: [o.node],
      index: e.index,
      before: t.applied,
      after: e.index,
    });
  }

  private reportApplyNotLogged(o: NodeObservation, e: Entry, had: Entry | undefined): void {
    this.violation(
      'state-machine-safety',
      o.at,
      `node ${o.node} applied ${describeEntry(e)} at index ${e.index} but its log has ${describeEntry(had)}`,
      {
        nodes: [o.node],
        index: e.index,
        entries: [entryEvidence(o.node, e.index, e), entryEvidence(o.node, e.index, had)],
      },
    );
  }

  private reportAppliedTwice(o: NodeObservation, e: Entry, a: Entry): void {
    const by = this.appliedAt.node(e.index);
    this.violation(
      'state-machine-safety',
      o.at,
      `nodes ${by} and ${o.node} applied different entries at index ${e.index}: ${describeEntry(a)} vs ${describeEntry(e)}`,
      {
        nodes: [by, o.node],
        index: e.index,
        entries: [entryEvidence(by, e.index, a), entryEvidence(o.node, e.index, e)],
      },
    );
  }

  private count(check: Check): void {
    this.counts[check]!++;
  }

  private violation(invariant: InvariantName, at: number, message: string, evidence: Violation['evidence']): void {
    const v: Violation = { invariant, message, at, evidence };
    this.violationCount++;
    if (this.violations.length < this.maxViolations) this.violations.push(v);
    if (this.found === NONE_FOUND) this.found = [];
    this.found.push(v);
    this.onViolation?.(v);
  }
}
