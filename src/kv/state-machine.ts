import type { Index } from '../raft/types.js';
import { decodedEntries } from './decoded-entries.js';
import { type ParsedKvOp, parseKvOp } from './parse.js';
import { SessionResults } from './session-results.js';
import type { KvOp, KvResult } from './types.js';

/** One client's session (thesis §6.3): the results of its requests that may still be retried. */
interface Session {
  /** Every seq below this was answered: its result is forgotten, a retry of it is refused. */
  ack: number;
  /** seq → first result, for requests at or above `ack`. Insertion order ≈ seq order. */
  results: SessionResults;
}

export interface KvStateMachineOptions {
  /**
   * Sessions kept; beyond this the least recently used is forgotten (thesis §6.3: expiry must be
   * deterministic, so it depends on the log alone). Default 10,000.
   */
  maxSessions?: number;
}

/**
 * The replicated key-value state machine: applies committed entries in log order. Each entry is
 * a command line (`SET x = 1`) or a client request envelope around one. The store and the
 * session table both follow from the log alone, so every node that applied the same entries
 * holds the same state and gives the same answers.
 */
export class KvStateMachine {
  private readonly store = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  private readonly maxSessions: number;
  /** The client that used `sessions` last: already at the LRU end, no need to move it. */
  private lastClient: string | undefined;
  /** The session of `lastClient`, found again without a lookup (one client often sends many requests in a row). */
  private lastSession: Session | undefined;
  private applied: Index = 0;
  /** A frozen copy of the store handed out by data(); undefined when the store changed since. */
  private view: Readonly<Record<string, string>> | undefined;

  constructor(options: KvStateMachineOptions = {}) {
    this.maxSessions = Math.max(1, options.maxSessions ?? 10_000);
  }

  /** The index of the last entry applied (0 before any). */
  get appliedIndex(): Index {
    return this.applied;
  }

  /** Number of keys set. */
  get size(): number {
    return this.store.size;
  }

  /** Number of client sessions kept. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** One key's value, or undefined when it is not set. */
  get(key: string): string | undefined {
    return this.store.get(key);
  }

  /**
   * The key → value map as a frozen object. Cheap to call often: the copy is made once per
   * change, so a dashboard reading it 20 times a second copies at most 20 times a second.
   */
  data(): Readonly<Record<string, string>> {
    if (!this.view) this.view = Object.freeze(Object.fromEntries(this.store));
    return this.view;
  }

  /**
   * The whole state as a string (§7: a snapshot "holds the state machine state"): the store and
   * the client sessions, the sessions in least-recently-used order, so a node restored from it
   * expires the same sessions and answers retries the same as the node that took it.
   */
  snapshot(): string {
    const sessions: [string, number, [number, KvResult][]][] = [];
    for (const [client, s] of this.sessions) sessions.push([client, s.ack, s.results.entries()]);
    const state: SnapshotState = { v: 1, store: [...this.store], sessions };
    return JSON.stringify(state);
  }

  /**
   * Replaces the whole state with a {@link snapshot}'s, as of log index `index`. Throws, changing
   * nothing, on data that is not a snapshot of this state machine.
   */
  restore(index: Index, data: string): void {
    const state = parseSnapshotState(data);
    this.reset();
    for (const [key, value] of state.store) this.store.set(key, value);
    for (const [client, ack, results] of state.sessions) {
      const kept = new SessionResults();
      for (const [seq, result] of results) kept.set(seq, result);
      this.sessions.set(client, { ack, results: kept });
    }
    this.lastClient = state.sessions.at(-1)?.[0];
    this.lastSession = this.lastClient === undefined ? undefined : this.sessions.get(this.lastClient);
    this.applied = index;
  }

  /** Forgets everything, as a crash does to volatile state: the log replays it later. */
  reset(): void {
    this.store.clear();
    this.sessions.clear();
    this.lastClient = undefined;
    this.lastSession = undefined;
    this.applied = 0;
    this.view = undefined;
  }

  /**
   * Applies the committed entry at `index`. Never throws: a malformed entry, or one at an index
   * already applied, gives an error result and changes nothing. A request whose (client, seq)
   * was applied before is not applied again: it gets the first result (thesis §6.3).
   */
  apply(index: Index, data: string): KvResult {
    if (!(index > this.applied)) {
      return { error: `entry ${index} is at or below the last applied index ${this.applied}` };
    }
    this.applied = index;
    // Decoded once per process: every node applies the same entry (decoded-entries.ts).
    const decoded = decodedEntries.get(index, data);
    if (!decoded.envelope) return this.execute(decoded.parsed);
    if ('malformed' in decoded) return { error: decoded.malformed };
    const { client, seq, ack } = decoded;
    const session = this.session(client);
    if (ack > session.ack) this.forgetBelow(session, ack);
    if (seq < session.ack) {
      // Answered already and its result dropped at the client's word: the client is not waiting.
      return { error: `request ${seq} of client ${client} was already answered` };
    }
    const earlier = session.results.get(seq);
    if (earlier) return earlier;
    const result = this.execute(decoded.parsed);
    session.results.set(seq, result);
    return result;
  }

