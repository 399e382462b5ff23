import type { ClientEnvelope } from './types.js';

/**
 * A client request as entry data: `@<client> <seq> <ack> <command>`, e.g. `@c1 3 2 SET x = 1`.
 * Plain text rather than JSON: every node decodes every entry it applies, and the whole log
 * stays in memory, so a short form that splits at three spaces is worth it. Commands start with
 * a letter, so the leading `@` tells an envelope from a bare command line.
 */
export function encodeEnvelope(envelope: ClientEnvelope): string {
  return `@${envelope.client} ${envelope.seq} ${envelope.ack} ${envelope.cmd}`;
}

/** Whether entry data is an envelope rather than a bare command line (commands start with a letter). */
export function isEnvelope(data: string): boolean {
  return data.charCodeAt(0) === 64; // '@'
}

/** A non-negative decimal integer with no sign, point or exponent; -1 when it is not one. */
function parseCount(text: string): number {
  if (text.length === 0 || text.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Decodes an envelope; never throws. The message says what is malformed. */
export function decodeEnvelope(data: string): { ok: true; envelope: ClientEnvelope } | { ok: false; message: string } {
  if (!isEnvelope(data)) return { ok: false, message: 'malformed request: not an envelope (@client seq ack command)' };
  const a = data.indexOf(' ', 1);
  const b = a < 0 ? -1 : data.indexOf(' ', a + 1);
  const c = b < 0 ? -1 : data.indexOf(' ', b + 1);
  if (a <= 1) return { ok: false, message: 'malformed request: no client id' };
  if (c < 0) return { ok: false, message: 'malformed request: expected @client seq ack command' };
  const seq = parseCount(data.slice(a + 1, b));
  const ack = parseCount(data.slice(b + 1, c));
  if (seq < 1) return { ok: false, message: 'malformed request: seq must be a positive integer' };
  if (ack < 0 || ack > seq) return { ok: false, message: 'malformed request: ack must be an integer from 0 to seq' };
  return { ok: true, envelope: { client: data.slice(1, a), seq, ack, cmd: data.slice(c + 1) } };
}

/** The command line inside entry data, for display: the envelope's `cmd`, or the data itself. */
export function commandOf(data: string): string {
  if (!isEnvelope(data)) return data;
  const decoded = decodeEnvelope(data);
  return decoded.ok ? decoded.envelope.cmd : data;
}
