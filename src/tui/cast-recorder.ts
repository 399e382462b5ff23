/**
 * An asciicast v2 recording of exactly what the terminal was sent: a JSON header line (version,
 * width, height, timestamp, title, env), then one `[seconds, "o", data]` line per write and
 * `[seconds, "r", "COLSxROWS"]` per resize. Written as it happens, so a recording cut short
 * still plays up to there. Nothing else needed (no asciinema).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface CastRecorder {
  /** The terminal stream to hand to the dashboard: every write also goes to the recording. */
  stream: NodeJS.WriteStream;
  close(): void;
}

export interface CastOptions {
  title: string;
  env?: Record<string, string>;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

/** Starts recording `terminal` into `path` (created or replaced). */
export function recordCast(path: string, terminal: NodeJS.WriteStream, options: CastOptions): CastRecorder {
  const now = options.now ?? (() => performance.now());
  const fd = openSync(path, 'w');
  const start = now();
  const header = {
    version: 2,
    width: terminal.columns || 80,
    height: terminal.rows || 24,
    timestamp: Math.floor(Date.now() / 1000),
    title: options.title,
    ...(options.env ? { env: options.env } : {}),
  };
  writeSync(fd, `${JSON.stringify(header)}\n`);
  let closed = false;
  const decoder = new StringDecoder('utf8');
  const event = (code: 'o' | 'r', data: string): void => {
    if (closed || data === '') return;
    const seconds = Number(((now() - start) / 1000).toFixed(6));
    writeSync(fd, `${JSON.stringify([seconds, code, data])}\n`);
  };
  const onResize = (): void => event('r', `${terminal.columns}x${terminal.rows}`);
  terminal.on('resize', onResize);
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    // A multi-byte character split across writes stays whole in the recording.
    if (typeof chunk === 'string') event('o', decoder.write(Buffer.from(chunk, 'utf8')));
    else if (chunk instanceof Uint8Array) event('o', decoder.write(Buffer.from(chunk)));
    return (terminal.write as (...a: unknown[]) => boolean)(chunk, ...rest);
  };
  const stream = new Proxy(terminal, {
    get(target, key) {
      if (key === 'write') return write;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    stream,
    close() {
      if (closed) return;
      event('o', decoder.end());
      closed = true;
      terminal.off('resize', onResize);
      closeSync(fd);
    },
  };
}
