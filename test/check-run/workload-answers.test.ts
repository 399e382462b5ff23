import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/kv/envelope.js';
import { KvStateMachine } from '../../src/kv/state-machine.js';
import type { KvResult } from '../../src/kv/types.js';
import type { Entry } from '../../src/raft/types.js';
import { SharedAnswers } from '../../src/sim/workload-answers.js';
import { KvSimStateMachine } from '../../src/sim/workload-state-machine.js';

let seq = 0;
const req = (index: number, term: number, cmd: string): Entry => ({
  index,
  term,
  type: 'normal',
  data: encodeEnvelope({ client: 'c1', seq: ++seq, ack: seq, cmd }),
});
const noop = (index: number, term: number): Entry => ({ index, term, type: 'noop', data: '' });

/** Applies every entry of `log`, in order. */
function applyAll(sm: KvSimStateMachine, log: Entry[]): void {
  for (const e of log) sm.apply(e);
}

/** What a fresh store answers for each normal entry of `log`. */
function reference(log: Entry[]): KvResult[] {
  const kv = new KvStateMachine();
  return log.filter((e) => e.type === 'normal').map((e) => kv.apply(e.index, e.data));
}

describe('shared answers', () => {
  it('every node and incarnation gets the answers its own store would give, even when its log differs', () => {
    const shared = new SharedAnswers();
    const common = [noop(1, 1), req(2, 1, 'SET x = 1'), req(3, 1, 'CAS x 1 2')];
    const a = [...common, req(4, 1, 'GET x'), req(5, 1, 'DEL x')];
    // b applied a different entry at 4 (only a broken Raft does that): it must use its own store.
    const b = [...common, req(4, 2, 'SET x = 9'), req(5, 2, 'GET x')];
    const got = new Map<string, KvResult[]>();
    const make = (name: string) =>
      new KvSimStateMachine(
        1,
        (_node, _entry, answer) => {
          const list = got.get(name) ?? [];
          list.push(answer());
          got.set(name, list);
        },
        shared,
      );
    applyAll(make('a'), a);
    applyAll(make('b'), b);
    applyAll(make('a again'), a); // a restarted node replays the same log
    expect(got.get('a')).toEqual(reference(a));
    expect(got.get('b')).toEqual(reference(b));
    expect(got.get('a again')).toEqual(reference(a));
    expect(got.get('a')![2]).toEqual({ value: '2' });
    expect(got.get('b')![3]).toEqual({ value: '9' });
  });

  it('a node’s own store (read) stays exact whether or not answers came from the shared record', () => {
    const shared = new SharedAnswers();
    const log = [req(1, 1, 'SET y = 5'), req(2, 1, 'SET y = 6')];
    const sm = new KvSimStateMachine(2, (_n, _e, answer) => answer(), shared);
    sm.apply(log[0]!);
    expect(sm.read('y')).toBe('5');
    sm.apply(log[1]!);
    expect(sm.read('y')).toBe('6');
    expect(sm.read('z')).toBeNull();
  });
});
