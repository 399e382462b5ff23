import type { Socket } from 'node:net';
import { NdjsonFramer } from '../net/ndjson-framer.js';

/** The longest line an admin connection accepts (a status with a long log fits). */
export const MAX_ADMIN_LINE_BYTES = 64 * 1024 * 1024;

/**
 * A socket that speaks one JSON object per line: writes are batched per event-loop turn, a
 * line that is not a JSON object is refused (the connection closes: there is no safe way on).
 */
export class JsonLines {
  private readonly framer = new NdjsonFramer(MAX_ADMIN_LINE_BYTES);
  private queue: string[] = [];
  private flushing: NodeJS.Immediate | undefined;
  private handler: ((o: Record<string, unknown>) => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      const { overflow } = this.framer.push(chunk, (line) => {
        if (socket.destroyed) return;
        let value: unknown;
        try {
          value = JSON.parse(line.toString('utf8'));
        } catch {
          value = undefined;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          socket.destroy();
          return;
        }
        this.handler?.(value as Record<string, unknown>);
      });
      if (overflow) socket.destroy();
    });
  }

  onLine(handler: (o: Record<string, unknown>) => void): void {
    this.handler = handler;
  }

  send(o: unknown): void {
    if (this.socket.destroyed) return;
    this.queue.push(`${JSON.stringify(o)}\n`);
    this.flushing ??= setImmediate(() => {
      this.flushing = undefined;
      const batch = this.queue.join('');
      this.queue = [];
      if (!this.socket.destroyed) this.socket.write(batch);
    });
  }

  close(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    this.queue = [];
    this.socket.destroy();
  }
}
