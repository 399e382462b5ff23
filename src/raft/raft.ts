import { resolveConfig, type Settings } from './config.js';
import { type AcceptedAppend, acceptAppend } from './follower-append.js';
import { applyChange, type ConfigChange, ConfigurationHistory, encodeConfiguration } from './membership.js';
import { canCampaignFrom, isValidMessage } from './message-check.js';
import { NOTHING, Outbox } from './outbox.js';
import { Progress } from './progress.js';
import { majority, quorumIndex, VoteTally } from './quorum.js';
import { checkedLog, RaftLog } from './raft-log.js';
import { ReadIndexQueue } from './read-index.js';
import { createRng, type Rng } from './rng.js';
import { SnapshotReceiver } from './snapshot-receiver.js';
import { decideVote, type VoteReason } from './vote-decision.js';
import type {
  AppendEntries,
  AppendEntriesResponse,
  Entry,
  Index,
  InstallSnapshot,
  InstallSnapshotResponse,
  Message,
  NodeId,
  PreVote,
  ProposeResult,
  RaftConfig,
  RaftCore,
  RaftEvent,
  RaftBrief,
  RaftStatus,
  ReadIndexRequest,
  ReadIndexResponse,
  ReadIndexResult,
  ReadState,
  Ready,
  RequestVote,
  Role,
  Snapshot,
  Term,
  TransferResult,
} from './types.js';

/** The last element, or undefined for an empty array (without reading index -1: a slow lookup). */
function lastOf<T>(list: readonly T[]): T | undefined {
  return list.length > 0 ? list[list.length - 1] : undefined;
}

/** Default characters of snapshot data per InstallSnapshot chunk. */
export const DEFAULT_SNAPSHOT_CHUNK_CHARS = 256 * 1024;

type RoleReason = Extract<RaftEvent, { kind: 'role' }>['reason'];

/**
 * One Raft node as a pure state machine (the etcd/raft design): `tick` and `step` change state
 * and queue work; `ready` hands the work to the host, which persists, sends, applies, then
 * calls `advance`. Roles are functions — `becomeX` to enter a role, `stepX` to handle a
 * message in it, `tickX` for its timer — and `maybeX` names things that may do nothing.
 *
 * `ready()` hands out what is new since the previous `ready()` (it drains the queues); the
 * host handles one Ready completely — persist, send, apply, `advance` — before taking the next.
 */
export class Raft implements RaftCore {
  private readonly s: Settings;
  private readonly id: NodeId;
  /** Thesis §4.1: every configuration in the log; the latest one is in force, committed or not. */
  private readonly configs: ConfigurationHistory;
  /** The voters and learners of the configuration in force (copies of configs.current()). */
  private voters: readonly NodeId[] = [];
  private voterSet: ReadonlySet<NodeId> = new Set();
  private learners: readonly NodeId[] = [];
  /** Votes (and matching replicas) needed to decide: a majority of the voters (§5.2). */
  private quorum = 1;
  private readonly rng: Rng;
  private readonly raftLog: RaftLog;

  // Persistent state (Figure 2): handed to the host in Ready.hardState when it changes.
  private term: Term;
  private votedFor: NodeId | null;

  private role: Role = 'follower';
  private leader: NodeId | null = null;
  /**
   * Ticks since the election timer was reset; on a leader, since the last check-quorum round.
   * Invariant: electionElapsed < randomizedElectionTimeout outside tick() on non-leaders.
   */
  private electionElapsed = 0;
  /** Drawn in [electionMin, electionMax] each time the timer resets (§5.2). */
  private randomizedElectionTimeout = 0;
  /** Leader only. Invariant: heartbeatElapsed < heartbeatTicks outside tick(). */
  private heartbeatElapsed = 0;
  /** Ticks since construction: a clock for stall detection and the leader's last contact. */
  private now = 0;
  /** Follower only: `now` when the leader last reached us (§5.2), for the dashboard. */
  private leaderContactAt = 0;
  /** Leader only: the nodes whose match index made the current commit index. */
  private commitQuorum: NodeId[] | null = null;
  private votes = new VoteTally();
  /** Leader only: one Progress per voter (ourselves included), in peer order; else empty. */
  private progress: Progress[] = [];
  private progressById = new Map<NodeId, Progress>();
  /** Leader only: what countingProgress() returns; null when it must be worked out again. */
  private counting: Progress[] | null = null;
  /** Leader only: something may be sendable (new entries, a new commit, an unpaused follower). */
  private needFlush = false;
  /** Scratch space for the quorum computation (no allocation per commit). */
  private readonly matchScratch = new Array<number>(64).fill(0);
  /**
   * Leader, within one round of sends (flush, heartbeat; the log does not change meanwhile):
   * the entries of the last AppendEntries built, from index batchFrom. Null outside a round.
   */
  private batch: Entry[] | null = null;
  private batchFrom: Index = 0;
  /** Scratch space for the nodes of a commit's quorum (copied out at the exact size). */
  private readonly idScratch: NodeId[] = [];

  /** §7: the latest snapshot (taken here or installed from a leader); null before the first. */
  private currentSnapshot: Snapshot | null;
  /** A snapshot for the next Ready to persist (and restore, when it came from the leader). */
  private unsavedSnapshot: Snapshot | null = null;
  /** Follower: the chunks of a snapshot transfer in progress. */
  private readonly receiver = new SnapshotReceiver();
  private readonly snapshotChunkChars: number;
  /** Leader only: thesis §3.10 leadership transfer — its target, and ticks since it began. */
  private transferee: NodeId | null = null;
  private transferElapsed = 0;
  private timeoutNowSent = false;
  /** Leader only: reads waiting for their read index to be confirmed (thesis §6.4). */
  private readonly reads = new ReadIndexQueue();
  /**
   * Follower only: reads forwarded to the leader and not answered yet, each with the tick it
   * left at. One whose request or answer was lost fails after a minimum election timeout.
   */
  private forwardedReads = new Map<number, number>();

  /** What acceptAppend refills for each AppendEntries accepted (read at once, kept by no one). */
  private readonly accepted: AcceptedAppend = { kind: 'accept', lastNew: 0, appendedFrom: 0, truncated: 0 };
  private readonly msgs = new Outbox<Message>();
  private readonly events = new Outbox<RaftEvent>();
  private readStates: ReadState[] = [];
  private readsFailed: number[] = [];
  /** The term and vote in the last Ready that carried a hard state (or loaded at start). */
  private prevTerm: Term;
  private prevVote: NodeId | null;

