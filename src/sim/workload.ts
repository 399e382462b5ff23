/**
 * The check's clients in the simulator: each runs one key-value operation at a time through the
 * log, with a session (thesis §6.3), and records what it saw for the linearizability checker.
 */
import type { HistoryRecorder } from '../check/linearizability-recorder.js';
import { encodeEnvelope } from '../kv/envelope.js';
import { formatKvOp } from '../kv/parse.js';
import type { KvOp, KvResult } from '../kv/types.js';
import type { Rng } from '../raft/rng.js';
import type { Entry, Index, NodeId, Term } from '../raft/types.js';
import type { Simulator } from './simulator.js';
import type { SimStateMachine } from './types.js';
import { describeResult, OpGenerator, outputOf } from './workload-ops.js';
import { SharedAnswers } from './workload-answers.js';
import { KvSimStateMachine } from './workload-state-machine.js';

export interface WorkloadOptions {
  /** Concurrent clients; default 5. */
  clients?: number;
  /**
   * Further clients (r1, r2, …) that only GET, by ReadIndex unless `reads` is 'log', and stay
   * with the node that answers them, as a real client keeps its connection until a request
   * times out: when that node is a leader cut off in a minority, they keep asking it while the
   * majority's new leader commits writes (the window a broken read path shows in). Default 0.
   */
  readers?: number;
  /** Keys k0 … k(keys-1); default 3. */
  keys?: number;
  /** Pause between one client's operations, uniform in [min, max] ms; default [0, 100]. */
  thinkMs?: [number, number];
  /** An operation without an answer by then is given up: indeterminate. Default 5000 ms. */
  opTimeoutMs?: number;
  /** How long one attempt waits for its entry before the client asks again; default 1000 ms. */
  attemptTimeoutMs?: number;
  /** How long to wait before asking again when no node accepts; default 50 ms. */
  retryDelayMs?: number;
  /**
   * Broken on purpose: a node that believes it leads answers GET from its own state machine at
   * once, without going through the log or confirming it still leads (thesis §6.4 says why it
   * must), so a deposed leader can serve stale reads. Never set outside tests and `--bug`.
   */
  localReads?: boolean;
  /**
   * How GETs are served (thesis §6.4): 'mixed' (default) sends every other GET by ReadIndex —
   * no log entry, the leader confirms with a heartbeat round — and the rest through the log;
   * 'log' sends all through the log.
   */
  reads?: 'mixed' | 'log';
}

/** Client operations and what became of them. */
export interface WorkloadStats {
  /** Operations started. */
  invoked: number;
  /** Answered. */
  ok: number;
  /** Definitely not done: no node ever accepted it, or the state machine refused it. */
  failed: number;
  /** Given up without an answer after being accepted somewhere: it may or may not have happened. */
  indeterminate: number;
  /** Proposals accepted by a node that believed it led (first tries and retries). */
  attempts: number;
  /** Attempts beyond the first, with the same client id and sequence number. */
  retries: number;
}

/** One client's operation in progress. */
interface ActiveOp {
  readonly historyId: number;
  readonly client: ClientState;
  readonly op: KvOp;
  /** The log entry's data: the command in the client's session envelope. */
  readonly data: string;
  readonly deadline: number;
  /** The latest attempt's number; 0 before any node accepted it. */
  attempt: number;
  done: boolean;
}

/** An accepted proposal: the op is answered when this node applies this entry (index and term). */
interface Attempt {
  readonly op: ActiveOp;
  readonly no: number;
  readonly term: Term;
}

interface ClientState {
  readonly name: string;
  /** Only GETs (see WorkloadOptions.readers). */
  readonly reader: boolean;
  /** The last sequence number used; a retry reuses it. */
  seq: number;
  leaderGuess: NodeId | undefined;
  roundRobin: number;
  active: ActiveOp | null;
}

/**
 * Runs the clients. Each operation goes, wrapped in the client's envelope (client id, sequence
 * number), to the node the client believes leads; the client then waits until THAT node applies
 * an entry at the returned index: with the same term and data it is the answer, otherwise the
 * entry was lost and the client tries again. A crash of that node, or no answer within the
 * attempt timeout, also sends it again, always with the same sequence number, so the state
 * machine applies it at most once (thesis §6.3). A GET goes through the log too, or by ReadIndex
 * (thesis §6.4): either way it is linearizable. Client actions never run inside a node's Ready
 * loop: they are scheduled.
 */
export class SimWorkload {
  readonly stats: WorkloadStats = { invoked: 0, ok: 0, failed: 0, indeterminate: 0, attempts: 0, retries: 0 };
  private sim: Simulator | undefined;
  private readonly clients: ClientState[] = [];
  /** Per node: the attempts waiting on an index of its log. */
  private readonly waiting = new Map<NodeId, Map<Index, Attempt>>();
  private readonly ops: OpGenerator;
  private readonly thinkMs: [number, number];
  private readonly opTimeoutMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly localReads: boolean;
  private readonly readIndexReads: boolean;
  private untilMs = 0;
  private readonly answers = new SharedAnswers();
  private readonly onApply = (node: NodeId, entry: Entry, answer: () => KvResult): void => this.applied(node, entry, answer);

