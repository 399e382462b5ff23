import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/kv/envelope.js';
import { KvStateMachine } from '../../src/kv/state-machine.js';

const req = (client: string, seq: number, ack: number, cmd: string): string => encodeEnvelope({ client, seq, ack, cmd });

describe('KvStateMachine: snapshot and restore (§7)', () => {
  it('restores the store and the applied index from a snapshot', () => {
    const sm = new KvStateMachine();
    sm.apply(1, 'SET x = 1');
    sm.apply(2, 'SET y = two words');
    sm.apply(3, 'DEL x');
    const copy = new KvStateMachine();
    copy.restore(3, sm.snapshot());
    expect(copy.data()).toEqual({ y: 'two words' });
    expect(copy.appliedIndex).toBe(3);
    expect(copy.apply(3, 'SET z = 1').error).toContain('at or below');
    expect(copy.apply(4, 'GET y')).toEqual({ value: 'two words' });
  });

  it('restores client sessions: a retry after the snapshot gets the first answer, not a second apply (thesis §6.3)', () => {
    const sm = new KvStateMachine();
    sm.apply(1, req('c1', 1, 0, 'CAS k _ a'));
    sm.apply(2, req('c1', 2, 0, 'SET k = b'));
    const copy = new KvStateMachine();
    copy.restore(2, sm.snapshot());
    // The retried CAS would now fail (k holds b); the session answers with its first result.
    expect(copy.apply(3, req('c1', 1, 0, 'CAS k _ a'))).toEqual(sm.apply(3, req('c1', 1, 0, 'CAS k _ a')));
    expect(copy.data()).toEqual({ k: 'b' });
  });

  it('keeps the sessions in least-recently-used order, so both expire the same client next', () => {
    const sm = new KvStateMachine({ maxSessions: 2 });
    sm.apply(1, req('a', 1, 0, 'SET x = 1'));
    sm.apply(2, req('b', 1, 0, 'SET x = 2'));
    sm.apply(3, req('a', 2, 1, 'SET x = 3')); // a is now the most recent
    const copy = new KvStateMachine({ maxSessions: 2 });
    copy.restore(3, sm.snapshot());
    for (const m of [sm, copy]) m.apply(4, req('c', 1, 0, 'SET y = 1')); // evicts b in both
    expect(copy.snapshot()).toBe(sm.snapshot());
    expect(copy.apply(5, req('b', 1, 0, 'SET x = 2'))).toEqual(sm.apply(5, req('b', 1, 0, 'SET x = 2')));
  });

  it('refuses data that is not its snapshot and keeps its state', () => {
    const sm = new KvStateMachine();
    sm.apply(1, 'SET x = 1');
    for (const bad of [
      '',
      'nope',
      '{}',
      '{"v":2,"store":[],"sessions":[]}',
      '{"v":1,"store":[[1,2]],"sessions":[]}',
      '{"v":1,"store":[],"sessions":[["c","x",[]]]}',
    ])
      expect(() => sm.restore(5, bad), bad).toThrow(/snapshot/);
    expect(sm.data()).toEqual({ x: '1' });
    expect(sm.appliedIndex).toBe(1);
  });
});