  constructor(config: RaftConfig) {
    this.s = resolveConfig(config);
    this.id = this.s.id;
    this.rng = createRng(this.s.seed);

    const snapshot = config.snapshot ?? null;
    if (snapshot !== null && !(Number.isSafeInteger(snapshot.index) && snapshot.index >= 1 && snapshot.term >= 1))
      throw new RangeError('raft config: a snapshot must cover index 1 or more, of term 1 or more');
    this.currentSnapshot = snapshot;
    this.snapshotChunkChars = Math.max(1, Math.floor(config.snapshotChunkChars ?? DEFAULT_SNAPSHOT_CHUNK_CHARS));
    const base = snapshot ?? { index: 0, term: 0 };
    const entries = checkedLog(config.entries ?? [], base);
    const hs = config.hardState ?? { term: 0, votedFor: null, commit: 0 };
    this.raftLog = new RaftLog(entries, hs.commit, base);
    // Thesis §4.1: the configuration is the latest in the log — or the snapshot's, or the
    // bootstrap voters (`peers`) when neither holds one.
    this.configs = new ConfigurationHistory(
      snapshot ? { voters: [...snapshot.voters], learners: [...snapshot.learners] } : { voters: [...this.s.peers], learners: [] },
      base.index,
      entries,
    );
    this.adoptConfiguration();
    this.term = hs.term;
    this.votedFor = hs.votedFor;
    this.prevTerm = this.term;
    this.prevVote = this.votedFor;
    // A log can never hold a term newer than the node's own; trust the log if they disagree.
    const lastTerm = this.raftLog.lastTerm();
    if (lastTerm > this.term) {
      this.term = lastTerm;
      this.votedFor = null;
    }
    this.resetElectionTimer();
    if (config.hardState !== undefined || config.entries !== undefined || snapshot !== null) this.emitRole('restart');
  }

  // ---------------------------------------------------------------- public API

  tick(ticks = 1): void {
    if (!(ticks >= 1) || !Number.isFinite(ticks)) return;
    const n = Math.floor(ticks);
    this.now += n;
    if (this.role === 'leader') this.tickHeartbeat(n);
    else this.tickElection(n);
  }

  ticksUntilNextEvent(): number {
    if (this.role === 'leader') {
      const transfer = this.transferee === null ? Infinity : this.s.electionMin - this.transferElapsed;
      return Math.max(1, Math.min(this.s.heartbeatTicks - this.heartbeatElapsed, this.s.electionMin - this.electionElapsed, transfer));
    }
    return Math.max(1, this.randomizedElectionTimeout - this.electionElapsed);
  }

