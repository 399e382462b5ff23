import { describe, expect, it } from 'vitest';
import { commandOf, decodeEnvelope, encodeEnvelope, isEnvelope } from '../../src/kv/envelope.js';

describe('client envelope', () => {
  it('round-trips through compact JSON', () => {
    const envelope = { client: 'c1', seq: 7, ack: 5, cmd: 'SET x = "a b"' };
    const data = encodeEnvelope(envelope);
    expect(data).toBe('{"client":"c1","seq":7,"ack":5,"cmd":"SET x = \\"a b\\""}');
    expect(isEnvelope(data)).toBe(true);
    expect(decodeEnvelope(data)).toEqual({ ok: true, envelope });
  });

  it('tells bare commands from envelopes', () => {
    expect(isEnvelope('SET x = 1')).toBe(false);
    expect(commandOf('SET x = 1')).toBe('SET x = 1');
    expect(commandOf(encodeEnvelope({ client: 'c', seq: 1, ack: 0, cmd: 'GET x' }))).toBe('GET x');
  });

  it('reports malformed envelopes instead of throwing', () => {
    const bad = [
      '{not json',
      '[1,2]',
      '{"seq":1,"ack":0,"cmd":"GET x"}',
      '{"client":"c","seq":0,"ack":0,"cmd":"GET x"}',
      '{"client":"c","seq":1.5,"ack":0,"cmd":"GET x"}',
      '{"client":"c","seq":2,"ack":3,"cmd":"GET x"}',
      '{"client":"c","seq":2,"ack":1}',
    ];
    for (const data of bad) {
      const decoded = decodeEnvelope(data);
      expect(decoded.ok, data).toBe(false);
      if (!decoded.ok) expect(decoded.message).toMatch(/^malformed request: /);
    }
  });
});
