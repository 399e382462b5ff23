import { connect, type Socket } from 'node:net';
import type { NodeId } from '../raft/types.js';
import { Backoff } from './backoff.js';
import type { ClusterSecret } from './cluster-secret.js';
import {
  checkProof,
  encodeHello,
  encodeProof,
  type HandshakeTranscript,
  MAX_HANDSHAKE_LINE_BYTES,
  newNonce,
  parseChallenge,
} from './handshake.js';
import { NdjsonFramer } from './ndjson-framer.js';
import type { BadInputReason } from './types.js';

export interface PeerConnectionOptions {
  /** This node: named in the hello line. */
  self: NodeId;
  peer: NodeId;
  secret: ClusterSecret;
  host: string;
  /** Above this many bytes waiting in the socket, new messages are dropped instead of queued. */
  maxBufferedBytes: number;
  /** First and largest wait between reconnect attempts. */
  backoffMs: [number, number];
  /** From connect to the listener's valid proof. */
  handshakeTimeoutMs: number;
  /** Once authenticated: a keepalive line goes out when nothing else was written for this long. */
  keepaliveMs: number;
  /** Messages handed to the socket, per write. */
  onSent(count: number): void;
  /** Messages dropped: not connected, backed up, or lost with a closing socket. */
  onDropped(count: number): void;
  /** The other end failed the handshake (it does not hold the secret, or never answered). */
  onBadInput(reason: BadInputReason, detail: string): void;
}

type Stage = 'challenge' | 'proof' | 'open';

/**
 * One long-lived outbound connection from this node to one peer: the connecting side of the
 * handshake (handshake.ts), then a write-only stream of Raft messages (the peer's replies come
 * back on the peer's own outbound connection). No Raft message is written before the listener
 * has proved it holds the cluster secret, so whatever squats on a crashed peer's port learns
 * nothing. It reconnects with capped exponential backoff while running, batches everything sent
 * in one event-loop turn into a single socket write, and writes an empty keepalive line when
 * the link has been quiet, so the peer can tell a quiet link from a dead one.
 */
export class PeerConnection {
  private socket: Socket | undefined;
  private stage: Stage = 'challenge';
  private connectedAt = 0;
  private running = false;
  private port: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  /** Whether anything was written since the last keepalive check. */
  private wroteRecently = false;
  private flushImmediate: NodeJS.Immediate | undefined;
  /** Lines waiting for this turn's write, and their total length. */
  private queue: string[] = [];
  private queuedBytes = 0;
  /** Sockets being destroyed, so stop() can wait until every one has closed. */
  private readonly closing = new Set<Promise<void>>();
  private readonly backoff: Backoff;

  constructor(private readonly options: PeerConnectionOptions) {
    this.backoff = new Backoff(options.backoffMs[0], options.backoffMs[1]);
  }

  /** Whether the connection is open and both sides have proved they hold the secret. */
  get isConnected(): boolean {
    return this.socket !== undefined && this.stage === 'open';
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

  /**
   * The peer just proved it is up: it connected to us and authenticated. If we are waiting out
   * a backoff before dialling it again (it was down), dial now: after a crash and restart, its
   * leader's messages would otherwise wait up to the longest backoff to reach it.
   */
  peerIsUp(): void {
    if (!this.running || this.socket || !this.retryTimer) return;
    this.backoff.reset();
    this.clearRetry();
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
    if (this.stage !== 'open' || !socket || socket.writableLength + this.queuedBytes > this.options.maxBufferedBytes) {
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
    if (this.stage !== 'open' || !socket) {
      this.dropQueue();
      return;
    }
    const batch = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    socket.write(batch);
    this.wroteRecently = true;
    this.options.onSent(count);
  }

  private connect(): void {
    if (!this.running || this.port === undefined || this.socket || this.retryTimer) return;
    const socket = connect({ host: this.options.host, port: this.port });
    const port = this.port;
    this.socket = socket;
    this.stage = 'challenge';
    socket.setNoDelay(true);
    // Every error is followed by 'close', which is where reconnecting happens.
    socket.on('error', () => {});
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.handshake(socket, port);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.clearTimers();
      if (this.stage === 'open') this.backoff.connectionLasted(performance.now() - this.connectedAt);
      this.stage = 'challenge';
      this.dropQueue();
      this.scheduleRetry();
    });
  }

  /** Runs the connecting side of the handshake on a freshly connected socket. */
  private handshake(socket: Socket, port: number): void {
    const connectorNonce = newNonce();
    const framer = new NdjsonFramer(MAX_HANDSHAKE_LINE_BYTES);
    let transcript: HandshakeTranscript | undefined;
    const who = `the process on node ${this.options.peer}'s port ${port}`;
    const fail = (reason: BadInputReason, detail: string): void => {
      if (socket.destroyed) return;
      this.clearTimers();
      socket.destroy();
      this.options.onBadInput(reason, `${detail}; no Raft message was sent to it`);
    };
    const onLine = (line: Buffer): boolean => {
      const text = line.toString('utf8');
      if (this.stage === 'challenge') {
        const listenerNonce = parseChallenge(text);
        if (listenerNonce === undefined || listenerNonce === connectorNonce) {
          fail('bad-proof', `${who} did not answer the hello with a challenge`);
          return false;
        }
        transcript = { connector: this.options.self, listener: this.options.peer, connectorNonce, listenerNonce };
        this.stage = 'proof';
        socket.write(encodeProof(this.options.secret, 'connector', transcript));
        return true;
      }
      if (this.stage === 'proof') {
        if (!checkProof(text, this.options.secret, 'listener', transcript!)) {
          fail('bad-proof', `${who} did not prove it holds the cluster secret`);
          return false;
        }
        this.opened();
      }
      // Once open, the peer has nothing to say on this connection: anything else is ignored.
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket || this.stage === 'open') return;
      // Nothing may escape a socket handler: it would take the whole process down.
      try {
        if (framer.push(chunk, onLine).overflow)
          fail('bad-proof', `${who} sent a handshake line longer than ${MAX_HANDSHAKE_LINE_BYTES} bytes`);
      } catch (error) {
        fail('bad-proof', `${who} broke the handshake (${error instanceof Error ? error.message : String(error)})`);
      }
    });
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = undefined;
      fail('handshake-timeout', `${who} did not finish the handshake within ${this.options.handshakeTimeoutMs} ms`);
    }, this.options.handshakeTimeoutMs);
    socket.write(encodeHello(this.options.self, this.options.peer, connectorNonce));
  }

  /** Both sides are proved: messages may flow, and keepalives keep the quiet link alive. */
  private opened(): void {
    this.stage = 'open';
    this.connectedAt = performance.now();
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.wroteRecently = false;
    this.keepaliveTimer = setInterval(() => {
      if (!this.wroteRecently && this.stage === 'open') this.socket?.write('\n');
      this.wroteRecently = false;
    }, this.options.keepaliveMs);
    this.keepaliveTimer.unref();
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

  private clearTimers(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  /** Forgets a socket (so its 'close' starts no retry) and destroys it. */
  private dropSocket(socket: Socket): Promise<void> {
    if (this.socket === socket) {
      this.socket = undefined;
      this.stage = 'challenge';
      this.clearTimers();
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
