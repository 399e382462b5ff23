/**
 * A splitter of a byte stream into newline-terminated lines, with a maximum line length.
 *
 * Works on raw bytes, not strings: a multi-byte UTF-8 character split across two TCP chunks stays
 * whole, and the length limit is in bytes. A line longer than the limit is a framing violation:
 * the caller must close the connection, because there is no safe way to find the next message.
 *
 * Lines are handed to a callback one at a time, and the limit is read again before each line:
 * a handler that raises the limit after a small handshake line raises it for the very next line,
 * even when both arrived in the same chunk (one TCP read often holds the end of a handshake and
 * the first large message behind it).
 */
export class NdjsonFramer {
  /** Bytes of the current unfinished line, in arrival order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  /** @param maxLineBytes the most bytes one line may hold, not counting its newline. */
  constructor(private maxLineBytes: number) {}

  /** The limit that applies to the next line. */
  get limit(): number {
    return this.maxLineBytes;
  }

  /** Changes the limit for the lines still to come, starting with the next one. */
  setMaxLineBytes(maxLineBytes: number): void {
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Feeds one chunk, calling `onLine` with each complete line (without its newline) in order.
   * `onLine` may change the limit, or return false to stop reading this chunk (the caller is
   * closing the connection). Returns whether the limit was exceeded; once it has been, every
   * later chunk is ignored.
   */
  push(chunk: Buffer, onLine: (line: Buffer) => unknown): { overflow: boolean } {
    if (this.overflowed) return { overflow: true };
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline < 0 ? chunk.length : newline);
      if (this.pendingBytes + piece.length > this.maxLineBytes) {
        this.overflowed = true;
        this.pending = [];
        this.pendingBytes = 0;
        return { overflow: true };
      }
      if (newline < 0) {
        if (piece.length > 0) {
          this.pending.push(piece);
          this.pendingBytes += piece.length;
        }
        return { overflow: false };
      }
      let line = piece;
      if (this.pending.length > 0) {
        this.pending.push(piece);
        line = Buffer.concat(this.pending, this.pendingBytes + piece.length);
        this.pending = [];
        this.pendingBytes = 0;
      }
      start = newline + 1;
      if (onLine(line) === false) return { overflow: false };
    }
  }

  /** Bytes held for a line that has not ended yet. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}