  step(m: Message): void {
    if (!isValidMessage(m, this.id)) return;

    // §5.1: a higher term makes us a follower of that term — except for pre-votes, which
    // change nothing (thesis §9.6), and votes asked of us while a leader is active.
    if (m.term > this.term) {
      if ((m.type === 'RequestVote' || m.type === 'PreVote') && this.inLease(m)) {
        // Thesis §4.2.3: we heard from a leader within the minimum election timeout, so
        // we neither update our term nor grant the vote; a disruptive server cannot depose it.
        this.emitVote(m, false, 'leader-active');
        return;
      }
      if (m.type === 'PreVote') {
        // Thesis §9.6: never change our term because of a pre-vote.
      } else if (m.type === 'PreVoteResponse' && m.granted) {
        // A granted pre-vote carries the term we asked for; we adopt it only after a majority.
      } else {
        const fromLeader = m.type === 'AppendEntries' || m.type === 'InstallSnapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : null, 'higher-term', m.from);
      }
    } else if (m.term < this.term) {
      this.answerStale(m);
      return;
    }

    if (m.type === 'ReadIndex') {
      this.handleForwardedRead(m);
      return;
    }
    if (m.type === 'RequestVote' || m.type === 'PreVote') {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'precandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  stepExplained(m: Message): RaftEvent[] {
    // Events queue up until ready() drains them; what this step added is the tail.
    const mark = this.events.length;
    this.step(m);
    return this.events.since(mark);
  }

  campaignNow(): boolean {
    // Thesis §4.2.1: a learner or a removed server has no election to start.
    if (this.role === 'leader' || !this.voterSet.has(this.id)) return false;
    this.startElection('timeout-now', this.electionElapsed);
    return true;
  }

  propose(data: string): ProposeResult {
    if (this.role !== 'leader') return { ok: false, leader: this.leader };
    // Thesis §3.10: during a transfer the leader takes no new entries, so the target can catch up.
    if (this.transferee !== null) return { ok: false, leader: this.id, reason: 'transferring' };
    const index = this.raftLog.lastIndex() + 1;
    this.appendEntry({ index, term: this.term, type: 'normal', data });
    return { ok: true, index, term: this.term };
  }

  proposeConfigChange(change: ConfigChange): ProposeResult {
    if (this.role !== 'leader') return { ok: false, leader: this.leader };
    if (this.transferee !== null)
      return { ok: false, leader: this.id, reason: 'transferring', message: 'a leadership transfer is under way' };
    const log = this.raftLog;
    // Thesis §4.1 (the 2015 fix): a new leader must commit an entry of its own term before it
    // changes the configuration, or a change of an earlier leader may be lost under it.
    if (log.term(log.commit) !== this.term)
      return { ok: false, leader: this.id, reason: 'config-pending', message: 'this leader has not committed an entry of its term yet' };
    // Thesis §4.1: one change at a time — the next waits until the previous one is committed.
    if (this.configs.currentIndex() > log.commit)
      return {
        ok: false,
        leader: this.id,
        reason: 'config-pending',
        message: `the configuration change at index ${this.configs.currentIndex()} is not committed yet`,
      };
    const next = applyChange(this.configs.current(), change);
    if (typeof next === 'string') return { ok: false, leader: this.id, reason: 'invalid-change', message: next };
    const index = log.lastIndex() + 1;
    const entry: Entry = { index, term: this.term, type: 'config', data: encodeConfiguration(next) };
    this.appendEntry(entry);
    this.configs.appended([entry]);
    this.adoptConfiguration();
    return { ok: true, index, term: this.term };
  }

  transferLeadership(to: NodeId): TransferResult {
    if (this.role !== 'leader') return { ok: false, message: `node ${this.id} is not the leader` };
    if (to === this.id) return { ok: true };
    const pr = this.progressById.get(to);
    if (pr === undefined || !this.voterSet.has(to))
      return { ok: false, message: `node ${to} is not a voter: leadership can only go to a voter` };
    if (this.transferee === to) return { ok: true };
    if (this.transferee !== null)
      return { ok: false, message: `a transfer to node ${this.transferee} is under way: wait for it to finish or be abandoned` };
    this.transferee = to;
    this.transferElapsed = 0;
    this.timeoutNowSent = false;
    this.pushEvent({ kind: 'transfer', to, term: this.term, phase: 'started' });
    // Thesis §3.10: bring the target up to date first; it is told to campaign once it is.
    // Resend from what it is known to hold: entries in flight to it may be lost, and waiting
    // for the stall detector would take longer than the transfer may.
    if (pr.match < this.raftLog.lastIndex()) pr.becomeProbe(pr.match + 1);
    this.maybeSendTimeoutNow(pr);
    this.needFlush = true;
    return { ok: true };
  }

  readIndex(id: number): ReadIndexResult {
    if (this.role === 'leader') {
      this.leaderRead(id, this.id);
      return { ok: true };
    }
    // Thesis §6.4: a follower may serve a read too — it asks the leader for the read index,
    // then waits until it has applied that far itself.
    if (this.role === 'follower' && this.leader !== null) {
      this.forwardedReads.set(id, this.now);
      this.send({ type: 'ReadIndex', from: this.id, to: this.leader, term: this.term, readId: id });
      return { ok: true };
    }
    return { ok: false, leader: this.leader };
  }

  hasReady(): boolean {
    if (this.needFlush) this.flush();
    const log = this.raftLog;
    return (
      this.msgs.length > 0 ||
      this.events.length > 0 ||
      this.unsavedSnapshot !== null ||
      this.readStates.length > 0 ||
      this.readsFailed.length > 0 ||
      log.unstable <= log.lastIndex() ||
      this.applyLimit() > log.applying ||
      this.term !== this.prevTerm ||
      this.votedFor !== this.prevVote
    );
  }

  ready(into?: Ready): Ready {
    if (this.needFlush) this.flush();
    const log = this.raftLog;
    let hardState: Ready['hardState'] = null;
    // Only a term or vote change forces a hard-state write; commit rides along (storage
    // fsyncs the hard state, and a lagging commit is safe: Figure 2 keeps it volatile).
    if (this.term !== this.prevTerm || this.votedFor !== this.prevVote) {
      hardState = { term: this.term, votedFor: this.votedFor, commit: log.commit };
      this.prevTerm = this.term;
      this.prevVote = this.votedFor;
    }
    const last = log.lastIndex();
    const entries = log.unstable <= last ? log.slice(log.unstable, last) : NOTHING;
    log.unstable = last + 1;
    const limit = this.applyLimit();
    let committedEntries: Entry[] = NOTHING;
    if (limit > log.applying) {
      committedEntries = log.slice(log.applying + 1, limit);
      log.applying = limit;
    }
    // Handed over with the Ready (new arrays); the queues start empty again.
    const messages = this.msgs.take();
    const events = this.events.take();
    let rd: Ready;
    if (into === undefined) {
      rd = {
        hardState,
        snapshot: this.unsavedSnapshot,
        entries,
        messages,
        committedEntries,
        events,
        readStates: this.readStates,
        readsFailed: this.readsFailed,
      };
    } else {
      rd = into;
      rd.hardState = hardState;
      rd.snapshot = this.unsavedSnapshot;
      rd.entries = entries;
      rd.messages = messages;
      rd.committedEntries = committedEntries;
      rd.events = events;
      rd.readStates = this.readStates;
      rd.readsFailed = this.readsFailed;
    }
    this.unsavedSnapshot = null;
    if (rd.readStates.length > 0) this.readStates = [];
    if (rd.readsFailed.length > 0) this.readsFailed = [];
    return rd;
  }

  advance(rd: Ready): void {
    const log = this.raftLog;
    // A snapshot from the leader is restored by now: the state machine is at its index.
    if (rd.snapshot !== null && rd.snapshot.index > log.applied) log.applied = Math.min(rd.snapshot.index, log.applying);
    // Lengths checked first here and below: reading index -1 of an empty array is a slow
    // property lookup, and this runs for every Ready.
    const last = lastOf(rd.committedEntries);
    if (last !== undefined && last.index > log.applied) log.applied = Math.min(last.index, log.applying);
    // rd.entries are on stable storage now. If the last one is still in our log, so is every
    // entry before it (§5.3 Log Matching), and all of them are durable.
    const stable = lastOf(rd.entries);
    if (stable !== undefined && stable.index > log.persisted && log.term(stable.index) === stable.term) {
      log.persisted = stable.index;
      this.maybeCountOwnCopy();
    }
  }

  /**
   * Thesis §10.2.1: the leader writes its log in parallel with sending it, so its own copy
   * counts toward a majority only once it is durable — never on append.
   */
  private maybeCountOwnCopy(): void {
    if (this.role !== 'leader') return;
    const self = this.progressById.get(this.id)!;
    if (this.raftLog.persisted <= self.match) return;
    self.match = this.raftLog.persisted;
    this.maybeCommit();
  }

  brief(into?: RaftBrief): RaftBrief {
    const log = this.raftLog;
    if (into === undefined) {
      return {
        role: this.role,
        term: this.term,
        votedFor: this.votedFor,
        commitIndex: log.commit,
        appliedIndex: log.applied,
        lastIndex: log.lastIndex(),
      };
    }
    into.role = this.role;
    into.term = this.term;
    into.votedFor = this.votedFor;
    into.commitIndex = log.commit;
    into.appliedIndex = log.applied;
    into.lastIndex = log.lastIndex();
    return into;
  }

  status(): RaftStatus {
    const log = this.raftLog;
    let progress: RaftStatus['progress'] = null;
    if (this.role === 'leader') {
      progress = {};
      for (const pr of this.progress) {
        if (pr.id === this.id) continue;
        const view: NonNullable<RaftStatus['progress']>[NodeId] = {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          inflight: pr.state === 'snapshot' ? (pr.chunkSent ? 1 : 0) : pr.inflights.count,
        };
        const t = pr.transfer;
        if (t !== null) view.snapshot = { index: t.snapshot.index, term: t.snapshot.term, size: t.snapshot.data.length, acked: t.acked };
        progress[pr.id] = view;
      }
    }
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      votedFor: this.votedFor,
      leader: this.leader,
      commitIndex: log.commit,
      appliedIndex: log.applied,
      lastIndex: log.lastIndex(),
      snapshotIndex: log.snapshotIndex,
      snapshotTerm: log.snapshotTerm,
      voters: [...this.voters],
      learners: [...this.learners],
      electionElapsed: this.electionElapsed,
      electionTimeout: this.role === 'leader' ? this.s.electionMin : this.randomizedElectionTimeout,
      progress,
      transferee: this.transferee,
      votes:
        this.role === 'candidate' || this.role === 'precandidate'
          ? { granted: [...this.votes.granted], refused: [...this.votes.refused] }
          : null,
      leaderContactTicks: this.role === 'follower' && this.leader !== null ? this.now - this.leaderContactAt : null,
      commitQuorum: this.role === 'leader' ? this.commitQuorum : null,
      configIndex: this.configs.currentIndex(),
    };
  }

  log(): readonly Entry[] {
    return this.raftLog.entries;
  }

  snapshot(): Snapshot | null {
    return this.currentSnapshot;
  }

  compact(index: Index, data: string): boolean {
    const log = this.raftLog;
    // §7: "each server takes snapshots independently, covering just the committed entries in
    // its log" — and only what the host has applied (the data is the state as of `index`) and
    // what storage holds (the snapshot replaces those entries there).
    if (!(Number.isSafeInteger(index) && index > log.snapshotIndex && index <= log.applied && index <= log.persisted)) return false;
    if (typeof data !== 'string') return false;
    const term = log.term(index);
    // §7 (Figure 12): the snapshot keeps the configuration in force at its index.
    const config = this.configs.at(index);
    const snapshot: Snapshot = { index, term, voters: [...config.voters], learners: [...config.learners], data };
    const compacted = log.compactTo(index, term, true);
    this.configs.compactedTo(index, config);
    this.currentSnapshot = snapshot;
    this.unsavedSnapshot = snapshot;
    this.pushEvent({ kind: 'snapshot-taken', index, term, compacted });
    return true;
  }

