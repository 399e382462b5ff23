import type { ClientEnvelope } from './types.js';

/** Encodes a client request for a log entry as compact JSON: `{"client":"c1","seq":3,"ack":2,"cmd":"SET x = 1"}`. */
export function encodeEnvelope(envelope: ClientEnvelope): string {
  return JSON.stringify({ client: envelope.client, seq: envelope.seq, ack: envelope.ack, cmd: envelope.cmd });
}

/** Whether entry data is an envelope rather than a bare command line (commands start with a letter). */
export function isEnvelope(data: string): boolean {
  return data.charCodeAt(0) === 123; // '{'
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Decodes an envelope; never throws. The message says what is malformed. */
export function decodeEnvelope(data: string): { ok: true; envelope: ClientEnvelope } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { ok: false, message: 'malformed request: not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, message: 'malformed request: not an object' };
  return checkEnvelope(parsed as Record<string, unknown>);
}

function checkEnvelope(fields: Record<string, unknown>): { ok: true; envelope: ClientEnvelope } | { ok: false; message: string } {
  const { client, seq, ack, cmd } = fields;
  if (typeof client !== 'string' || client === '') return { ok: false, message: 'malformed request: no client id' };
  if (!isCount(seq) || seq < 1) return { ok: false, message: 'malformed request: seq must be a positive integer' };
  if (!isCount(ack) || ack > seq) return { ok: false, message: 'malformed request: ack must be an integer from 0 to seq' };
  if (typeof cmd !== 'string') return { ok: false, message: 'malformed request: no command' };
  return { ok: true, envelope: { client, seq, ack, cmd } };
}

/** The command line inside entry data, for display: the envelope's `cmd`, or the data itself. */
export function commandOf(data: string): string {
  if (!isEnvelope(data)) return data;
  const decoded = decodeEnvelope(data);
  return decoded.ok ? decoded.envelope.cmd : data;
}
