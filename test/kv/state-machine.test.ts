import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/kv/envelope.js';
import { KvStateMachine } from '../../src/kv/state-machine.js';

const req = (client: string, seq: number, ack: number, cmd: string): string => encodeEnvelope({ client, seq, ack, cmd });

describe('KvStateMachine: the operations', () => {
  it('applies bare SET, GET, DEL and CAS command lines', () => {
    const sm = new KvStateMachine();
    expect(sm.apply(1, 'SET x = 1')).toEqual({});
    expect(sm.apply(2, 'GET x')).toEqual({ value: '1' });
    expect(sm.apply(3, 'GET y')).toEqual({ value: null });
    expect(sm.apply(4, 'CAS x 2 3')).toEqual({ swapped: false, value: '1' });
    expect(sm.apply(5, 'CAS x 1 3')).toEqual({ swapped: true, value: '1' });
    expect(sm.apply(6, 'CAS y 1 3')).toEqual({ swapped: false, value: null });
    expect(sm.apply(7, 'DEL x')).toEqual({ value: '3' });
    expect(sm.apply(8, 'DEL x')).toEqual({ value: null });
    expect(sm.data()).toEqual({});
    expect(sm.appliedIndex).toBe(8);
  });

  it('shows the key-value map through data(), a frozen copy refreshed after each change', () => {
    const sm = new KvStateMachine();
    sm.apply(1, 'SET a = 1');
    const first = sm.data();
    expect(first).toEqual({ a: '1' });
    expect(Object.isFrozen(first)).toBe(true);
    sm.apply(2, 'GET a');
    expect(sm.data()).toBe(first);
    sm.apply(3, 'SET b = two words');
    expect(sm.data()).toEqual({ a: '1', b: 'two words' });
    expect(first).toEqual({ a: '1' });
  });

  it('reports malformed entries as error results and changes nothing', () => {
    const sm = new KvStateMachine();
    sm.apply(1, 'SET x = 1');
    expect(sm.apply(2, 'FROB x').error).toContain('unknown command');
    expect(sm.apply(3, '@c 1').error).toContain('malformed request');
    expect(sm.apply(4, req('c', 1, 0, 'SET')).error).toContain('SET needs a key and a value');
    expect(sm.apply(5, '')).toHaveProperty('error');
    expect(sm.data()).toEqual({ x: '1' });
  });

  it('refuses an index at or below the last applied one', () => {
    const sm = new KvStateMachine();
    sm.apply(5, 'SET x = 1');
    expect(sm.apply(5, 'SET x = 2').error).toContain('at or below');
    expect(sm.apply(3, 'SET x = 2').error).toContain('at or below');
    expect(sm.get('x')).toBe('1');
  });

  it('forgets everything on reset()', () => {
    const sm = new KvStateMachine();
    sm.apply(1, req('c', 1, 0, 'SET x = 1'));
    sm.reset();
    expect(sm.data()).toEqual({});
    expect(sm.appliedIndex).toBe(0);
    expect(sm.sessionCount).toBe(0);
    // After a reset the log replays from the start, so the same request applies once more.
    sm.apply(1, req('c', 1, 0, 'SET x = 1'));
    expect(sm.get('x')).toBe('1');
  });
});

