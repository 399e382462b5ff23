import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

/** A cluster secret is 256 bits. */
export const CLUSTER_SECRET_BYTES = 32;

/**
 * The key every node of one cluster holds, and nobody else: connections prove they know it by
 * challenge and response (handshake.ts), so it never crosses the wire.
 *
 * The bytes live in a private field and never come out: the object only computes and checks
 * HMAC-SHA256 tags. Printing it, logging it or putting it in JSON shows a placeholder, so a
 * secret cannot leak through a snapshot, an event or an error message by accident.
 */
export class ClusterSecret {
  readonly #key: Buffer;

  private constructor(key: Uint8Array) {
    this.#key = Buffer.from(key);
  }

  /** A fresh random secret (crypto.randomBytes): for a cluster whose state lives in memory only. */
  static generate(): ClusterSecret {
    return new ClusterSecret(randomBytes(CLUSTER_SECRET_BYTES));
  }

  /** A secret from stored bytes (a key file); they must be exactly 32 bytes. */
  static fromBytes(bytes: Uint8Array): ClusterSecret {
    if (bytes.length !== CLUSTER_SECRET_BYTES) {
      throw new Error(`a cluster secret is ${CLUSTER_SECRET_BYTES} bytes, not ${bytes.length}`);
    }
    return new ClusterSecret(bytes);
  }

  /** HMAC-SHA256 of `text` under the secret. */
  mac(text: string): Buffer {
    return createHmac('sha256', this.#key).update(text, 'utf8').digest();
  }

  /** Whether `tag` is the HMAC of `text`, compared in constant time. */
  verify(text: string, tag: Uint8Array): boolean {
    const expected = this.mac(text);
    return tag.length === expected.length && timingSafeEqual(tag, expected);
  }

  toJSON(): string {
    return '[cluster secret]';
  }

  toString(): string {
    return '[cluster secret]';
  }

  [inspect.custom](): string {
    return 'ClusterSecret [hidden]';
  }
}
