import { randomBytes } from 'node:crypto';
import type { Index, NodeId, Term } from '../raft/types.js';
import type { RequestOutcome } from './entry-waiters.js';
import { type FifoTimer, FifoTimers } from './fifo-timers.js';
import type { Scheduler } from './scheduler.js';
import type { SubmitResult } from './types.js';
import { UnansweredSeqs } from './unanswered-seqs.js';

/** What a proposal on one node came to (NodeHost.propose, seen from the client). */
export type ProposeOutcome<R> =
  | {
      ok: true;
      index: Index;
      term: Term;
      /** `index`: where the answer came from when it is not `index` above (a read's read index). */
      applied: Promise<{ applied: true; result: R; index?: Index } | { applied: false; reason: 'superseded' | 'crashed' }>;
    }
  | { ok: false; leader: NodeId | null; down?: boolean };

/** What a proposal on a node in this process came to at once (the outcome comes to a callback). */
export type ProposeNow = { ok: true; index: Index; term: Term } | { ok: false; leader: NodeId | null; down?: boolean };

/**
 * Proposes on a node in this process: `onOutcome` is called once, when the entry is applied
 * there or cannot be (NodeHost.proposeWith). Undefined: the node has no such way (another
 * process), use `propose`.
 */
export type ProposeWith<R> = (data: string, onOutcome: (outcome: RequestOutcome<R>) => void) => ProposeNow | undefined;

/** The cluster as a client sees it. */
export interface ClientCluster<R> {
  ids: NodeId[];
  isUp(id: NodeId): boolean;
  leader(): NodeId | undefined;
  /** Whether node `id` is up and still the leader of `term` (so an entry it took may yet commit). */
  isLeading(id: NodeId, term: Term): boolean;
  /** A node in another process answers asynchronously; one in this process at once. */
  propose(id: NodeId, data: string): ProposeOutcome<R> | Promise<ProposeOutcome<R>>;
  /** {@link propose} without a promise, for a node in this process (see {@link ProposeWith}). */
  proposeWith?(id: NodeId, data: string, onOutcome: (outcome: RequestOutcome<R>) => void): ProposeNow | undefined;
  /** Thesis §6.4: a read-only command answered without a log entry (index 0 until answered). */
  read(id: NodeId, command: string): ProposeOutcome<R> | Promise<ProposeOutcome<R>>;
  /**
   * How long the client waits on a proposal before it checks on it (ms). It proposes another
   * copy only if the leader or its term changed meanwhile, or after {@link staleProposalMs}.
   */
  attemptTimeoutMs: number;
  /** After this long (ms) with the same leader and term, a proposal counts as stuck: propose again. */
  staleProposalMs: number;
  /** How long to wait before asking again while there is no leader (ms). */
  retryDelayMs: number;
  /** Told what the client goes through on the way: a redirect, a retry, giving up. */
  report?: (r: ClientReport) => void;
}

/** What a client saw while submitting one command (the dashboard says it in words). */
export type ClientReport =
  | { what: 'redirect'; command: string; from: NodeId; to: NodeId }
  | { what: 'retry'; command: string; reason: string }
  | { what: 'timeout'; command: string; reason: string };

/** Turns a state-machine result into the fields of a successful SubmitResult. */
export type ResultMapper<R> = (result: R) => { value?: string | null; swapped?: boolean; error?: string };

/**
 * A client id for this run: 64 random bits (crypto), never derived from the seed. Sessions live
 * in the replicated state machine and outlive the process in a data folder; an id reused by a
 * new client would find its sequence numbers "already applied" (thesis §6.3).
 */
export function newClientId(): string {
  return `c${randomBytes(8).toString('hex')}`;
}

/** What waiting on a proposal's entry comes to. */
type AppliedOutcome<R> = Awaited<Extract<ProposeOutcome<R>, { ok: true }>['applied']>;

/** A failed SubmitResult. */
type Failure = Extract<SubmitResult, { ok: false }>;