  // ---------------------------------------------------------------- roles

  private becomeFollower(
    term: Term,
    leader: NodeId | null,
    reason: RoleReason,
    from?: NodeId,
    tally?: { votes: NodeId[]; refused: NodeId[]; preVote: boolean },
  ): void {
    if (term !== this.term) {
      this.term = term;
      this.votedFor = null; // §5.1: a new term, no vote cast in it yet
    }
    this.role = 'follower';
    this.leader = leader;
    this.resetRoleState();
    this.emitRole(reason, { ...(from === undefined ? {} : { from }), ...tally });
  }

  /** Thesis §9.6: ask for pre-votes for term+1 without changing our own term or vote. */
  private becomePreCandidate(reason: RoleReason, waited: number): void {
    this.role = 'precandidate';
    this.leader = null;
    this.resetRoleState();
    this.emitRole(reason, { ticks: waited });
    const lastLogIndex = this.raftLog.lastIndex();
    const lastLogTerm = this.raftLog.lastTerm();
    for (const to of this.voters) {
      if (to === this.id) continue;
      this.send({ type: 'PreVote', from: this.id, to, term: this.term + 1, lastLogIndex, lastLogTerm });
    }
    this.votes.record(this.id, true);
    this.poll();
  }

  /**
   * §5.2: increment the term, vote for ourselves, ask everyone else for their vote. `transfer`:
   * the election a leader asked for (thesis §3.10), which voters grant despite its lease.
   */
  private becomeCandidate(reason: RoleReason, detail: { ticks?: number; votes?: NodeId[]; from?: NodeId }, transfer = false): void {
    this.term += 1;
    this.votedFor = this.id;
    this.role = 'candidate';
    this.leader = null;
    this.resetRoleState();
    this.emitRole(reason, detail);
    const lastLogIndex = this.raftLog.lastIndex();
    const lastLogTerm = this.raftLog.lastTerm();
    for (const to of this.voters) {
      if (to === this.id) continue;
      const m: RequestVote = { type: 'RequestVote', from: this.id, to, term: this.term, lastLogIndex, lastLogTerm };
      if (transfer) m.transfer = true;
      this.send(m);
    }
    this.votes.record(this.id, true);
    this.poll();
  }

  private becomeLeader(votes: NodeId[]): void {
    this.role = 'leader';
    this.leader = this.id;
    this.resetRoleState();
    this.heartbeatElapsed = 0;
    const next = this.raftLog.lastIndex() + 1;
    this.progressById.set(this.id, new Progress(this.id, next, this.s.maxInflight));
    this.progress.push(this.progressById.get(this.id)!);
    this.counting = null;
    this.syncProgress(next);
    this.commitQuorum = null;
    const self = this.progressById.get(this.id)!;
    self.match = this.raftLog.persisted; // only what is durable counts (thesis §10.2.1)
    self.state = 'replicate';
    this.emitRole('won-election', { votes });
    // Thesis §6.4 (and §5.4.2): a new leader commits an entry of its own term at once — a
    // no-op — which also commits everything before it and tells the followers who leads.
    this.appendEntry({ index: next, term: this.term, type: 'noop', data: '' });
  }

  /** Takes the latest configuration of the log as the one in force (thesis §4.1). */
  private adoptConfiguration(): void {
    this.counting = null;
    const c = this.configs.current();
    this.voters = c.voters;
    this.voterSet = new Set(c.voters);
    this.learners = c.learners;
    this.quorum = majority(c.voters.length);
    if (this.role === 'leader') this.syncProgress(this.raftLog.snapshotIndex + 1);
  }

  /**
   * Leader: one Progress per voter and learner (and ourselves, even while being removed).
   * `next`: where to start sending to a member that has none yet — after an election, the end
   * of our log (§5.3: nextIndex starts there); for a server just added, the start of our log
   * (it is new and empty: it needs everything, by snapshot if compacted, thesis §4.2.1).
   */
  private syncProgress(next: Index): void {
    this.counting = null;
    const members = new Set([...this.voters, ...this.learners, this.id]);
    for (const id of members) {
      if (this.progressById.has(id)) continue;
      const pr = new Progress(id, next, this.s.maxInflight);
      this.progress.push(pr);
      this.progressById.set(id, pr);
      this.needFlush = true;
    }
    if (this.progress.length === members.size) return;
    this.progress = this.progress.filter((pr) => members.has(pr.id));
    for (const id of [...this.progressById.keys()]) if (!members.has(id)) this.progressById.delete(id);
    if (this.transferee !== null && !this.voterSet.has(this.transferee)) {
      this.pushEvent({ kind: 'transfer', to: this.transferee, term: this.term, phase: 'abandoned' });
      this.transferee = null;
    }
  }

  /** Clears what belongs to the role we leave, and restarts the election timer. */
  private resetRoleState(): void {
    this.votes = new VoteTally();
    this.failReads();
    this.transferee = null;
    if (this.progress.length > 0) {
      this.progress = [];
      this.progressById.clear();
    }
    this.counting = null;
    this.needFlush = false;
    this.resetElectionTimer();
  }

