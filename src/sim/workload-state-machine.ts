import type { KvResult } from '../kv/types.js';
import { KvStateMachine } from '../kv/state-machine.js';
import type { Entry, NodeId } from '../raft/types.js';
import type { SimStateMachine } from './types.js';

/**
 * Told of every entry a node applies. `answer()` runs the store up to and including that entry
 * and returns its result: call it only when someone waits for the answer.
 */
export type ApplyListener = (node: NodeId, entry: Entry, answer: () => KvResult) => void;

/**
 * The key-value store as the simulator's state machine: one {@link KvStateMachine} per node
 * incarnation (a restarted node rebuilds it from its log), reporting each applied entry so the
 * clients that wait on it get the answer from the node they asked.
 *
 * The store runs lazily: applied entries queue up and are executed, in order, only when an
 * answer is wanted from this node. The answers are the same as applying each entry at once (the
 * store is a function of the entries applied, in order), but a follower nobody asks — and every
 * restart's replay of the whole log — costs nothing until it leads and answers.
 */
export class KvSimStateMachine implements SimStateMachine {
  readonly kv = new KvStateMachine();
  private readonly backlog: Entry[] = [];
  private last: KvResult = {};

  constructor(
    private readonly node: NodeId,
    private readonly listener: ApplyListener,
  ) {}

  private readonly answer = (): KvResult => {
    const backlog = this.backlog;
    for (let i = 0; i < backlog.length; i++) {
      const e = backlog[i]!;
      this.last = this.kv.apply(e.index, e.data);
    }
    backlog.length = 0;
    return this.last;
  };

  /** A key's value as this node's store holds it now (everything applied so far run first). */
  read(key: string): string | null {
    this.answer();
    return this.kv.get(key) ?? null;
  }

  apply(entry: Entry): void {
    // The leader's no-op (thesis §6.4) changes nothing and nobody waits for it.
    if (entry.type === 'noop') return;
    this.backlog.push(entry);
    this.listener(this.node, entry, this.answer);
  }
}
