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

/** `data.slice(from, to)` read as a non-negative decimal integer with no sign, point or exponent; -1 when it is not one. */
function countAt(data: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = data.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Where the fields of the envelope last read by {@link scanEnvelope} are: one object, filled
 * again for every entry, so reading an envelope allocates nothing. Read it before the next scan.
 */
export const scanned = { clientEnd: 0, seq: 0, ack: 0, cmdStart: 0 };

/**
 * Reads an envelope in place: undefined when it is well formed (its fields are then in
 * {@link scanned}: client = data[1, clientEnd), cmd = data[cmdStart, end)), else what is malformed.
 */
export function scanEnvelope(data: string): string | undefined {
  if (!isEnvelope(data)) return 'malformed request: not an envelope (@client seq ack command)';
  const a = data.indexOf(' ', 1);
  const b = a < 0 ? -1 : data.indexOf(' ', a + 1);
  const c = b < 0 ? -1 : data.indexOf(' ', b + 1);
  if (a <= 1) return 'malformed request: no client id';
  if (c < 0) return 'malformed request: expected @client seq ack command';
  const seq = countAt(data, a + 1, b);
  const ack = countAt(data, b + 1, c);
  if (seq < 1) return 'malformed request: seq must be a positive integer';
  if (ack < 0 || ack > seq) return 'malformed request: ack must be an integer from 0 to seq';
  scanned.clientEnd = a;
  scanned.seq = seq;
  scanned.ack = ack;
  scanned.cmdStart = c + 1;
  return undefined;
}

/** Decodes an envelope; never throws. The message says what is malformed. */
export function decodeEnvelope(data: string): { ok: true; envelope: ClientEnvelope } | { ok: false; message: string } {
  const problem = scanEnvelope(data);
  if (problem !== undefined) return { ok: false, message: problem };
  const { clientEnd, seq, ack, cmdStart } = scanned;
  return { ok: true, envelope: { client: data.slice(1, clientEnd), seq, ack, cmd: data.slice(cmdStart) } };
}

/** The command line inside entry data, for display: the envelope's `cmd`, or the data itself. */
export function commandOf(data: string): string {
  if (!isEnvelope(data)) return data;
  const decoded = decodeEnvelope(data);
  return decoded.ok ? decoded.envelope.cmd : data;
}