/** What one attempt on one node does: propose the request (a write) or ask for a read index (a read). */
interface Attempt<R> {
  run: (id: NodeId) => ProposeOutcome<R> | Promise<ProposeOutcome<R>>;
  /** A write takes effect once it commits; a read never does (it is never indeterminate). */
  effects: boolean;
}

/** A write {@link ClusterClient.writeNow} proposed on a node in this process, until it is answered. */
interface PendingWrite<R> {
  cmd: string;
  seq: number;
  deadline: number;
  target: NodeId;
  /** When it was proposed. */
  since: number;
  index: Index;
  term: Term;
  timer: FifoTimer | undefined;
  /** The outcome, when it came before the timer was set (applied at once). */
  early: AppliedOutcome<R> | undefined;
  /** After a timeout: where the outcome goes, for the retry loop that waits on it. */
  late: ((outcome: AppliedOutcome<R>) => void) | undefined;
  resolve: (result: SubmitResult) => void;
  reject: (err: unknown) => void;
}

const NOOP = (): void => undefined;

/**
 * A real client of the cluster with a session (thesis §6.3): every request gets a sequence
 * number that stays the same across retries, so a request that was applied but whose answer was
 * lost is not applied twice; `ack` tells the state machine which answers it may forget.
 *
 * The client id must be unique per run (random, never from the seed): a log reopened from its
 * files remembers every session, and a new client with an old id would be answered from the
 * old client's table without its command being applied.
 *
 * Retries do not snowball: a copy proposed to a leader that still leads in the same term may
 * still commit, so the client keeps waiting for it instead of proposing another; it proposes
 * again when the leader or the term changed, the copy was lost, or it waited far too long.
 */
