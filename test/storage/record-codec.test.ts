import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/storage/crc32.js';
import { encodeRecords, scanRecords } from '../../src/storage/record-codec.js';
import { StorageCorruptionError } from '../../src/storage/storage-error.js';

const payloads = ['{"a":1}', '{"bb":22}', '{"ccc":333}'].map((s) => Buffer.from(s));

describe('record codec', () => {
  it('frames each payload as length, CRC-32, payload', () => {
    const bytes = encodeRecords([Buffer.from('hello')]);
    expect(bytes.readUInt32BE(0)).toBe(5);
    // The well-known CRC-32 of "hello".
    expect(bytes.readUInt32BE(4)).toBe(0x3610a686);
    expect(crc32(Buffer.from('hello'))).toBe(0x3610a686);
    expect(bytes.subarray(8).toString()).toBe('hello');
  });

  it('scans back what it encoded, with offsets', () => {
    const bytes = encodeRecords(payloads);
    const scan = scanRecords(bytes, 'f');
    expect(scan.tail).toBeNull();
    expect(scan.goodBytes).toBe(bytes.length);
    expect(scan.records.map((r) => r.payload.toString())).toEqual(payloads.map((p) => p.toString()));
    expect(scan.records.map((r) => r.offset)).toEqual([0, 15, 32]);
  });

  it('refuses empty payloads, which a run of zero bytes would imitate', () => {
    expect(() => encodeRecords([Buffer.alloc(0)])).toThrow(RangeError);
    const scan = scanRecords(Buffer.alloc(16), 'f');
    expect(scan.records).toEqual([]);
    expect(scan.tail).toEqual({ offset: 0, droppedBytes: 16, reason: 'impossible record length 0' });
  });

  it('an impossible length followed by valid records is corruption, not a torn tail', () => {
    const bytes = encodeRecords(payloads);
    bytes.writeUInt32BE(0xfffffff0, 15);
    expect(() => scanRecords(bytes, 'the-file')).toThrow(StorageCorruptionError);
    expect(() => scanRecords(bytes, 'the-file')).toThrow(/the-file at byte offset 15: impossible record length/);
  });
});
