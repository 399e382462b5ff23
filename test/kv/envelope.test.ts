import { describe, expect, it } from 'vitest';
import { commandOf, decodeEnvelope, encodeEnvelope, isEnvelope } from '../../src/kv/envelope.js';

describe('client envelope', () => {
  it('round-trips through the compact text form', () => {
    const envelope = { client: 'c1', seq: 7, ack: 5, cmd: 'SET x = "a b"' };
    const data = encodeEnvelope(envelope);
    expect(data).toBe('@c1 7 5 SET x = "a b"');
    expect(isEnvelope(data)).toBe(true);
    expect(decodeEnvelope(data)).toEqual({ ok: true, envelope });
  });

  it('tells bare commands from envelopes', () => {
    expect(isEnvelope('SET x = 1')).toBe(false);
    expect(commandOf('SET x = 1')).toBe('SET x = 1');
    expect(commandOf(encodeEnvelope({ client: 'c', seq: 1, ack: 0, cmd: 'GET x' }))).toBe('GET x');
  });

  it('reports malformed envelopes instead of throwing', () => {
    const bad = ['@', '@ 1 0 GET x', '@c 0 0 GET x', '@c 1.5 0 GET x', '@c -1 0 GET x', '@c 2 3 GET x', '@c 2 1', 'GET x'];
    for (const data of bad) {
      const decoded = decodeEnvelope(data);
      expect(decoded.ok, data).toBe(false);
      if (!decoded.ok) expect(decoded.message).toMatch(/^malformed request: /);
    }
  });
});
