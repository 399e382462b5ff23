/**
 * A splitter of a byte stream into newline-terminated lines, with a maximum line length.
 *
 * Works on raw bytes, not strings: a multi-byte UTF-8 character split across two TCP chunks stays
 * whole, and the length limit is in bytes. A line longer than the limit is a framing violation:
 * the caller must close the connection, because there is no safe way to find the next message.
 */
export class NdjsonFramer {
  /** Bytes of the current unfinished line, in arrival order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  /** @param maxLineBytes the most bytes one line may hold, not counting its newline. */
  constructor(private maxLineBytes: number) {}

  /** Changes the limit for the lines still to come (e.g. after a small handshake line). */
  setMaxLineBytes(maxLineBytes: number): void {
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Feeds one chunk. Returns the complete lines it finished (without their newline) and whether
   * the limit was exceeded; once it has been, every later chunk is ignored.
   */
  push(chunk: Buffer): { lines: Buffer[]; overflow: boolean } {
    const lines: Buffer[] = [];
    if (this.overflowed) return { lines, overflow: true };
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline < 0 ? chunk.length : newline);
      if (this.pendingBytes + piece.length > this.maxLineBytes) {
        this.overflowed = true;
        this.pending = [];
        this.pendingBytes = 0;
        return { lines, overflow: true };
      }
      if (newline < 0) {
        if (piece.length > 0) {
          this.pending.push(piece);
          this.pendingBytes += piece.length;
        }
        return { lines, overflow: false };
      }
      if (this.pending.length === 0) {
        lines.push(piece);
      } else {
        this.pending.push(piece);
        lines.push(Buffer.concat(this.pending, this.pendingBytes + piece.length));
        this.pending = [];
        this.pendingBytes = 0;
      }
      start = newline + 1;
    }
  }

  /** Bytes held for a line that has not ended yet. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}