describe('KvStateMachine: client sessions (thesis §6.3)', () => {
  it('applies a retried request once and answers it with the first result', () => {
    const sm = new KvStateMachine();
    expect(sm.apply(1, req('c1', 1, 0, 'CAS x 1 2'))).toEqual({ swapped: false, value: null });
    sm.apply(2, 'SET x = 1');
    // The same request committed again (a retry): not re-run, though it would now swap.
    expect(sm.apply(3, req('c1', 1, 0, 'CAS x 1 2'))).toEqual({ swapped: false, value: null });
    expect(sm.get('x')).toBe('1');
  });

  it('does not apply a duplicated SET twice', () => {
    const sm = new KvStateMachine();
    sm.apply(1, req('c1', 1, 0, 'SET x = a'));
    sm.apply(2, req('c2', 1, 0, 'SET x = b'));
    sm.apply(3, req('c1', 1, 0, 'SET x = a'));
    expect(sm.get('x')).toBe('b');
  });

  it('keeps results of many outstanding requests until the client acknowledges them', () => {
    const sm = new KvStateMachine();
    sm.apply(1, req('c', 3, 0, 'GET x'));
    sm.apply(2, req('c', 1, 0, 'SET x = 1'));
    sm.apply(3, req('c', 2, 0, 'GET x'));
    expect(sm.apply(4, req('c', 3, 0, 'GET x'))).toEqual({ value: null });
    expect(sm.apply(5, req('c', 2, 0, 'GET x'))).toEqual({ value: '1' });
  });

  it('refuses a request below the acknowledged mark instead of running it again', () => {
    const sm = new KvStateMachine();
    sm.apply(1, req('c', 1, 0, 'SET x = 1'));
    sm.apply(2, 'SET x = 2');
    sm.apply(3, req('c', 2, 2, 'GET x'));
    expect(sm.apply(4, req('c', 1, 0, 'SET x = 1')).error).toContain('already answered');
    expect(sm.get('x')).toBe('2');
  });

  it('keeps requests of different clients apart', () => {
    const sm = new KvStateMachine();
    expect(sm.apply(1, req('a', 1, 0, 'SET x = 1'))).toEqual({});
    expect(sm.apply(2, req('b', 1, 0, 'GET x'))).toEqual({ value: '1' });
    expect(sm.sessionCount).toBe(2);
  });

  it('forgets the least recently used session beyond the limit, the same way on every node', () => {
    const log = [
      req('a', 1, 0, 'SET x = 1'),
      req('b', 1, 0, 'SET y = 1'),
      req('a', 2, 2, 'GET x'),
      req('c', 1, 0, 'SET z = 1'),
      'DEL x',
      req('a', 1, 0, 'SET x = 1'),
      req('b', 1, 0, 'SET y = 2'),
    ];
    const results = [0, 1].map(() => {
      const sm = new KvStateMachine({ maxSessions: 2 });
      const out = log.map((data, i) => sm.apply(i + 1, data));
      return { out, data: sm.data(), sessions: sm.sessionCount };
    });
    expect(results[0]).toEqual(results[1]);
    const [first] = results;
    expect(first?.sessions).toBe(2);
    // a acknowledged its seq 1, so a replay of it is refused; a was used more recently than b,
    // so b's session was the one dropped, and b's old request ran again as if new.
    expect(first?.out[5]?.error).toContain('already answered');
    expect(first?.data).toEqual({ y: '2', z: '1' });
  });

  it('produces the same state and answers on two replicas fed the same log', () => {
    const log: string[] = [];
    for (let i = 1; i <= 300; i++) {
      const client = `c${i % 4}`;
      const seq = Math.ceil(i / 4);
      const cmd = i % 5 === 0 ? `CAS k${i % 3} ${i - 5} ${i}` : i % 3 === 0 ? `GET k${i % 3}` : `SET k${i % 3} = ${i}`;
      log.push(req(client, seq, Math.max(0, seq - 2), cmd));
      if (i % 7 === 0) log.push(req(client, seq, Math.max(0, seq - 2), cmd)); // a retry
    }
    const a = new KvStateMachine();
    const b = new KvStateMachine();
    const outA = log.map((d, i) => a.apply(i + 1, d));
    const outB = log.map((d, i) => b.apply(i + 1, d));
    expect(outA).toEqual(outB);
    expect(a.data()).toEqual(b.data());
  });
});

describe('KvStateMachine: the session of the last client', () => {
  it('is forgotten by reset(): a request replayed after it is applied again', () => {
    const sm = new KvStateMachine();
    expect(sm.apply(1, req('c1', 1, 0, 'SET x = 1'))).toEqual({});
    sm.reset();
    expect(sm.apply(1, req('c1', 1, 0, 'GET x'))).toEqual({ value: null });
  });

  it('is the restored one after restore(), not the one held before', () => {
    const other = new KvStateMachine();
    other.apply(1, 'SET x = 7');
    expect(other.apply(2, req('c1', 1, 0, 'GET x'))).toEqual({ value: '7' });
    const sm = new KvStateMachine();
    expect(sm.apply(1, req('c1', 1, 0, 'SET x = 1'))).toEqual({});
    sm.restore(2, other.snapshot());
    expect(sm.apply(3, req('c1', 1, 0, 'SET x = 1'))).toEqual({ value: '7' });
    expect(sm.get('x')).toBe('7');
  });
});