  /** §5.2: every reset draws a fresh timeout, so split votes rarely repeat. */
  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    this.randomizedElectionTimeout = this.rng.int(this.s.electionMin, this.s.electionMax);
  }

  // ---------------------------------------------------------------- timers

  /** Followers and candidates: start an election when no leader was heard in time (§5.2). */
  private tickElection(n: number): void {
    if (this.forwardedReads.size > 0) this.expireForwardedReads();
    this.electionElapsed += n;
    if (this.electionElapsed < this.randomizedElectionTimeout) return;
    this.startElection('election-timeout', this.electionElapsed);
  }

  /** §5.2 (with thesis §9.6's pre-vote first when enabled): the election timer fired. */
  private startElection(reason: RoleReason, waited: number): void {
    // A node at the term ceiling stays a follower: it never moves past MAX_TERM itself.
    if (!canCampaignFrom(this.term)) return this.resetElectionTimer();
    // Thesis §4.2.1/§4.2.3: a learner, or a server removed from the configuration, never
    // campaigns — it has no vote to win with, and its elections would only disrupt.
    if (!this.voterSet.has(this.id)) {
      this.electionElapsed = 0;
      return;
    }
    if (this.s.preVote) this.becomePreCandidate(reason, waited);
    else this.becomeCandidate(reason, { ticks: waited });
  }

  /** Leaders: the check-quorum round every minimum election timeout, and heartbeats (§5.2). */
  private tickHeartbeat(n: number): void {
    this.heartbeatElapsed += n;
    this.electionElapsed += n;
    if (this.transferee !== null) {
      this.transferElapsed += n;
      // Thesis §3.10: a transfer that has not completed within an election timeout is
      // abandoned, and the leader takes proposals again.
      if (this.transferElapsed >= this.s.electionMin) {
        this.pushEvent({ kind: 'transfer', to: this.transferee, term: this.term, phase: 'abandoned' });
        this.transferee = null;
      }
    }
    if (this.electionElapsed >= this.s.electionMin) {
      this.electionElapsed = 0;
      // Thesis §6.2: a leader that cannot reach a majority within an election timeout steps
      // down, so clients stop waiting on it and a partitioned leader is noticed.
      if (this.s.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null, 'lost-quorum');
        return;
      }
      this.probeStalled();
    }
    if (this.heartbeatElapsed >= this.s.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  /** Whether a majority (ourselves included) was heard from this round; starts a new round. */
  private quorumActive(): boolean {
    let active = 0;
    for (const pr of this.progress) {
      // Thesis §4.2.1: learners do not count; neither does a leader that is being removed.
      if (this.voterSet.has(pr.id) && (pr.id === this.id || pr.recentActive)) active++;
      pr.recentActive = false;
    }
    return active >= this.quorum;
  }

  /**
   * A replicating follower that acknowledged nothing for an election timeout while messages
   * were in flight lost some of them: send one at a time again from its match (probe).
   */
  private probeStalled(): void {
    for (const pr of this.progress) {
      if (pr.id === this.id || pr.state !== 'replicate' || pr.inflights.count === 0) continue;
      if (this.now - pr.lastProgressTick >= this.s.electionMin) {
        pr.becomeProbe(pr.match + 1);
        this.needFlush = true;
      }
    }
  }

  // ---------------------------------------------------------------- messages by role

  private stepLeader(m: Message): void {
    const pr = this.progressById.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.type === 'InstallSnapshotResponse') {
      this.handleSnapshotAck(pr, m);
      return;
    }
    if (m.type !== 'AppendEntriesResponse') return;
    // Thesis §6.4: any answer in our term to a round's heartbeat confirms that round for it.
    if (m.readRound !== undefined && m.readRound > pr.readAck) {
      pr.readAck = Math.min(m.readRound, this.reads.round);
      this.maybeConfirmReads();
    }
    if (m.success) this.handleAppendSuccess(pr, m.index);
    else this.handleAppendReject(pr, m);
  }

  private stepCandidate(m: Message): void {
    if (m.type === 'AppendEntries' || m.type === 'InstallSnapshot') {
      // §5.2: a leader of our term exists (for a precandidate: of the term we still hold).
      this.becomeFollower(this.term, m.from, 'leader-found', m.from);
      this.leaderContactAt = this.now;
      if (m.type === 'AppendEntries') this.handleAppendEntries(m);
      else this.handleInstallSnapshot(m);
      return;
    }
    if (this.role === 'precandidate') {
      if (m.type !== 'PreVoteResponse') return;
      // A grant carries the term we asked for; a refusal carries the voter's (= our) term.
      if (m.term !== (m.granted ? this.term + 1 : this.term)) return;
    } else if (m.type !== 'RequestVoteResponse') {
      return;
    }
    // Thesis §4.2.1: only the voters of our configuration decide an election.
    if (!this.voterSet.has(m.from)) return;
    this.votes.record(m.from, m.granted);
    this.poll();
  }

  private stepFollower(m: Message): void {
    if (m.type === 'TimeoutNow') {
      // Thesis §3.10: the leader handed us leadership — campaign now, without waiting for the
      // timer and without a pre-vote (the leader's own followers would refuse it). Never past
      // the term ceiling, and only as a voter (thesis §4.2.1).
      if (canCampaignFrom(this.term) && this.voterSet.has(this.id)) this.becomeCandidate('transfer', { from: m.from }, true);
      return;
    }
    if (m.type === 'ReadIndexResponse') {
      if (!this.forwardedReads.delete(m.readId)) return;
      if (m.ok) this.readStates.push({ id: m.readId, index: m.index });
      else this.readsFailed.push(m.readId);
      return;
    }
    if (m.type !== 'AppendEntries' && m.type !== 'InstallSnapshot') return;
    // §5.2: hearing from the current leader resets the election timer.
    this.leader = m.from;
    this.leaderContactAt = this.now;
    this.resetElectionTimer();
    if (m.type === 'AppendEntries') this.handleAppendEntries(m);
    else this.handleInstallSnapshot(m);
  }

  /** Counts our (pre-)election's votes and moves on when a majority has decided. */
  private poll(): void {
    const result = this.votes.result(this.quorum, this.voters.length);
    if (result === 'pending') return;
    if (result === 'lost') {
      // Say the tally: a person watching wants to know why no election followed.
      const tally = { votes: [...this.votes.granted], refused: [...this.votes.refused], preVote: this.role === 'precandidate' };
      this.becomeFollower(this.term, null, 'lost-election', undefined, tally);
      return;
    }
    const voters = [...this.votes.granted];
    if (this.role === 'precandidate') this.becomeCandidate('prevote-won', { votes: voters });
    else this.becomeLeader(voters);
  }

  // ---------------------------------------------------------------- votes

  /**
   * Thesis §4.2.3 / §9.6: a vote asked of us while we believe a leader is alive — we heard
   * from it within the minimum election timeout (a leader always believes in itself). Pre-votes
   * always honour this; real votes only with checkQuorum, which guarantees a dead leader's
   * lease runs out.
   */
  private inLease(m: RequestVote | PreVote): boolean {
    if (m.type === 'RequestVote' && (!this.s.checkQuorum || m.transfer === true)) return false;
    return this.leader !== null && this.electionElapsed < this.s.electionMin;
  }

  /** A RequestVote or PreVote whose term is not stale (§5.2, §5.4.1, thesis §9.6). */
  private handleVoteRequest(m: RequestVote | PreVote): void {
    const pre = m.type === 'PreVote';
    const reason = decideVote({
      preVote: pre,
      candidate: m.from,
      term: m.term,
      candidateLastIndex: m.lastLogIndex,
      candidateLastTerm: m.lastLogTerm,
      ourTerm: this.term,
      votedFor: this.votedFor,
      leader: this.leader,
      isUpToDate: (index, term) => this.raftLog.isUpToDate(index, term),
      skipElectionRestriction: this.s.bugs.skipElectionRestriction,
    });
    const granted = reason === 'granted';
    if (granted && !pre) {
      this.votedFor = m.from; // in the next Ready's hardState, persisted before this answer leaves
      this.resetElectionTimer(); // Figure 2: granting a vote resets the election timer
    }
    // A granted pre-vote answers with the term asked for; anything else with ours (§9.6).
    this.send({
      type: pre ? 'PreVoteResponse' : 'RequestVoteResponse',
      from: this.id,
      to: m.from,
      term: pre && granted ? m.term : this.term,
      granted,
    });
    this.emitVote(m, granted, reason);
  }

  /** §5.1: a request with a stale term is refused with our term, so its sender catches up. */
  private answerStale(m: Message): void {
    switch (m.type) {
      case 'AppendEntries':
        // The old leader sees our newer term in the answer and steps down.
        this.emitAppendRejected(m, 'stale-term', 0, 0);
        this.send({
          type: 'AppendEntriesResponse',
          from: this.id,
          to: m.from,
          term: this.term,
          success: false,
          index: m.prevLogIndex,
          conflictTerm: 0,
          conflictIndex: 0,
        });
        break;
      case 'InstallSnapshot':
        // As for AppendEntries: the old leader learns our term from the answer.
        this.send({
          type: 'InstallSnapshotResponse',
          from: this.id,
          to: m.from,
          term: this.term,
          lastIncludedIndex: m.lastIncludedIndex,
          lastIncludedTerm: m.lastIncludedTerm,
          offset: 0,
        });
        break;
      case 'RequestVote':
      case 'PreVote':
        this.send({
          type: m.type === 'PreVote' ? 'PreVoteResponse' : 'RequestVoteResponse',
          from: this.id,
          to: m.from,
          term: this.term,
          granted: false,
        });
        this.emitVote(m, false, 'stale-term');
        break;
      case 'ReadIndex':
        // The follower asked a leader of an old term: refuse, so it asks again elsewhere.
        this.send({ type: 'ReadIndexResponse', from: this.id, to: m.from, term: this.term, readId: m.readId, ok: false, index: 0 });
        break;
      default:
        break; // stale answers are simply dropped
    }
  }

  // ---------------------------------------------------------------- replication: follower

  /** §5.3 AppendEntries receiver, from the leader of our current term. */
  private handleAppendEntries(m: AppendEntries): void {
    const out = acceptAppend(this.raftLog, m, this.accepted);
    if (out.kind === 'ignore') return;
    if (out.kind === 'reject') {
      this.emitAppendRejected(m, 'log-mismatch', out.conflictTerm, out.conflictIndex);
      this.sendAppendResponse(m, false, m.prevLogIndex, out.conflictTerm, out.conflictIndex);
      return;
    }
    if (out.truncated > 0) this.pushEvent({ kind: 'truncate', from: out.appendedFrom, count: out.truncated });
    if (out.appendedFrom !== 0) {
      this.pushEvent({ kind: 'append', from: out.appendedFrom, to: out.lastNew, leader: m.from });
      // Thesis §4.1: a configuration takes effect as soon as it is in the log — and one that
      // a conflict removed is undone with it.
      const from = out.appendedFrom - m.prevLogIndex - 1;
      let configs = out.truncated > 0;
      for (let i = from; !configs && i < m.entries.length; i++) configs = m.entries[i]!.type === 'config';
      if (configs) {
        this.configs.truncatedFrom(out.appendedFrom);
        this.configs.appended(m.entries.slice(from));
        this.adoptConfiguration();
      }
    }
    this.sendAppendResponse(m, true, out.lastNew, 0, 0);
  }

  /**
   * §7 InstallSnapshot receiver (Figure 13), from the leader of our current term: collects the
   * chunks; with the whole snapshot, installs it unless it is older than our commit index.
   */
  private handleInstallSnapshot(m: InstallSnapshot): void {
    const out = this.receiver.receive(m);
    if (out.kind === 'partial') {
      this.send({
        type: 'InstallSnapshotResponse',
        from: this.id,
        to: m.from,
        term: this.term,
        lastIncludedIndex: m.lastIncludedIndex,
        lastIncludedTerm: m.lastIncludedTerm,
        offset: out.offset,
      });
      return;
    }
    const snap = out.snapshot;
    const log = this.raftLog;
    const event = { kind: 'snapshot-received', leader: m.from, index: snap.index, term: snap.term } as const;
    if (snap.index <= log.commit) {
      // We already hold everything it covers, committed (a duplicate, or a slow transfer that
      // replication overtook): installing it would only throw away entries. Say how far our
      // log matches the leader's — everything committed does (§5.4 Leader Completeness).
      // A resent copy of the snapshot we installed is news to nobody.
      if (snap.index !== log.snapshotIndex) this.pushEvent({ ...event, installed: false, kept: 0 });
      this.sendAppendResponse(m, true, log.commit, 0, 0);
      return;
    }
    // §7: "If existing log entry has same index and term as snapshot's last included entry,
    // retain log entries following it and reply"; otherwise "discard the entire log".
    const keep = log.matchTerm(snap.index, snap.term);
    log.compactTo(snap.index, snap.term, keep);
    // §7: "reset state machine using snapshot contents": the host restores it from the Ready.
    log.commit = snap.index;
    log.applying = Math.max(log.applying, snap.index);
    // §7 (Figure 13): the snapshot's configuration, then any configuration entries kept after it.
    this.configs.reset({ voters: [...snap.voters], learners: [...snap.learners] }, snap.index, log.entries);
    this.adoptConfiguration();
    this.currentSnapshot = snap;
    this.unsavedSnapshot = snap;
    this.pushEvent({ ...event, installed: true, kept: log.entries.length });
    // Our log matches the leader's up to the snapshot; entries kept after it are checked by
    // the next AppendEntries as usual.
    this.sendAppendResponse(m, true, snap.index, 0, 0);
  }
  private sendAppendResponse(
    m: AppendEntries | InstallSnapshot,
    success: boolean,
    index: Index,
    conflictTerm: Term,
    conflictIndex: Index,
  ): void {
    const r: AppendEntriesResponse = {
      type: 'AppendEntriesResponse',
      from: this.id,
      to: m.from,
      term: this.term,
      success,
      index,
      conflictTerm,
      conflictIndex,
    };
    // Thesis §6.4: echo the leader's read round, so this answer confirms its reads.
    if (m.type === 'AppendEntries' && m.readRound !== undefined) r.readRound = m.readRound;
    this.send(r);
  }

  // ---------------------------------------------------------------- replication: leader

  private appendEntry(entry: Entry): void {
    this.raftLog.push(entry);
    const self = this.progressById.get(this.id)!;
    // Our own match moves when the entry is durable (advance), not now: the host may send it
    // to followers while it is still being written (thesis §10.2.1).
    self.next = entry.index + 1;
    this.needFlush = true;
  }

  private handleAppendSuccess(pr: Progress, index: Index): void {
    if (index > this.raftLog.lastIndex()) return; // cannot acknowledge what we never had
    if (pr.state === 'snapshot') {
      if (pr.maybeUpdate(index, this.now)) this.maybeCommit();
      // The follower holds the snapshot (or already had more): stream entries after it.
      if (pr.match >= pr.transfer!.snapshot.index) pr.becomeReplicate();
      this.needFlush = true;
      return;
    }
    const wasProbe = pr.state === 'probe';
    if (pr.maybeUpdate(index, this.now)) {
      if (wasProbe) pr.becomeReplicate();
      else pr.inflights.freeLE(index);
      this.maybeCommit();
      this.needFlush = true;
    } else if (wasProbe && index === pr.match && pr.probeSent) {
      // The probe found nothing missing: the follower is up to date, start streaming.
      pr.becomeReplicate();
      this.needFlush = true;
    }
    if (pr.id === this.transferee) this.maybeSendTimeoutNow(pr);
  }

  /** Thesis §3.10: once the transfer target holds our whole log, tell it to campaign now. */
  private maybeSendTimeoutNow(pr: Progress): void {
    if (this.timeoutNowSent || pr.match !== this.raftLog.lastIndex()) return;
    this.timeoutNowSent = true;
    this.send({ type: 'TimeoutNow', from: this.id, to: pr.id, term: this.term });
    this.pushEvent({ kind: 'transfer', to: pr.id, term: this.term, phase: 'timeout-now' });
  }

  /** A rejection: find the follower's next index with the fast back-up hint (§5.3). */
  private handleAppendReject(pr: Progress, m: AppendEntriesResponse): void {
    const rejected = m.index;
    // Stale: a rejection of something already known to match, or of an older probe, or of an
    // AppendEntries sent before the snapshot now on its way.
    if (rejected <= pr.match || pr.state === 'snapshot') return;
    if (pr.state === 'probe' && rejected !== pr.next - 1) return;
    // §5.3 optimisation: if we hold entries of the conflicting term, resume after our last
    // one of that term; otherwise skip the follower's whole term, or resume where its log ends.
    let next = m.conflictIndex;
    if (m.conflictTerm > 0) {
      const ours = this.raftLog.lastIndexOfTerm(m.conflictTerm, rejected);
      if (ours > 0) next = ours + 1;
    }
    // Always move back at least one index, and never before what is known to match.
    next = Math.max(pr.match + 1, Math.min(next, rejected));
    pr.becomeProbe(next);
    this.needFlush = true;
  }

  /**
   * §5.3 / §5.4.2 commit rule: N is committed when a majority has matchIndex >= N AND
   * log[N].term == currentTerm. Entries of earlier terms are committed only indirectly,
   * by a later entry of the current term (Figure 8).
   */
  private maybeCommit(): boolean {
    const log = this.raftLog;
    const scratch = this.matchScratch;
    const counting = this.countingProgress();
    const count = counting.length;
    for (let i = 0; i < count; i++) scratch[i] = counting[i]!.match;
    const n = quorumIndex(scratch, count, this.quorum);
    if (n <= log.commit) return false;
    if (!this.s.bugs.commitOldTermByCounting && log.term(n) !== this.term) return false;
    log.commit = n;
    // Thesis §6.4: reads that waited for this leader's first commit in its term get their index.
    if (this.reads.size > 0 && log.term(n) === this.term) this.reads.fillIndex(n);
    let k = 0;
    const ids = this.idScratch;
    for (let i = 0; i < count; i++) if (counting[i]!.match >= n) ids[k++] = counting[i]!.id;
    const quorum: NodeId[] = ids.slice(0, k);
    this.commitQuorum = quorum;
    this.pushEvent({ kind: 'commit', index: n, term: log.term(n), quorum, voters: this.voters.slice() });
    this.needFlush = true;
    // Thesis §4.2.2: a leader removed from the configuration steps down once that is committed.
    if (!this.voterSet.has(this.id) && this.configs.currentIndex() <= n) this.becomeFollower(this.term, null, 'removed');
    return true;
  }

  /**
   * Leader: the Progress of every node whose match counts toward a commit, in peer order —
   * thesis §4.2.1: the voters; a learner never counts (nor a leader being removed). Kept
   * between commits, dropped whenever the members or the configuration change.
   */
  private countingProgress(): Progress[] {
    let list = this.counting;
    if (list === null) {
      const learnersCount = this.s.bugs.countLearners;
      list = this.progress.filter((pr) => this.voterSet.has(pr.id) || (learnersCount && this.learners.includes(pr.id)));
      this.counting = list;
    }
    return list;
  }

  /**
   * Sends what is waiting to every follower: entries (batched, and pipelined while
   * replicating). Runs when the host asks for a Ready, so many proposals become one message
   * per follower. A new commit index alone sends nothing: §5.3, the leader "includes that
   * index in future AppendEntries RPCs (including heartbeats) so that the other servers
   * eventually find out" — the next entries or the next heartbeat carry it (Figure 2).
   */
  private flush(): void {
    this.needFlush = false;
    if (this.role !== 'leader') return;
    // Thesis §6.4: one heartbeat round confirms every read that is waiting for one.
    const round = this.reads.needsRound() ? this.reads.startRound() : 0;
    for (const pr of this.progress) {
      if (pr.id === this.id) continue;
      let sent = false;
      if (pr.state === 'replicate') while (this.maybeSendAppend(pr)) sent = true;
      else sent = this.maybeSendAppend(pr);
      if (!sent && round > 0) this.sendEmptyAppend(pr);
    }
    this.batch = null;
    if (round > 0) this.maybeConfirmReads();
  }

  /**
   * Sends the follower the entries from its next index, batched up to maxBatchEntries and
   * maxBatchBytes; nothing if it is paused (probe waiting for an answer, or a full pipeline)
   * or has everything. Returns whether a message went out.
   */
  private maybeSendAppend(pr: Progress): boolean {
    if (pr.isPaused()) return false;
    if (pr.state === 'snapshot') return this.sendSnapshotChunk(pr);
    const log = this.raftLog;
    const next = pr.next;
    // §7: the entry before `next` is compacted away, so its term cannot be checked: the
    // follower gets the snapshot instead.
    if (next - 1 < log.snapshotIndex) return this.startSnapshot(pr);
    if (next > log.lastIndex()) return false;
    const hi = log.batchEnd(next, this.s.maxBatchEntries, this.s.maxBatchBytes);
    // Followers at the same point (the common case: each new entry goes to all of them) get
    // one array between them; message arrays are read-only to their holders.
    let entries = this.batch;
    if (entries === null || this.batchFrom !== next || entries.length !== hi - next + 1) {
      entries = log.slice(next, hi);
      this.batch = entries;
      this.batchFrom = next;
    }
    this.sendAppendEntries(pr, next - 1, entries);
    pr.sentEntries(hi, this.now);
    return true;
  }

  /** One AppendEntries to `pr` after `prev`, with the full commit index (§5.3). */
  private sendAppendEntries(pr: Progress, prev: Index, entries: Entry[]): void {
    const log = this.raftLog;
    const m: AppendEntries = {
      type: 'AppendEntries',
      from: this.id,
      to: pr.id,
      term: this.term,
      prevLogIndex: prev,
      prevLogTerm: log.term(prev),
      entries,
      leaderCommit: log.commit,
    };
    if (this.reads.round > 0) m.readRound = this.reads.round;
    this.send(m);
  }

  /**
   * An AppendEntries without entries: a heartbeat (§5.2), which also brings the commit index.
   * While replicating it checks at the follower's match index, which always passes; while
   * probing it checks at next - 1 and so doubles as the probe. It carries the full commit
   * index: the follower takes min(leaderCommit, index of last new entry) (§5.3), and the last
   * new entry here is prevLogIndex, so it never marks committed an entry it does not share.
   */
  private sendEmptyAppend(pr: Progress): void {
    const prev = pr.state === 'replicate' ? pr.match : pr.next - 1;
    if (prev < this.raftLog.snapshotIndex) {
      // §7: the follower is behind our snapshot; an AppendEntries cannot reach it any more.
      this.startSnapshot(pr);
      return;
    }
    this.sendAppendEntries(pr, prev, NOTHING);
    if (pr.state === 'probe') pr.probeSent = true;
  }

  /** §7: the follower needs entries we compacted away: send it our snapshot, chunk by chunk. */
  private startSnapshot(pr: Progress): boolean {
    const snapshot = this.currentSnapshot;
    if (snapshot === null) return false; // unreachable: a compacted log always has a snapshot
    pr.becomeSnapshot(snapshot);
    pr.lastProgressTick = this.now;
    this.pushEvent({ kind: 'snapshot-send', to: pr.id, index: snapshot.index, term: snapshot.term, size: snapshot.data.length });
    return this.sendSnapshotChunk(pr);
  }

  /** Sends the chunk of the snapshot transfer that starts where the follower said it is. */
  private sendSnapshotChunk(pr: Progress): boolean {
    const t = pr.transfer!;
    const { snapshot } = t;
    const size = snapshot.data.length;
    const offset = Math.min(t.acked, size);
    const data = snapshot.data.slice(offset, offset + this.snapshotChunkChars);
    this.send({
      type: 'InstallSnapshot',
      from: this.id,
      to: pr.id,
      term: this.term,
      lastIncludedIndex: snapshot.index,
      lastIncludedTerm: snapshot.term,
      voters: snapshot.voters,
      learners: snapshot.learners,
      offset,
      size,
      data,
      done: offset + data.length === size,
    });
    pr.chunkSent = true;
    return true;
  }

  /** A follower says how much of the snapshot it holds: send the next chunk from there. */
  private handleSnapshotAck(pr: Progress, m: InstallSnapshotResponse): void {
    const t = pr.transfer;
    if (pr.state !== 'snapshot' || t === null) return;
    if (m.lastIncludedIndex !== t.snapshot.index || m.lastIncludedTerm !== t.snapshot.term) return; // an older transfer
    if (m.offset > t.snapshot.data.length) return;
    if (m.offset > t.acked) pr.lastProgressTick = this.now;
    // Possibly backwards: a follower that restarted lost its chunks and asks from 0 again.
    t.acked = m.offset;
    pr.chunkSent = false;
    this.needFlush = true;
  }

  /** §5.2 heartbeats; a follower that is behind gets entries instead of an empty message. */
  private bcastHeartbeat(): void {
    for (const pr of this.progress) {
      if (pr.id === this.id) continue;
      // A lost probe or snapshot chunk, or its lost answer, is retried once per heartbeat.
      if (pr.state === 'probe') pr.probeSent = false;
      if (pr.state === 'snapshot') pr.chunkSent = false;
      if (!this.maybeSendAppend(pr)) this.sendEmptyAppend(pr);
    }
    this.batch = null;
  }

  // ---------------------------------------------------------------- reads (thesis §6.4)

  /**
   * A read on the leader: its read index is the commit index now — but only once this leader
   * has committed an entry of its own term (until then its commit index may be behind what
   * earlier leaders committed); reads that come earlier wait for that.
   */
  private leaderRead(id: number, from: NodeId): void {
    const log = this.raftLog;
    this.reads.add(id, from, log.term(log.commit) === this.term ? log.commit : -1);
    this.needFlush = true;
  }

  private handleForwardedRead(m: ReadIndexRequest): void {
    if (this.role === 'leader') this.leaderRead(m.readId, m.from);
    else this.send({ type: 'ReadIndexResponse', from: this.id, to: m.from, term: this.term, readId: m.readId, ok: false, index: 0 });
  }

  /** Answers every read whose round a majority of voters (ourselves included) has answered. */
  private maybeConfirmReads(): void {
    const q = this.reads;
    if (q.round === q.confirmed) return;
    const scratch = this.matchScratch;
    let count = 0;
    for (const pr of this.progress) if (this.voterSet.has(pr.id)) scratch[count++] = pr.id === this.id ? q.round : pr.readAck;
    // The bug switch confirms every round as it starts, as if this leader alone were a majority.
    const confirmed = this.s.bugs.skipReadQuorum ? q.round : quorumIndex(scratch, count, this.quorum);
    for (const r of q.confirm(confirmed)) this.answerRead(r.id, r.from, true, r.index);
    if (q.needsRound()) this.needFlush = true;
  }

  private answerRead(id: number, from: NodeId, ok: boolean, index: Index): void {
    if (from === this.id) {
      if (ok) this.readStates.push({ id, index });
      else this.readsFailed.push(id);
      return;
    }
    const m: ReadIndexResponse = { type: 'ReadIndexResponse', from: this.id, to: from, term: this.term, readId: id, ok, index };
    this.send(m);
  }

  /**
   * Thesis §6.4 leaves lost messages to the client: a forwarded read unanswered for a minimum
   * election timeout (the leader confirms a read within a heartbeat round) had its request or
   * its answer lost. It fails, so the client asks again — a read may be asked any number of
   * times — and nothing waits on it for ever. Oldest first: the map keeps insertion order.
   */
  private expireForwardedReads(): void {
    for (const [id, at] of this.forwardedReads) {
      if (this.now - at < this.s.electionMin) break;
      this.forwardedReads.delete(id);
      this.readsFailed.push(id);
    }
  }

  /** Leaving a role: no read waiting here can be answered any more; say so, so they retry. */
  private failReads(): void {
    if (this.reads.size > 0) for (const r of this.reads.drain()) this.answerRead(r.id, r.from, false, 0);
    if (this.forwardedReads.size > 0) {
      for (const id of this.forwardedReads.keys()) this.readsFailed.push(id);
      this.forwardedReads = new Map();
    }
  }

  // ---------------------------------------------------------------- output

  private send(m: Message): void {
    this.msgs.push(m);
  }

  private pushEvent(e: RaftEvent): void {
    this.events.push(e);
  }

  private applyLimit(): Index {
    const log = this.raftLog;
    return this.s.bugs.applyBeforeCommit ? log.lastIndex() : log.commit;
  }

  private emitRole(
    reason: RoleReason,
    detail: { from?: NodeId; ticks?: number; votes?: NodeId[]; refused?: NodeId[]; preVote?: boolean } = {},
  ): void {
    this.pushEvent({ kind: 'role', role: this.role, term: this.term, reason, ...detail });
  }

  private emitAppendRejected(m: AppendEntries, reason: 'log-mismatch' | 'stale-term', conflictTerm: Term, conflictIndex: Index): void {
    this.pushEvent({
      kind: 'append-rejected',
      leader: m.from,
      reason,
      term: m.term,
      prevIndex: m.prevLogIndex,
      prevTerm: m.prevLogTerm,
      conflictTerm,
      conflictIndex,
      lastIndex: this.raftLog.lastIndex(),
    });
  }

  private emitVote(m: RequestVote | PreVote, granted: boolean, reason: VoteReason): void {
    const ev: Extract<RaftEvent, { kind: 'vote' }> = {
      kind: 'vote',
      candidate: m.from,
      term: m.term,
      preVote: m.type === 'PreVote',
      granted,
      reason,
    };
    if (reason === 'log-behind') {
      ev.candidateLast = { index: m.lastLogIndex, term: m.lastLogTerm };
      ev.ourLast = { index: this.raftLog.lastIndex(), term: this.raftLog.lastTerm() };
    } else if (reason === 'already-voted') {
      ev.votedFor = this.votedFor;
    }
    this.pushEvent(ev);
  }
}
