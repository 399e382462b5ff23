import type { ParsedKvOp } from './parse.js';

/** Slots (a power of two): commands wait in the log only a few moments between submit and apply. */
const SLOTS = 64;

/** Characters hashed from the end of a command: its tail (the value) is where commands differ. */
const HASHED = 8;

/**
 * The parses of recently submitted commands, for the state machine to reuse when it applies
 * them. A client's command is parsed when it is submitted and again when its entry is applied,
 * from the same text; parsing is a pure function of the text, so the second parse can be the
 * first one's answer. Found by the text alone, compared in place inside the entry data (no
 * copy of the command is made to look it up); a slot answers only for text equal to its own,
 * else the caller parses afresh — so the answer is always what parsing gives. Slot = a hash
 * of the text; a newer command takes the slot over. Holds only parses of the very text
 * remembered. The answers are shared: callers must not change them.
 */
export class RecentCommands {
  private readonly texts: string[] = new Array<string>(SLOTS).fill('');
  private readonly parsed: (ParsedKvOp | undefined)[] = new Array<ParsedKvOp | undefined>(SLOTS).fill(undefined);

  /** Remembers that `text` parses to `parsed` (which must be parseKvOp(text)). */
  remember(text: string, parsed: ParsedKvOp): void {
    const slot = slotOf(text, 0);
    this.texts[slot] = text;
    this.parsed[slot] = parsed;
  }

  /** The remembered parse of `data.slice(from)`, or undefined when that text is not remembered. */
  find(data: string, from: number): ParsedKvOp | undefined {
    const slot = slotOf(data, from);
    const text = this.texts[slot]!;
    if (text.length === data.length - from && data.startsWith(text, from)) return this.parsed[slot];
    return undefined;
  }
}

/** The slot of the text `data.slice(from)`: its length and its last few characters, hashed. */
function slotOf(data: string, from: number): number {
  const end = data.length;
  let h = end - from;
  for (let i = Math.max(from, end - HASHED); i < end; i++) h = (h * 31 + data.charCodeAt(i)) | 0;
  return h & (SLOTS - 1);
}

/** The commands this process submitted lately: parseKvCommand remembers, the state machine finds. */
export const recentCommands = new RecentCommands();
