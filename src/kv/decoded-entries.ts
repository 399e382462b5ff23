import { decodeEnvelope, isEnvelope } from './envelope.js';
import { type ParsedKvOp, parseKvOp } from './parse.js';

/** Entry data taken apart: a client envelope around a parsed command, or a bare command line. */
export type DecodedEntry =
  | { envelope: true; client: string; seq: number; ack: number; parsed: ParsedKvOp }
  | { envelope: true; malformed: string }
  | { envelope: false; parsed: ParsedKvOp };

/** Entries kept per generation: the nodes of a cluster apply an entry within moments of each other. */
const GENERATION_SIZE = 128;

/**
 * Decodes entry data, remembering the last few thousand answers. Every node of a cluster applies
 * the same entry (in one process, the very same string), and decoding is a pure function of the
 * data, so the first node to apply an entry decodes it and the others reuse the answer. The
 * answers are shared: callers must not change them. Two generations of at most
 * {@link GENERATION_SIZE} each: when the young one fills up, the old one is dropped.
 */
export class DecodedEntries {
  private young = new Map<string, DecodedEntry>();
  private old = new Map<string, DecodedEntry>();
  /**
   * One string per client id: a state machine looks its session up by client on every apply,
   * and a lookup with the very string the map holds needs no comparison of characters.
   */
  private clients = new Map<string, string>();

  get(data: string): DecodedEntry {
    let d = this.young.get(data);
    if (d !== undefined) return d;
    d = this.old.get(data) ?? this.withSharedClient(decodeEntry(data));
    if (this.young.size >= GENERATION_SIZE) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(data, d);
    return d;
  }

  private withSharedClient(d: DecodedEntry): DecodedEntry {
    if (!('client' in d)) return d;
    const shared = this.clients.get(d.client);
    if (shared !== undefined) d.client = shared;
    else {
      if (this.clients.size >= GENERATION_SIZE) this.clients.clear();
      this.clients.set(d.client, d.client);
    }
    return d;
  }
}

/** The memo every key-value state machine in this process shares. */
export const decodedEntries = new DecodedEntries();

/** Decodes entry data without a memo. */
export function decodeEntry(data: string): DecodedEntry {
  if (!isEnvelope(data)) return { envelope: false, parsed: parseKvOp(data) };
  const decoded = decodeEnvelope(data);
  if (!decoded.ok) return { envelope: true, malformed: decoded.message };
  const { client, seq, ack, cmd } = decoded.envelope;
  return { envelope: true, client, seq, ack, parsed: parseKvOp(cmd) };
}