  constructor(
    private readonly rng: Rng,
    private readonly history: HistoryRecorder,
    options: WorkloadOptions = {},
    private readonly note?: (at: number, text: string) => void,
  ) {
    const clients = options.clients ?? 5;
    for (let i = 1; i <= clients; i++)
      this.clients.push({ name: `c${i}`, reader: false, seq: 0, leaderGuess: undefined, roundRobin: i, active: null });
    const readers = options.readers ?? 0;
    for (let i = 1; i <= readers; i++)
      this.clients.push({ name: `r${i}`, reader: true, seq: 0, leaderGuess: undefined, roundRobin: clients + i, active: null });
    this.ops = new OpGenerator(rng, options.keys ?? 3);
    this.thinkMs = options.thinkMs ?? [0, 100];
    this.opTimeoutMs = options.opTimeoutMs ?? 5000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.localReads = options.localReads ?? false;
    this.readIndexReads = (options.reads ?? 'mixed') === 'mixed';
  }

  /** The state machine for one node incarnation: pass as the simulator's `stateMachine` option. */
  readonly stateMachine = (node: NodeId): SimStateMachine => new KvSimStateMachine(node, this.onApply, this.answers);

  /**
   * Binds the simulator the clients talk to (made after this workload, which it needs). The
   * clients ask the nodes in its `ids`, as they are at each request: a node added joins the
   * rotation, a node retired leaves it (a removed node still running may still be asked, and
   * redirects or fails like any follower).
   */
  attach(sim: Simulator): void {
    this.sim = sim;
  }

  /** Starts every client; none starts an operation at or after `untilMs`. */
  start(untilMs: number): void {
    this.untilMs = untilMs;
    for (const c of this.clients) this.after(this.think(), () => this.begin(c));
  }

