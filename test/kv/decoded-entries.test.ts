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
    samples.forEach((data, i) => {
      expect(memo.get(i + 1, data)).toEqual(decodeEntry(data));
      expect(memo.get(i + 1, data)).toBe(memo.get(i + 1, data)); // the second node reuses the first answer
    });
  });

  it('answers for the data it is given, whatever an index held before (a log rewritten, §5.3)', () => {
    const memo = new DecodedEntries();
    const before = memo.get(7, 'SET x = 1');
    const after = memo.get(7, 'SET x = 2');
    expect(after).toEqual(decodeEntry('SET x = 2'));
    expect(after).not.toEqual(before);
    // An equal copy of the data (a node that read it from a socket) gets the same answer.
    expect(memo.get(7, ['SET x', '= 2'].join(' '))).toBe(after);
    // An index that shares the slot does not answer for another.
    expect(memo.get(7 + 256, 'SET x = 2')).not.toBe(after);
    expect(memo.get(7 + 256, 'SET x = 2')).toEqual(after);
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

describe('decodeEntry: the client id', () => {
  it('is the client written in the data, whatever client came before', () => {
    const data = encodeEnvelope({ client: 'c12', seq: 1, ack: 0, cmd: 'GET x' });
    for (const last of ['', 'c1', 'c12', 'c123', 'c13', 'x12']) {
      const d = decodeEntry(data, last);
      expect('client' in d && d.client, `after ${last}`).toBe('c12');
    }
  });
});
