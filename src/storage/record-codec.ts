import { crc32 } from './crc32.js';
import { StorageCorruptionError } from './storage-error.js';

/**
 * The framing of every storage file: a record is a 4-byte big-endian payload length, a 4-byte
 * big-endian CRC-32 of the payload, then the payload. Records are appended one after another.
 */

export const RECORD_HEADER_BYTES = 8;
/** No payload is ever this large; a bigger length field is damage, not data. */
export const MAX_RECORD_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** One record found in a file, with where it starts. */
export interface DecodedRecord {
  offset: number;
  payload: Buffer;
}

/** The good records of a buffer, and the torn or corrupt tail after them, if any. */
export interface ScanResult {
  records: DecodedRecord[];
  /** Length of the good prefix: where the file must be cut when there is a tail. */
  goodBytes: number;
  tail: { offset: number; droppedBytes: number; reason: string } | null;
}

/** Frames each payload as a record and concatenates them into ONE buffer (one write). */
export function encodeRecords(payloads: readonly Buffer[]): Buffer {
  let total = 0;
  for (const p of payloads) total += RECORD_HEADER_BYTES + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    if (p.length === 0 || p.length > MAX_RECORD_PAYLOAD_BYTES) {
      throw new RangeError(`record payload of ${p.length} bytes is out of range`);
    }
    out.writeUInt32BE(p.length, at);
    out.writeUInt32BE(crc32(p), at + 4);
    p.copy(out, at + RECORD_HEADER_BYTES);
    at += RECORD_HEADER_BYTES + p.length;
  }
  return out;
}

/**
 * Checks the record that starts at `offset`: its length in bytes (header included) when it is
 * whole and its checksum matches, or why it is not.
 */
export function checkRecordAt(buf: Buffer, offset: number): { size: number } | { problem: string } {
  const left = buf.length - offset;
  if (left < RECORD_HEADER_BYTES) {
    return { problem: `incomplete record header (${left} of ${RECORD_HEADER_BYTES} bytes)` };
  }
  const length = buf.readUInt32BE(offset);
  // A zero length would make a run of zero bytes (a file extended but never written) look valid.
  if (length === 0 || length > MAX_RECORD_PAYLOAD_BYTES) {
    return { problem: `impossible record length ${length}` };
  }
  if (left - RECORD_HEADER_BYTES < length) {
    return { problem: `incomplete record payload (${left - RECORD_HEADER_BYTES} of ${length} bytes)` };
  }
  const start = offset + RECORD_HEADER_BYTES;
  if (crc32(buf.subarray(start, start + length)) !== buf.readUInt32BE(offset + 4)) {
    return { problem: 'checksum mismatch' };
  }
  return { size: RECORD_HEADER_BYTES + length };
}

/**
 * Splits a file's bytes into records. A bad record with nothing valid after it is the tail of a
 * write that a crash cut short: it is returned as `tail` for the caller to cut off and report.
 * A bad record FOLLOWED by a valid one cannot come from a torn append — it is damage to data that
 * was already durable — so it throws a {@link StorageCorruptionError} naming `file` and the offset.
 */
export function scanRecords(buf: Buffer, file: string): ScanResult {
  const records: DecodedRecord[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const check = checkRecordAt(buf, offset);
    if ('size' in check) {
      records.push({
        offset,
        payload: buf.subarray(offset + RECORD_HEADER_BYTES, offset + check.size),
      });
      offset += check.size;
      continue;
    }
    const next = findValidRecord(buf, offset + 1);
    if (next !== null) {
      throw new StorageCorruptionError(
        file,
        offset,
        `${check.problem}, yet a valid record follows at byte offset ${next}: ` +
          'this is damage inside the log, not a write cut short by a crash',
      );
    }
    return {
      records,
      goodBytes: offset,
      tail: { offset, droppedBytes: buf.length - offset, reason: check.problem },
    };
  }
  return { records, goodBytes: offset, tail: null };
}

/** The first offset ≥ `from` where a whole record with a matching checksum starts, or null. */
function findValidRecord(buf: Buffer, from: number): number | null {
  for (let at = from; at + RECORD_HEADER_BYTES < buf.length; at++) {
    const length = buf.readUInt32BE(at);
    // Cheap bounds first: most offsets fail here without computing a checksum.
    if (length === 0 || length > MAX_RECORD_PAYLOAD_BYTES) continue;
    if (at + RECORD_HEADER_BYTES + length > buf.length) continue;
    if ('size' in checkRecordAt(buf, at)) return at;
  }
  return null;
}
