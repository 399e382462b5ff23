import type { Socket } from 'node:net';
import type { Message, NodeId } from '../raft/types.js';
import { checkHello, MAX_HELLO_BYTES } from './hello.js';
import { NdjsonFramer } from './ndjson-framer.js';
import type { BadInputReason } from './types.js';
import { validateMessage } from './validate-message.js';

export interface InboundConnectionOptions {
  self: NodeId;
  clusterId: string;
  /** The nodes allowed to connect (this node excluded). */
  peers: ReadonlySet<NodeId>;
  maxLineBytes: number;
  helloTimeoutMs: number;
  onBadInput(reason: BadInputReason, detail: string): void;
  /** A message that passed every check: known shape, addressed here, from this connection's node. */
  onMessage(message: Message): void;
  onClose(connection: InboundConnection): void;
  /** Something threw while handling bytes (a bug, not bad input): the connection is closed. */
  onError(error: unknown): void;
}

/**
 * One accepted connection: this node only reads from it. The first line must be a hello naming
 * our cluster and a known peer, within a deadline; after it, every line must be one valid Raft
 * message from that peer to us. Bad lines are counted and dropped and the connection stays open;
 * a bad hello, a missing hello or an over-long line closes it.
 */
export class InboundConnection {
  /** The peer named by the hello; undefined until it arrives. */
  private peer: NodeId | undefined;
  private readonly framer: NdjsonFramer;
  private helloTimer: NodeJS.Timeout | undefined;
  private readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly options: InboundConnectionOptions,
  ) {
    this.framer = new NdjsonFramer(Math.min(MAX_HELLO_BYTES, options.maxLineBytes));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.clearHelloTimer();
      options.onClose(this);
    });
    socket.on('data', (chunk: Buffer) => {
      // Nothing may escape a socket handler: it would take the whole process down.
      try {
        this.receive(chunk);
      } catch (error) {
        socket.destroy();
        options.onError(error);
      }
    });
    this.helloTimer = setTimeout(() => {
      this.helloTimer = undefined;
      this.refuse('hello-timeout', `no hello within ${options.helloTimeoutMs} ms from ${this.remote()}`);
    }, options.helloTimeoutMs);
  }

  /** Destroys the socket; resolves once it has closed. */
  close(): Promise<void> {
    this.clearHelloTimer();
    this.socket.destroy();
    return this.closed;
  }

  private receive(chunk: Buffer): void {
    const { lines, overflow } = this.framer.push(chunk);
    for (const line of lines) {
      if (this.socket.destroyed) return;
      this.handleLine(line);
    }
    if (overflow && !this.socket.destroyed) {
      const limit = this.peer === undefined ? Math.min(MAX_HELLO_BYTES, this.options.maxLineBytes) : this.options.maxLineBytes;
      this.refuse('line-too-long', `a line longer than ${limit} bytes from ${this.remote()}`);
    }
  }

  private handleLine(line: Buffer): void {
    const text = line.toString('utf8');
    if (this.peer === undefined) {
      const hello = checkHello(text, this.options.clusterId, this.options.peers);
      if (!hello.ok) {
        this.refuse(hello.reason, `${hello.detail} (${this.remote()})`);
        return;
      }
      this.peer = hello.node;
      this.clearHelloTimer();
      this.framer.setMaxLineBytes(this.options.maxLineBytes);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.options.onBadInput('invalid-json', `a line that is not JSON from node ${this.peer}`);
      return;
    }
    const checked = validateMessage(value);
    if (!checked.ok) {
      this.options.onBadInput('invalid-message', `${checked.detail} (from node ${this.peer})`);
      return;
    }
    const message = checked.message;
    if (message.to !== this.options.self) {
      this.options.onBadInput('invalid-message', `a message for node ${message.to} arrived at node ${this.options.self}`);
      return;
    }
    if (message.from !== this.peer) {
      this.options.onBadInput('wrong-sender', `a message claiming node ${message.from} on node ${this.peer}'s connection`);
      return;
    }
    this.options.onMessage(message);
  }

  /** Counts the reason and closes the connection. */
  private refuse(reason: BadInputReason, detail: string): void {
    this.options.onBadInput(reason, detail);
    this.clearHelloTimer();
    this.socket.destroy();
  }

  private clearHelloTimer(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
  }

  private remote(): string {
    return this.peer !== undefined ? `node ${this.peer}` : `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }
}