  /** Operations started and not yet answered or given up. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.clients) if (c.active) n++;
    return n;
  }

  /** A node crashed (or was retired): the answers its clients waited for will not come from it. */
  nodeCrashed(id: NodeId): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    for (const a of waiting.values()) {
      if (!a.op.done && a.no === a.op.attempt) this.after(0, () => this.retry(a.op, a.no));
    }
    waiting.clear();
    for (const c of this.clients) if (c.leaderGuess === id) c.leaderGuess = undefined;
  }

  /** Gives up every operation still waiting (indeterminate if any node accepted it). */
  finish(): void {
    for (const c of this.clients) if (c.active) this.giveUp(c.active);
  }

  private begin(client: ClientState): void {
    const sim = this.sim!;
    if (sim.now >= this.untilMs) return;
    const op = client.reader ? this.ops.nextGet() : this.ops.next();
    client.seq++;
    this.stats.invoked++;
    const cmd = formatKvOp(op);
    // One operation at a time: every earlier one is answered or given up (ack = seq).
    const data = encodeEnvelope({ client: client.name, seq: client.seq, ack: client.seq, cmd });
    const historyId = this.history.invoke(client.name, op);
    const active: ActiveOp = { historyId, client, op, data, deadline: sim.now + this.opTimeoutMs, attempt: 0, done: false };
    client.active = active;
    this.note?.(sim.now, `${client.name} calls #${historyId} ${cmd} (seq ${client.seq})`);
    this.after(this.opTimeoutMs, () => {
      if (!active.done) this.giveUp(active);
    });
    this.propose(active, 0);
  }

  /** Asks the node the client believes leads; follows a redirect at once, else waits a little. */
  private propose(op: ActiveOp, redirects: number): void {
    if (op.done) return;
    const sim = this.sim!;
    if (sim.now >= op.deadline) {
      this.giveUp(op);
      return;
    }
    const client = op.client;
    const ids = sim.ids;
    const target = client.leaderGuess ?? ids[client.roundRobin++ % ids.length]!;
    if (this.localReads && op.op.type === 'get' && sim.roleOf(target) === 'leader') {
      const sm = sim.stateMachine(target) as KvSimStateMachine;
      this.complete(op, target, 0, { value: sm.read(op.op.key) });
      return;
    }
    // A reader asks for leader reads: a node that does not lead names the one it follows.
    if (client.reader && sim.roleOf(target) !== 'leader') {
      this.redirect(op, target, sim.status().find((n) => n.id === target)?.leader ?? null, redirects);
      return;
    }
    // Thesis §6.4: a reader's GETs and every other GET of the rest (by history id, so no random
    // draw changes) by ReadIndex.
    if (this.readIndexReads && op.op.type === 'get' && (client.reader || op.historyId % 2 === 0)) {
      this.readByIndex(op, target, redirects);
      return;
    }
    const r = sim.propose(target, op.data);
    if (r.ok) {
      client.leaderGuess = target;
      const no = ++op.attempt;
      this.stats.attempts++;
      if (no > 1) this.stats.retries++;
      let waiting = this.waiting.get(target);
      if (!waiting) {
        waiting = new Map();
        this.waiting.set(target, waiting);
      }
      waiting.set(r.index, { op, no, term: r.term });
      this.note?.(
        sim.now,
        `${client.name} #${op.historyId} accepted by n${target} at index ${r.index} in term ${r.term}${no > 1 ? ` (attempt ${no})` : ''}`,
      );
      this.after(this.attemptTimeoutMs, () => this.retry(op, no));
      return;
    }
    this.redirect(op, target, r.leader, redirects);
  }

  /** `target` refused `op`: ask the leader it names at once, or wait a little and start over. */
  private redirect(op: ActiveOp, target: NodeId, leader: NodeId | null, redirects: number): void {
    const client = op.client;
    if (leader !== null && leader !== target && redirects < this.sim!.ids.length) {
      client.leaderGuess = leader;
      this.propose(op, redirects + 1);
      return;
    }
    client.leaderGuess = undefined;
    this.after(this.retryDelayMs, () => this.propose(op, 0));
  }

  /** A GET by ReadIndex on `target`: answered from its state machine once it applied the read index. */
  private readByIndex(op: ActiveOp, target: NodeId, redirects: number): void {
    const sim = this.sim!;
    const client = op.client;
    const previous = op.attempt;
    const no = previous + 1;
    const key = (op.op as Extract<KvOp, { type: 'get' }>).key;
    // The attempt is current before asking: a read confirmed at once is served inside sim.read.
    op.attempt = no;
    const r = sim.read(target, () => {
      if (op.done || op.attempt !== no) return;
      const sm = sim.stateMachine(target) as KvSimStateMachine;
      this.complete(op, target, 0, { value: sm.read(key) }, 'by ReadIndex');
    });
    if (!r.ok) op.attempt = previous;
    if (r.ok && op.done) return;
    if (r.ok) {
      client.leaderGuess = target;
      this.stats.attempts++;
      if (no > 1) this.stats.retries++;
      this.note?.(sim.now, `${client.name} #${op.historyId} read by ReadIndex on n${target}${no > 1 ? ` (attempt ${no})` : ''}`);
      this.after(this.attemptTimeoutMs, () => this.retry(op, no));
      return;
    }
    this.redirect(op, target, r.leader, redirects);
  }

  /** Attempt `no` of `op` is lost or late: try again (same sequence number) unless a newer one runs. */
  private retry(op: ActiveOp, no: number): void {
    if (op.done || op.attempt !== no) return;
    op.client.leaderGuess = undefined;
    this.propose(op, 0);
  }

  private applied(node: NodeId, entry: Entry, answer: () => KvResult): void {
    const waiting = this.waiting.get(node);
    const a = waiting?.get(entry.index);
    if (a === undefined) return;
    waiting!.delete(entry.index);
    const op = a.op;
    if (op.done) return;
    if (entry.term === a.term && entry.data === op.data) {
      this.complete(op, node, entry.index, answer());
    } else if (a.no === op.attempt) {
      // Another entry took that index: this attempt's entry is gone (§5.3 truncation).
      this.after(0, () => this.retry(op, a.no));
    }
  }

  private complete(op: ActiveOp, node: NodeId, index: Index, result: KvResult, via?: string): void {
    const sim = this.sim!;
    op.done = true;
    op.client.active = null;
    const servedBy = index > 0 ? `n${node} applied index ${index}` : `read ${via ?? 'locally'} on n${node}`;
    if (result.error) {
      // Refused by the state machine: nothing changed.
      this.history.fail(op.historyId, true);
      this.stats.failed++;
    } else {
      this.history.complete(op.historyId, outputOf(result), servedBy);
      this.ops.learn(op.op, result);
      this.stats.ok++;
    }
    this.note?.(sim.now, `${op.client.name} #${op.historyId} returns ${describeResult(op.op, result)} (${servedBy})`);
    this.after(this.think(), () => this.begin(op.client));
  }

  private giveUp(op: ActiveOp): void {
    op.done = true;
    op.client.active = null;
    // Accepted somewhere: it may yet commit. Never accepted: it cannot have happened.
    const indeterminate = op.attempt > 0;
    this.history.fail(op.historyId, !indeterminate);
    if (indeterminate) this.stats.indeterminate++;
    else this.stats.failed++;
    const sim = this.sim!;
    this.note?.(
      sim.now,
      `${op.client.name} #${op.historyId} gives up: ${indeterminate ? 'no answer (indeterminate)' : 'no node accepted it'}`,
    );
    this.after(this.think(), () => this.begin(op.client));
  }

  private think(): number {
    return this.rng.int(this.thinkMs[0], this.thinkMs[1]);
  }

  private after(ms: number, fn: () => void): void {
    const sim = this.sim!;
    sim.schedule(sim.now + ms, fn);
  }
}
