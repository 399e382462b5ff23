import type { Index, NodeId, Term } from '../raft/types.js';
import { FifoTimers } from './fifo-timers.js';
import type { Scheduler } from './scheduler.js';
import type { SubmitResult } from './types.js';

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

/** The cluster as a client sees it. */
export interface ClientCluster<R> {
  ids: NodeId[];
  isUp(id: NodeId): boolean;
  leader(): NodeId | undefined;
  propose(id: NodeId, data: string): ProposeOutcome<R>;
  /** Thesis §6.4: a read-only command answered without a log entry (index 0 until answered). */
  read(id: NodeId, command: string): ProposeOutcome<R>;
  /** How long one attempt may wait for its entry before the client tries again (ms). */
  attemptTimeoutMs: number;
  /** How long to wait before asking again while there is no leader (ms). */
  retryDelayMs: number;
}

/** Turns a state-machine result into the fields of a successful SubmitResult. */
export type ResultMapper<R> = (result: R) => { value?: string | null; swapped?: boolean; error?: string };

/**
 * A real client of the cluster with a session (thesis §6.3): every request gets a sequence
 * number that stays the same across retries, so a request that was applied but whose answer was
 * lost is not applied twice; `ack` tells the state machine which answers it may forget.
 */
export class ClusterClient<R> {
  private nextSeq = 1;
  private outstanding = new Set<number>();
  /** Invariant: every seq below ackFloor has been answered. Advanced lazily: O(1) amortized. */
  private ackFloor = 1;
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
  }

  async submit(cmd: string, options: { to?: NodeId; timeoutMs?: number } = {}): Promise<SubmitResult> {
    if (this.closed) return STOPPED;
    const seq = this.nextSeq++;
    this.outstanding.add(seq);
    try {
      const deadline = this.scheduler.now() + (options.timeoutMs ?? 5000);
      const data = () => this.encode({ client: this.clientId, seq, ack: this.ack(), cmd });
      const attempt = (id: NodeId) => this.cluster.propose(id, data());
      if (options.to !== undefined) return await this.submitTo(options.to, attempt, deadline);
      return await this.submitAnywhere(attempt, deadline);
    } finally {
      this.outstanding.delete(seq);
    }
  }

  /**
   * Thesis §6.4: a read-only command served by ReadIndex — no log entry and no session (a
   * read changes nothing, so asking again is harmless). Finds the leader like submit(); with
   * `to`, that node answers (a follower asks the leader for the read index).
   */
  async read(cmd: string, options: { to?: NodeId; timeoutMs?: number } = {}): Promise<SubmitResult> {
    if (this.closed) return STOPPED;
    const deadline = this.scheduler.now() + (options.timeoutMs ?? 5000);
    const attempt = (id: NodeId) => this.cluster.read(id, cmd);
    if (options.to !== undefined) return this.submitTo(options.to, attempt, deadline);
    return this.submitAnywhere(attempt, deadline);
  }

  /** Every sequence number below this one has been answered. */
  private ack(): number {
    while (this.ackFloor < this.nextSeq && !this.outstanding.has(this.ackFloor)) this.ackFloor++;
    return this.ackFloor;
  }

  private async submitTo(id: NodeId, attempt: (id: NodeId) => ProposeOutcome<R>, deadline: number): Promise<SubmitResult> {
    if (!this.cluster.isUp(id)) return { ok: false, error: 'down', message: `node ${id} is down` };
    const r = attempt(id);
    if (!r.ok) {
      if (r.down) return { ok: false, error: 'down', message: `node ${id} is down` };
      return r.leader !== null
        ? { ok: false, error: 'not_leader', message: `node ${id} is not the leader (the leader is ${r.leader})`, leader: r.leader }
        : { ok: false, error: 'no_leader', message: `node ${id} is not the leader and knows of none` };
    }
    const outcome = await this.within(r.applied, deadline - this.scheduler.now());
    if (this.closed) return STOPPED;
    if (outcome === 'timeout')
      return { ok: false, error: 'timeout', message: `no commit within the timeout (index ${r.index} may still commit)` };
    if (!outcome.applied)
      return {
        ok: false,
        error: outcome.reason === 'crashed' ? 'down' : 'not_leader',
        message: `node ${id} lost its entry at index ${r.index} (${outcome.reason})`,
      };
    return this.success(outcome.index ?? r.index, r.term, outcome.result);
  }

  private async submitAnywhere(attempt: (id: NodeId) => ProposeOutcome<R>, deadline: number): Promise<SubmitResult> {
    let lastProblem = 'no leader was found';
    let redirects = 0;
    while (this.scheduler.now() < deadline) {
      if (this.closed) return STOPPED;
      const target = this.pickTarget();
      if (target === undefined) {
        lastProblem = 'every node is down';
        await this.sleep(Math.min(this.cluster.retryDelayMs, deadline - this.scheduler.now()));
        continue;
      }
      const r = attempt(target);
      if (!r.ok) {
        this.leaderGuess = r.leader !== null && r.leader !== target && redirects < this.cluster.ids.length ? r.leader : undefined;
        if (this.leaderGuess !== undefined) {
          redirects++; // follow the redirect at once (bounded, in case hints go round)
          continue;
        }
        redirects = 0;
        lastProblem = 'no leader right now (an election may be under way)';
        await this.sleep(Math.min(this.cluster.retryDelayMs, deadline - this.scheduler.now()));
        continue;
      }
      redirects = 0;
      const wait = Math.min(this.cluster.attemptTimeoutMs, deadline - this.scheduler.now());
      const outcome = await this.within(r.applied, wait);
      if (this.closed) return STOPPED;
      if (outcome !== 'timeout' && outcome.applied) {
        this.leaderGuess = target;
        return this.success(outcome.index ?? r.index, r.term, outcome.result);
      }
      // Lost leadership, crashed, or no majority in time: retry with the same seq (§6.3).
      this.leaderGuess = undefined;
      lastProblem = outcome === 'timeout' ? `node ${target} could not commit in time` : `node ${target} lost the entry (${outcome.reason})`;
    }
    return { ok: false, error: lastProblem.startsWith('no leader') ? 'no_leader' : 'timeout', message: `timed out: ${lastProblem}` };
  }

  private success(index: Index, term: Term, result: R): SubmitResult {
    const mapped = this.mapResult(result);
    if (mapped.error) return { ok: false, error: 'invalid', message: mapped.error };
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

  private within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.wakers.delete(wake);
        this.timers.cancel(timer);
        resolve('timeout');
      };
      const timer = this.timers.add(ms, wake);
      this.wakers.add(wake);
      void p.then((v) => {
        this.wakers.delete(wake);
        this.timers.cancel(timer);
        resolve(v);
      });
    });
  }
}

const STOPPED: SubmitResult = { ok: false, error: 'down', message: 'the cluster stopped before an answer came' };