export class ClusterClient<R> {
  private nextSeq = 1;
  /** Seqs still waiting for their answer; every seq below the lowest of them was answered. */
  private outstanding = new UnansweredSeqs(1);
  private leaderGuess: NodeId | undefined;
  private roundRobin = 0;
  private readonly timers: FifoTimers;
  /** Set by close(): every wait ends at once and every request answers 'down'. */
  private closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    readonly clientId: string,
    private readonly cluster: ClientCluster<R>,
    private readonly scheduler: Scheduler,
    private readonly encode: (envelope: { client: string; seq: number; ack: number; cmd: string }) => string,
    private readonly mapResult: ResultMapper<R>,
  ) {
    this.timers = new FifoTimers(scheduler);
  }

  /** The cluster stopped: requests still waiting answer 'down' now instead of never. */
  close(): void {
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
    this.timers.fireAll();
  }

  submit(cmd: string, options: { to?: NodeId; timeoutMs?: number } = {}): Promise<SubmitResult> {
    if (this.closed) return Promise.resolve(stopped(false));
    const seq = this.nextSeq++;
    this.outstanding.add(seq);
    const deadline = this.scheduler.now() + (options.timeoutMs ?? 5000);
    if (options.to === undefined) {
      const now = this.writeNow(cmd, seq, deadline);
      if (now !== undefined) return now;
    }
    const attempt = this.writeAttempt(cmd, seq);
    const done = (result: SubmitResult): SubmitResult => {
      this.outstanding.delete(seq);
      return result;
    };
    const failed = (err: unknown): never => {
      this.outstanding.delete(seq);
      throw err;
    };
    let answer: Promise<SubmitResult>;
    try {
      answer =
        options.to !== undefined
          ? this.submitTo(options.to, attempt, deadline)
          : (this.writeToLeader(cmd, attempt, deadline) ?? this.submitAnywhere(cmd, attempt, deadline));
    } catch (err) {
      this.outstanding.delete(seq);
      return Promise.reject(err);
    }
    return answer.then(done, failed);
  }

  /**
   * A write's commonest case, on a node in this process that was last seen leading: the
   * proposal's outcome comes to a callback, with one timer and one promise for the answer — a
   * virtual-time loop submits thousands of times a wall second. The same steps as
   * {@link writeToLeader}, which does it with promises for a node in another process: its
   * answer, in time, is the result; anything else goes on in {@link submitAnywhere} with this
   * copy as the one it waits for. Undefined when there is no such node.
   */
  private writeNow(cmd: string, seq: number, deadline: number): Promise<SubmitResult> | undefined {
    const target = this.leaderGuess;
    const since = this.scheduler.now();
    if (this.cluster.proposeWith === undefined || target === undefined || !this.cluster.isUp(target) || !(deadline - since > 0))
      return undefined;
    // One object holds the write's state; its two callbacks are the only closures in the common case.
    const w: PendingWrite<R> = {
      cmd,
      seq,
      deadline,
      target,
      since,
      index: 0,
      term: 0,
      timer: undefined,
      early: undefined,
      late: undefined,
      resolve: NOOP,
      reject: NOOP,
    };
    const answer = new Promise<SubmitResult>((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
    const r = this.cluster.proposeWith(target, this.envelope(cmd, seq), (outcome) => {
      if (w.late !== undefined) return w.late(outcome);
      if (w.timer === undefined) {
        w.early = outcome;
        return;
      }
      this.timers.cancel(w.timer);
      this.writeSettled(w, outcome);
    });
    if (r === undefined) return undefined; // nothing proposed: the node is in another process
    if (!r.ok) {
      this.writeGoesOn(w, { target, answer: r });
      return answer;
    }
    w.index = r.index;
    w.term = r.term;
    if (w.early !== undefined) {
      this.writeSettled(w, w.early);
      return answer;
    }
    w.timer = this.timers.add(Math.min(this.cluster.attemptTimeoutMs, deadline - since), () => this.writeTimedOut(w));
    return answer;
  }

  private writeDone(w: PendingWrite<R>, result: SubmitResult): void {
    this.outstanding.delete(w.seq);
    w.resolve(result);
  }

  /** The outcome of {@link writeNow}'s proposal came in time. */
  private writeSettled(w: PendingWrite<R>, outcome: AppliedOutcome<R>): void {
    if (this.closed) return this.writeDone(w, stopped(true));
    if (outcome.applied) return this.writeDone(w, this.success(w.index, w.term, outcome.result));
    // Lost (superseded, crashed): the loop decides what next, once this Ready is handled.
    const applied = Promise.resolve(outcome);
    void applied.then(() =>
      this.writeGoesOn(w, { target: w.target, answer: { ok: true, index: w.index, term: w.term, applied }, since: w.since, outcome }),
    );
  }

  /** Request `seq` as entry data: the command in this client's envelope, with what it acknowledges now. */
  private envelope(cmd: string, seq: number): string {
    return this.encode({ client: this.clientId, seq, ack: this.ack(), cmd });
  }

  /** Proposing write `seq` on a node: every attempt proposes the same request (thesis §6.3). */
  private writeAttempt(cmd: string, seq: number): Attempt<R> {
    return { run: (id) => this.cluster.propose(id, this.envelope(cmd, seq)), effects: true };
  }

  /** {@link writeNow}'s proposal has no outcome yet after an attempt's timeout. */
  private writeTimedOut(w: PendingWrite<R>): void {
    if (this.closed) {
      w.late = NOOP; // answered: an outcome that still comes changes nothing
      return this.writeDone(w, stopped(true));
    }
    const applied = new Promise<AppliedOutcome<R>>((resolveLater) => {
      w.late = resolveLater;
    });
    this.writeGoesOn(w, {
      target: w.target,
      answer: { ok: true, index: w.index, term: w.term, applied },
      since: w.since,
      outcome: 'timeout',
    });
  }

  /** Anything but a timely outcome: the retry loop takes the write up where it is. */
  private writeGoesOn(w: PendingWrite<R>, first: NonNullable<Parameters<ClusterClient<R>['submitAnywhere']>[3]>): void {
    const { cmd, seq } = w;
    this.submitAnywhere(cmd, this.writeAttempt(cmd, seq), w.deadline, first).then(
      (result) => this.writeDone(w, result),
      (err: unknown) => {
        this.outstanding.delete(seq);
        w.reject(err);
      },
    );
  }

  /**
   * A write's common case, without the retry loop's machinery (each submit's async frames,
   * closures and promises are garbage to collect): the node last seen leading took the entry
   * at once. Its answer, in time, is the result; anything else (a refusal, a late or lost
   * entry) goes on in {@link submitAnywhere} with that copy as the one it waits for, exactly
   * where the loop would be after proposing it. Undefined when there is no such leader.
   */
  private writeToLeader(cmd: string, attempt: Attempt<R>, deadline: number): Promise<SubmitResult> | undefined {
    const target = this.leaderGuess;
    if (target === undefined || !this.cluster.isUp(target) || !(deadline - this.scheduler.now() > 0)) return undefined;
    const answer = attempt.run(target);
    if (answer instanceof Promise) return answer.then((r) => this.submitAnywhere(cmd, attempt, deadline, { target, answer: r }));
    if (!answer.ok) return this.submitAnywhere(cmd, attempt, deadline, { target, answer });
    const since = this.scheduler.now();
    const wait = Math.min(this.cluster.attemptTimeoutMs, deadline - since);
    return this.within(answer.applied, wait).then((outcome) => {
      if (this.closed) return stopped(true);
      if (outcome !== 'timeout' && outcome.applied) return this.success(outcome.index ?? answer.index, answer.term, outcome.result);
      return this.submitAnywhere(cmd, attempt, deadline, { target, answer, since, outcome });
    });
  }

  /**
   * Thesis §6.4: a read-only command served by ReadIndex — no log entry and no session (a
   * read changes nothing, so asking again is harmless). Finds the leader like submit(); with
   * `to`, that node answers (a follower asks the leader for the read index).
   */
  read(cmd: string, options: { to?: NodeId; timeoutMs?: number } = {}): Promise<SubmitResult> {
    if (this.closed) return Promise.resolve(stopped(false));
    const deadline = this.scheduler.now() + (options.timeoutMs ?? 5000);
    if (options.to !== undefined) return this.submitTo(options.to, this.readAttempt(cmd), deadline);
    const target = this.leaderGuess;
    if (target === undefined || !this.cluster.isUp(target)) return this.submitAnywhere(cmd, this.readAttempt(cmd), deadline);
    const answer = this.cluster.read(target, cmd);
    return answer instanceof Promise ? answer.then((r) => this.readAnswer(r, cmd, deadline)) : this.readAnswer(answer, cmd, deadline);
  }

  private readAttempt(cmd: string): Attempt<R> {
    return { run: (id) => this.cluster.read(id, cmd), effects: false };
  }

  /**
   * A read's common case, without the retry loop's machinery (thousands of reads wait at once
   * under load, and each one's loop state is garbage to collect): the node last seen leading
   * took the read; its answer, in time, is the result. Anything else — a refusal, a read that
   * failed or is late — goes the general way, which asks again: harmless for a read.
   */
  private readAnswer(r: ProposeOutcome<R>, cmd: string, deadline: number): Promise<SubmitResult> {
    if (!r.ok) return this.submitAnywhere(cmd, this.readAttempt(cmd), deadline);
    const wait = Math.min(this.cluster.attemptTimeoutMs, deadline - this.scheduler.now());
    return this.within(r.applied, wait).then((outcome) =>
      outcome !== 'timeout' && outcome.applied && !this.closed
        ? this.success(outcome.index ?? r.index, r.term, outcome.result)
        : this.submitAnywhere(cmd, this.readAttempt(cmd), deadline),
    );
  }

  /** Every sequence number below this one has been answered. */
  private ack(): number {
    return this.outstanding.lowest(this.nextSeq);
  }

  private async submitTo(id: NodeId, attempt: Attempt<R>, deadline: number): Promise<SubmitResult> {
    // Nothing proposed yet: every early answer below certainly did not take effect.
    if (!this.cluster.isUp(id)) return fail('down', `node ${id} is down`, false);
    const answer = attempt.run(id);
    const r = answer instanceof Promise ? await answer : answer;
    if (!r.ok) {
      if (r.down) return fail('down', `node ${id} is down`, false);
      return r.leader !== null
        ? { ...fail('not_leader', `node ${id} is not the leader (the leader is ${r.leader})`, false), leader: r.leader }
        : fail('no_leader', `node ${id} is not the leader and knows of none`, false);
    }
    const outcome = await this.within(r.applied, deadline - this.scheduler.now());
    if (this.closed) return stopped(attempt.effects);
    if (outcome === 'timeout') return fail('timeout', `no commit within the timeout (index ${r.index} may still commit)`, attempt.effects);
    if (!outcome.applied) {
      // Superseded: another entry was applied at its index, so it never will be (§5.3, §5.4).
      // Crashed: it may have reached a majority before the node went down.
      return outcome.reason === 'crashed'
        ? fail('down', `node ${id} crashed with the entry at index ${r.index} not yet applied there`, attempt.effects)
        : fail('not_leader', `node ${id} lost its entry at index ${r.index}: a new leader replaced it`, false);
    }
    return this.success(outcome.index ?? r.index, r.term, outcome.result);
  }

  /**
   * The general way: finds the leader, proposes, waits, retries until the deadline. `first`:
   * an attempt already made on `target` (its answer, and when it was proposed and what waiting
   * on it came to, if it got that far) — the loop takes it up where it would have been.
   */
  private async submitAnywhere(
    cmd: string,
    attempt: Attempt<R>,
    deadline: number,
    first?: { target: NodeId; answer: ProposeOutcome<R>; since?: number; outcome?: AppliedOutcome<R> | 'timeout' },
  ): Promise<SubmitResult> {
    let lastProblem = 'no leader was found';
    let reported = '';
    const retry = (reason: string): void => {
      // Once per new reason: waiting out an election is one line, not one per attempt.
      if (reason !== reported) this.cluster.report?.({ what: 'retry', command: cmd, reason });
      reported = reason;
    };
    let lastError: Failure['error'] = 'no_leader';
    let redirects = 0;
    /** Copies proposed that may still commit (not known to be replaced). */
    let liveCopies = 0;
    /** The copy being waited for, while its leader still leads in its term. */
    let pending:
      | { target: NodeId; term: Term; index: Index; since: number; applied: Extract<ProposeOutcome<R>, { ok: true }>['applied'] }
      | undefined;
    const left = (): number => deadline - this.scheduler.now();
    const indeterminate = (): boolean => attempt.effects && liveCopies > 0;
    /** The outcome of waiting on the first attempt, already known. */
    let known = first?.outcome;
    const firstSince = first?.since;
    while (first !== undefined || known !== undefined || left() > 0) {
      if (this.closed) return stopped(indeterminate());
      if (pending === undefined) {
        const target = first !== undefined ? first.target : this.pickTarget();
        if (target === undefined) {
          lastProblem = 'every node is down';
          lastError = liveCopies > 0 ? 'timeout' : 'down';
          retry(lastProblem);
          await this.sleep(Math.min(this.cluster.retryDelayMs, left()));
          continue;
        }
        let r: ProposeOutcome<R>;
        if (first !== undefined) {
          r = first.answer;
          first = undefined;
        } else {
          const answer = attempt.run(target);
          r = answer instanceof Promise ? await answer : answer;
        }
        if (!r.ok) {
          this.leaderGuess = r.leader !== null && r.leader !== target && redirects < this.cluster.ids.length ? r.leader : undefined;
          if (this.leaderGuess !== undefined) {
            redirects++; // follow the redirect at once (bounded, in case hints go round)
            this.cluster.report?.({ what: 'redirect', command: cmd, from: target, to: this.leaderGuess });
            continue;
          }
          redirects = 0;
          lastProblem = 'no leader right now (an election may be under way)';
          lastError = 'no_leader';
          retry(lastProblem);
          await this.sleep(Math.min(this.cluster.retryDelayMs, left()));
          continue;
        }
        redirects = 0;
        liveCopies++;
        pending = { target, term: r.term, index: r.index, since: firstSince ?? this.scheduler.now(), applied: r.applied };
      }
      let outcome: AppliedOutcome<R> | 'timeout';
      if (known !== undefined) {
        outcome = known;
        known = undefined;
      } else {
        outcome = await this.within(pending.applied, Math.min(this.cluster.attemptTimeoutMs, left()));
        if (this.closed) return stopped(indeterminate());
      }
      const { target } = pending;
      if (outcome !== 'timeout' && outcome.applied) {
        this.leaderGuess = target;
        return this.success(outcome.index ?? pending.index, pending.term, outcome.result);
      }
      if (outcome === 'timeout') {
        // Still the leader of the same term, and no newer leader anywhere: the copy is in its log
        // and may commit any moment; another copy would only queue behind it. Keep waiting,
        // unless it has been far too long. (A deposed leader that has not heard of its successor
        // still leads its old term: the newer leader elsewhere is what tells.)
        const stuck = this.scheduler.now() - pending.since >= this.cluster.staleProposalMs;
        lastError = 'timeout';
        if (!stuck && this.cluster.leader() === target && this.cluster.isLeading(target, pending.term)) {
          lastProblem = `leader ${target} has not committed it yet (index ${pending.index}, term ${pending.term})`;
          continue;
        }
        lastProblem = stuck ? `node ${target} could not commit in time` : `node ${target} stopped leading term ${pending.term}`;
      } else {
        if (outcome.reason === 'superseded') liveCopies--;
        lastProblem = `node ${target} lost the entry (${outcome.reason})`;
        lastError = outcome.reason === 'crashed' ? 'down' : 'timeout';
      }
      // Leader or term changed, the copy was lost, or it is stuck: propose again with the same
      // seq (§6.3), so whichever copy commits first is applied and the rest are answered from the session.
      pending = undefined;
      this.leaderGuess = undefined;
      retry(lastProblem);
    }
    this.cluster.report?.({ what: 'timeout', command: cmd, reason: lastProblem });
    return fail(lastError, `timed out: ${lastProblem}`, indeterminate());
  }

  private success(index: Index, term: Term, result: R): SubmitResult {
    const mapped = this.mapResult(result);
    // The state machine refused it when applying it: it took effect as a refusal, nothing more.
    if (mapped.error) return fail('invalid', mapped.error, false);
    const out: SubmitResult = { ok: true, index, term };
    if (mapped.value !== undefined) out.value = mapped.value;
    if (mapped.swapped !== undefined) out.swapped = mapped.swapped;
    return out;
  }

  private pickTarget(): NodeId | undefined {
    if (this.leaderGuess !== undefined && this.cluster.isUp(this.leaderGuess)) return this.leaderGuess;
    const leader = this.cluster.leader();
    if (leader !== undefined) return leader;
    const ids = this.cluster.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[(this.roundRobin++ + i) % ids.length]!;
      if (this.cluster.isUp(id)) return id;
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.wakers.delete(wake);
        this.scheduler.clearTimer(timer);
        resolve();
      };
      const timer = this.scheduler.setTimer(Math.max(0, ms), wake);
      this.wakers.add(wake);
    });
  }

  /** `p`'s value, or 'timeout' after `ms` (or at once when the client closes). */
  private within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
    return new Promise((resolve) => {
      // Thousands wait at once under load: one timer and one callback each, nothing more.
      const timer = this.timers.add(ms, () => resolve('timeout'));
      void p.then((v) => {
        this.timers.cancel(timer);
        resolve(v);
      });
    });
  }
}

function fail(error: Failure['error'], message: string, indeterminate: boolean): Failure {
  return { ok: false, error, message, indeterminate };
}

/** The cluster stopped: a request already proposed may have committed before it did. */
function stopped(proposed: boolean): Failure {
  return fail('down', 'the cluster stopped before an answer came', proposed);
}