  /** The session of `client`, created if new, moved to the most recently used end. */
  private session(client: string): Session {
    if (client === this.lastClient && this.lastSession) return this.lastSession;
    let session = this.sessions.get(client);
    if (session) {
      if (client !== this.lastClient) {
        this.sessions.delete(client);
        this.sessions.set(client, session);
      }
    } else {
      session = { ack: 0, results: new SessionResults() };
      this.sessions.set(client, session);
      if (this.sessions.size > this.maxSessions) {
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
    }
    this.lastClient = client;
    this.lastSession = session;
    return session;
  }

  /**
   * Drops results below `ack`. Walks from the oldest insertion and stops at the first result
   * still needed: a straggler applied out of seq order waits for a later ack, which keeps the
   * cost per apply small and the outcome the same on every node.
   */
  private forgetBelow(session: Session, ack: number): void {
    session.ack = ack;
    session.results.dropBelow(ack);
  }

  /**
   * Answers a read-only command (GET) from what is applied, without a log entry and without
   * touching sessions (thesis §6.4: the caller made sure the state is recent enough). Any other
   * command is refused: it must go through the log.
   */
  query(command: string): KvResult {
    const parsed = parseKvOp(command);
    if (!parsed.ok) return { error: parsed.message };
    if (parsed.op.type !== 'get') return { error: `${parsed.op.type.toUpperCase()} changes the store: it must go through the log` };
    return this.run(parsed.op);
  }

  /** Runs one parsed command line against the store. */
  private execute(parsed: ParsedKvOp): KvResult {
    if (!parsed.ok) return { error: parsed.message };
    return this.run(parsed.op);
  }

  private run(op: KvOp): KvResult {
    const store = this.store;
    switch (op.type) {
      case 'set':
        store.set(op.key, op.value);
        this.view = undefined;
        return DONE;
      case 'get':
        return { value: store.get(op.key) ?? null };
      case 'del': {
        const before = store.get(op.key);
        if (before === undefined) return WAS_UNSET;
        store.delete(op.key);
        this.view = undefined;
        return { value: before };
      }
      case 'cas': {
        const before = store.get(op.key);
        if (before !== op.expected) return { swapped: false, value: before ?? null };
        store.set(op.key, op.value);
        this.view = undefined;
        return { swapped: true, value: before };
      }
    }
  }
}

/**
 * Results with nothing particular in them, one object each for every request that gets them
 * (every node applies every SET): results are never changed once made.
 */
const DONE: KvResult = Object.freeze({});
const WAS_UNSET: KvResult = Object.freeze({ value: null });

/** What {@link KvStateMachine.snapshot} writes: a version, the key-value pairs, the sessions. */
interface SnapshotState {
  v: 1;
  store: [string, string][];
  /** [client, ack, [seq, result][]], least recently used first. */
  sessions: [string, number, [number, KvResult][]][];
}

/** The state a snapshot string holds, or an Error saying what is wrong with it. */
function parseSnapshotState(data: string): SnapshotState {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new Error('key-value snapshot is not JSON');
  }
  const o = value as Partial<SnapshotState> | null;
  if (typeof o !== 'object' || o === null || o.v !== 1) throw new Error('key-value snapshot has an unknown format (expected version 1)');
  const pairOk = (p: unknown) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string';
  if (!Array.isArray(o.store) || !o.store.every(pairOk)) throw new Error('key-value snapshot: store must be [key, value] string pairs');
  const resultOk = (r: unknown) =>
    Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && typeof r[1] === 'object' && r[1] !== null && !Array.isArray(r[1]);
  const sessionOk = (x: unknown) =>
    Array.isArray(x) &&
    x.length === 3 &&
    typeof x[0] === 'string' &&
    Number.isSafeInteger(x[1]) &&
    Array.isArray(x[2]) &&
    (x[2] as unknown[]).every(resultOk);
  if (!Array.isArray(o.sessions) || !o.sessions.every(sessionOk))
    throw new Error('key-value snapshot: sessions must be [client, ack, [seq, result][]] entries');
  return o as SnapshotState;
}
