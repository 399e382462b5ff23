import * as zlib from 'node:zlib';

/**
 * CRC-32 (the zlib/IEEE polynomial) of a byte range, from Node's own `zlib.crc32`. That function
 * arrived in Node 20.15 / 22.2; on an older Node, durable storage refuses to start rather than
 * write files it could not check later.
 */
export function crc32(data: Uint8Array): number {
  const fn = nodeCrc32();
  return fn(data) >>> 0;
}

/** Throws a clear error when this Node has no `zlib.crc32`. */
export function assertCrc32Available(): void {
  nodeCrc32();
}

function nodeCrc32(): (data: Uint8Array) => number {
  // Read through an index so an old Node (no export) yields undefined instead of a type error.
  const fn = (zlib as Record<string, unknown>).crc32;
  if (typeof fn !== 'function') {
    throw new Error(
      `file storage needs zlib.crc32, which this Node (${process.version}) lacks: ` +
        'use Node 20.15 or later, or run without a data folder (memory storage)',
    );
  }
  return fn as (data: Uint8Array) => number;
}
