import { describe, expect, it } from 'vitest';
import { NdjsonFramer } from '../../src/net/ndjson-framer.js';

const text = (lines: Buffer[]): string[] => lines.map((l) => l.toString('utf8'));

/** Feeds one chunk and collects what the framer hands out. */
function feed(f: NdjsonFramer, chunk: Buffer): { lines: Buffer[]; overflow: boolean } {
  const lines: Buffer[] = [];
  const { overflow } = f.push(chunk, (line) => lines.push(line));
  return { lines, overflow };
}

describe('NdjsonFramer', () => {
  it('splits one chunk holding several lines and keeps the unfinished tail', () => {
    const f = new NdjsonFramer(100);
    const r = feed(f, Buffer.from('a\nbb\nccc'));
    expect(text(r.lines)).toEqual(['a', 'bb']);
    expect(r.overflow).toBe(false);
    expect(f.bufferedBytes).toBe(3);
    expect(text(feed(f, Buffer.from('\n')).lines)).toEqual(['ccc']);
  });

  it('joins a line split over many chunks, including inside a UTF-8 character', () => {
    const f = new NdjsonFramer(100);
    const bytes = Buffer.from('{"data":"héllo €"}\n');
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...feed(f, bytes.subarray(i, i + 1)).lines);
    expect(text(out)).toEqual(['{"data":"héllo €"}']);
  });

  it('yields empty lines for consecutive newlines', () => {
    const f = new NdjsonFramer(10);
    expect(text(feed(f, Buffer.from('\n\nx\n')).lines)).toEqual(['', '', 'x']);
  });

  it('accepts a line of exactly the limit and overflows at one byte more', () => {
    const ok = new NdjsonFramer(5);
    expect(feed(ok, Buffer.from('12345\n'))).toEqual({ lines: [Buffer.from('12345')], overflow: false });
    const over = new NdjsonFramer(5);
    expect(feed(over, Buffer.from('123456\n')).overflow).toBe(true);
  });

  it('overflows on an unfinished line that grows past the limit, without waiting for a newline', () => {
    const f = new NdjsonFramer(8);
    expect(feed(f, Buffer.from('ok\n12345')).lines.map(String)).toEqual(['ok']);
    const r = feed(f, Buffer.from('6789'));
    expect(r.overflow).toBe(true);
    expect(f.bufferedBytes).toBe(0);
    // Once overflowed, everything after is ignored.
    expect(feed(f, Buffer.from('a\n'))).toEqual({ lines: [], overflow: true });
  });

  it('applies a raised limit to the lines after the change', () => {
    const f = new NdjsonFramer(3);
    expect(text(feed(f, Buffer.from('abc\n')).lines)).toEqual(['abc']);
    f.setMaxLineBytes(10);
    expect(text(feed(f, Buffer.from('abcdefghij\n')).lines)).toEqual(['abcdefghij']);
  });

  it('a limit raised by the handler of one line applies to the next line of the same chunk', () => {
    // A small handshake line and a large message behind it, read in one go.
    const f = new NdjsonFramer(4);
    const big = 'y'.repeat(50);
    const seen: string[] = [];
    const r = f.push(Buffer.from(`hi\n${big}\n`), (line) => {
      seen.push(line.toString('utf8'));
      f.setMaxLineBytes(100);
    });
    expect(r.overflow).toBe(false);
    expect(seen).toEqual(['hi', big]);
  });

  it('stops reading a chunk when the handler returns false', () => {
    const f = new NdjsonFramer(10);
    const seen: string[] = [];
    f.push(Buffer.from('a\nb\nc\n'), (line) => {
      seen.push(line.toString('utf8'));
      return seen.length < 2;
    });
    expect(seen).toEqual(['a', 'b']);
  });
});
