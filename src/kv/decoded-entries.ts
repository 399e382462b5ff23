import { isEnvelope, scanEnvelope, scanned } from './envelope.js';
import { type ParsedKvOp, parseKvOp } from './parse.js';
import { recentCommands } from './recent-commands.js';

/** Entry data taken apart: a client envelope around a parsed command, or a bare command line. */
export type DecodedEntry =
  | { envelope: true; client: string; seq: number; ack: number; parsed: ParsedKvOp }
  | { envelope: true; malformed: string }
  | { envelope: false; parsed: ParsedKvOp };

/** Slots of the memo (a power of two): the nodes of a cluster apply an entry within moments of each other. */
const SLOTS = 256;

/**
 * Decodes entry data, remembering the answer for each of the last few hundred log indexes.
 * Every node of a cluster applies the same entry at the same index (in one process, the very
 * same string), and decoding is a pure function of the data, so the first node to apply an
 * entry decodes it and the others reuse the answer. Slot = index mod {@link SLOTS}; a slot
 * answers only for the same index and the same data, else the data is decoded afresh — so the
 * answer is always what decoding gives. The answers are shared: callers must not change them.
 */
export class DecodedEntries {
  private readonly indexes: number[] = new Array<number>(SLOTS).fill(0);
  private readonly data: string[] = new Array<string>(SLOTS).fill('');
  private readonly decoded: (DecodedEntry | undefined)[] = new Array<DecodedEntry | undefined>(SLOTS).fill(undefined);
  /**
   * The client id of the last envelope decoded, handed out again for the next one from the
   * same client: a state machine looks its session up by client on every apply, and the very
   * string its session map holds is found without hashing or comparing characters again.
   */
  private lastClient = '';

  get(index: number, data: string): DecodedEntry {
    const slot = index & (SLOTS - 1);
    const known = this.decoded[slot];
    // The same string object compares at once; an equal copy (a node fed over TCP) by content.
    if (known !== undefined && this.indexes[slot] === index && this.data[slot] === data) return known;
    const d = decodeEntry(data, this.lastClient);
    if ('client' in d) this.lastClient = d.client;
    this.indexes[slot] = index;
    this.data[slot] = data;
    this.decoded[slot] = d;
    return d;
  }
}

/** The memo every key-value state machine in this process shares. */
export const decodedEntries = new DecodedEntries();

/**
 * Decodes entry data without a memo. A client id equal to `lastClient` is given as that very
 * string (compared in place, not copied out); a command this process submitted lately is given
 * the parse it had then (recent-commands.ts), else it is parsed here.
 */
export function decodeEntry(data: string, lastClient = ''): DecodedEntry {
  if (!isEnvelope(data)) return { envelope: false, parsed: parseKvOp(data) };
  const problem = scanEnvelope(data);
  if (problem !== undefined) return { envelope: true, malformed: problem };
  const { clientEnd, seq, ack, cmdStart } = scanned;
  const client = clientEnd - 1 === lastClient.length && data.startsWith(lastClient, 1) ? lastClient : data.slice(1, clientEnd);
  const parsed = recentCommands.find(data, cmdStart) ?? parseKvOp(data.slice(cmdStart));
  return { envelope: true, client, seq, ack, parsed };
}
