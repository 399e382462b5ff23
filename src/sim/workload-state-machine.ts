import type { KvResult } from '../kv/types.js';
import { KvStateMachine } from '../kv/state-machine.js';
import type { Entry, Index, NodeId } from '../raft/types.js';
import type { SimStateMachine } from './types.js';
import type { SharedAnswers } from './workload-answers.js';

/**
 * Told of every entry a node applies. `answer()` gives the store's result for that entry: call
 * it only when someone waits for the answer.
 */
export type ApplyListener = (node: NodeId, entry: Entry, answer: () => KvResult) => void;

/**
 * The key-value store as the simulator's state machine: one {@link KvStateMachine} per node
 * incarnation (a restarted node rebuilds it from its log), reporting each applied entry so the
 * clients that wait on it get the answer from the node they asked.
 *
 * The store runs lazily: applied entries queue up and run, in order, only when this node's own
 * state is needed. While the node has applied exactly the entries the run's
 * {@link SharedAnswers} recorded, its answers come from there — the same answers, since the
 * store is a function of the entries applied in order — so a follower nobody asks, and every
 * restart's replay of the whole log, cost nothing.
 */
export class KvSimStateMachine implements SimStateMachine {
  readonly kv = new KvStateMachine();
  private readonly backlog: Entry[] = [];
  private consumed = 0;
  private own: KvResult = {};
  /** Every entry applied so far is the one `shared` recorded at its index. */
  private matches = true;
  private lastIndex: Index = 0;

  constructor(
    private readonly node: NodeId,
    private readonly listener: ApplyListener,
    private readonly shared: SharedAnswers,
  ) {}

  private readonly answer = (): KvResult => (this.matches ? this.shared.answer(this.lastIndex) : this.catchUp());

  /** Runs this node's own store through every entry applied so far; returns the last answer. */
  private catchUp(): KvResult {
    const backlog = this.backlog;
    for (; this.consumed < backlog.length; this.consumed++) {
      const e = backlog[this.consumed]!;
      this.own = this.kv.apply(e.index, e.data);
    }
    return this.own;
  }

  /** A key's value as this node's own store holds it now. */
  read(key: string): string | null {
    this.catchUp();
    return this.kv.get(key) ?? null;
  }

  snapshot(): string {
    this.catchUp();
    return this.kv.snapshot();
  }

  /**
   * §7: the store becomes the snapshot's. Answers may still come from the shared record: a
   * correct snapshot at `index` is the store after the recorded entries up to `index`.
   */
  restore(index: Index, data: string): void {
    this.kv.restore(index, data);
    this.backlog.length = 0;
    this.consumed = 0;
    this.lastIndex = index;
  }

  apply(entry: Entry): void {
    if (this.matches) this.matches = this.shared.follow(entry);
    // The leader's no-op (thesis §6.4) changes nothing and nobody waits for it.
    if (entry.type !== 'normal') return;
    this.backlog.push(entry);
    this.lastIndex = entry.index;
    this.listener(this.node, entry, this.answer);
  }
}
