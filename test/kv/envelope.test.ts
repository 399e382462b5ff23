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

describe('client envelope: what each malformed form is told', () => {
  it('names the first problem, in a fixed order', () => {
    const cases: [string, string][] = [
      ['SET x = 1', 'not an envelope (@client seq ack command)'],
      ['@', 'no client id'],
      ['@c1', 'no client id'],
      ['@ 1 0 GET x', 'no client id'],
      ['@c1 1 0', 'expected @client seq ack command'],
      ['@c1 1', 'expected @client seq ack command'],
      ['@c1  0 GET x', 'seq must be a positive integer'],
      ['@c1 x 0 GET x', 'seq must be a positive integer'],
      ['@c1 0 0 GET x', 'seq must be a positive integer'],
      [`@c1 ${'9'.repeat(16)} 0 GET x`, 'seq must be a positive integer'],
      ['@c1 1  GET x', 'ack must be an integer from 0 to seq'],
      ['@c1 1 2 GET x', 'ack must be an integer from 0 to seq'],
      ['@c1 1 +1 GET x', 'ack must be an integer from 0 to seq'],
    ];
    for (const [data, message] of cases)
      expect(decodeEnvelope(data), data).toEqual({ ok: false, message: `malformed request: ${message}` });
  });

  it('reads the largest counts it accepts, and an empty command', () => {
    const big = '9'.repeat(15);
    expect(decodeEnvelope(`@c1 ${big} ${big} GET x`)).toEqual({
      ok: true,
      envelope: { client: 'c1', seq: Number(big), ack: Number(big), cmd: 'GET x' },
    });
    expect(decodeEnvelope('@c1 2 1 ')).toEqual({ ok: true, envelope: { client: 'c1', seq: 2, ack: 1, cmd: '' } });
  });
});
