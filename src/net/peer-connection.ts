import { connect, type Socket } from 'node:net';
import type { NodeId } from '../raft/types.js';
import { Backoff } from './backoff.js';
import { encodeHello } from './hello.js';

export interface PeerConnectionOptions {
  /** This node: named in the hello line. */
  self: NodeId;
  peer: NodeId;
  clusterId: string;
  host: string;
  /** Above this many bytes waiting in the socket, new messages are dropped instead of queued. */
  maxBufferedBytes: number;
  /** First and largest wait between reconnect attempts. */
  backoffMs: [number, number];
  /** Messages handed to the socket, per write. */
  onSent(count: number): void;
  /** Messages dropped: not connected, backed up, or lost with a closing socket. */
  onDropped(count: number): void;
}

/**
 * One long-lived outbound connection from this node to one peer. This node only ever writes on
 * it (the peer's replies come back on the peer's own outbound connection). It reconnects with
 * capped exponential backoff while running, and batches everything sent in one event-loop turn
 * into a single socket write.
 */
export class PeerConnection {
  private socket: Socket | undefined;
  private connected = false;
  private connectedAt = 0;
  private running = false;
  private port: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  /** Lines waiting for this turn's write, and their total length. */
  private queue: string[] = [];
  private queuedBytes = 0;
  /** Sockets being destroyed, so stop() can wait until every one has closed. */
  private readonly closing = new Set<Promise<void>>();
  private readonly backoff: Backoff;
  private readonly hello: string;

  constructor(private readonly options: PeerConnectionOptions) {
    this.backoff = new Backoff(options.backoffMs[0], options.backoffMs[1]);
    this.hello = encodeHello(options.clusterId, options.self);
  }

  /** Whether the connection is open and has sent its hello. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Tells where the peer listens; a changed port drops the old connection and dials the new one. */
  setPort(port: number): void {
    if (port === this.port) return;
    this.port = port;
    this.backoff.reset();
    this.clearRetry();
    if (this.socket) void this.dropSocket(this.socket);
    this.connect();
  }

  start(): void {
    this.running = true;
    this.backoff.reset();
    this.connect();
  }

  /** Closes the connection and stops reconnecting; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearRetry();
    this.dropQueue();
    if (this.socket) void this.dropSocket(this.socket);
    await Promise.all([...this.closing]);
  }

  /**
   * Queues one newline-terminated line for this turn's write. Returns false (and counts it) when
   * it is dropped: not connected, or the socket already holds more than the bound.
   */
  enqueue(line: string): boolean {
    const socket = this.socket;
    if (!this.connected || !socket || socket.writableLength + this.queuedBytes > this.options.maxBufferedBytes) {
      this.options.onDropped(1);
      return false;
    }
    this.queue.push(line);
    this.queuedBytes += line.length;
    this.flushImmediate ??= setImmediate(() => this.flush());
    return true;
  }

  private flush(): void {
    this.flushImmediate = undefined;
    const count = this.queue.length;
    if (count === 0) return;
    const socket = this.socket;
    if (!this.connected || !socket) {
      this.dropQueue();
      return;
    }
    const batch = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    socket.write(batch);
    this.options.onSent(count);
  }

  private connect(): void {
    if (!this.running || this.port === undefined || this.socket || this.retryTimer) return;
    const socket = connect({ host: this.options.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    // The peer never writes here; discard anything that arrives so 'end' and 'close' still come.
    socket.resume();
    // Every error is followed by 'close', which is where reconnecting happens.
    socket.on('error', () => {});
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      this.connectedAt = performance.now();
      socket.write(this.hello);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.connected) this.backoff.connectionLasted(performance.now() - this.connectedAt);
      this.connected = false;
      this.dropQueue();
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, this.backoff.next());
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Forgets a socket (so its 'close' starts no retry) and destroys it. */
  private dropSocket(socket: Socket): Promise<void> {
    if (this.socket === socket) {
      this.socket = undefined;
      this.connected = false;
      this.dropQueue();
    }
    if (socket.closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
    socket.destroy();
    return closed;
  }

  private dropQueue(): void {
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = undefined;
    if (this.queue.length > 0) this.options.onDropped(this.queue.length);
    this.queue = [];
    this.queuedBytes = 0;
  }
}
