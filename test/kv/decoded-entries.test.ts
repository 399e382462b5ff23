import { describe, expect, it } from 'vitest';
import { DecodedEntries, decodeEntry } from '../../src/kv/decoded-entries.js';
import { encodeEnvelope } from '../../src/kv/envelope.js';
import { KvStateMachine } from '../../src/kv/state-machine.js';

describe('DecodedEntries', () => {
  it('gives the same answer as decoding afresh, for envelopes, bare commands and malformed data', () => {
    const memo = new DecodedEntries();
    const samples = [
      encodeEnvelope({ client: 'c1', seq: 3, ack: 2, cmd: 'SET x = 1' }),
      encodeEnvelope({ client: 'c1', seq: 4, ack: 4, cmd: 'CAS x 1 2' }),
      'DEL x',
      'SET',
      '@c1 x y SET x = 1',
      '@',
    ];
    for (const data of samples) {
      expect(memo.get(data)).toEqual(decodeEntry(data));
      expect(memo.get(data)).toBe(memo.get(data)); // the second node reuses the first answer
    }
  });

  it('stays bounded: old answers are forgotten, and decoded again when asked for', () => {
    const memo = new DecodedEntries();
    const first = memo.get('SET k0 = 0');
    for (let i = 1; i < 5000; i++) memo.get(`SET k${i} = ${i}`);
    const again = memo.get('SET k0 = 0');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('leaves replicas that share it as independent as before: each applies to its own store', () => {
    const a = new KvStateMachine();
    const b = new KvStateMachine();
    const entry = encodeEnvelope({ client: 'c9', seq: 1, ack: 1, cmd: 'SET x = 1' });
    expect(a.apply(1, entry)).toEqual({});
    expect(b.apply(1, entry)).toEqual({});
    expect(a.apply(2, 'SET y = 2')).toEqual({});
    expect(a.get('y')).toBe('2');
    expect(b.get('y')).toBeUndefined();
    expect(b.apply(2, entry)).toEqual({}); // the retry is answered from b's own session
    expect(b.get('x')).toBe('1');
  });
});
