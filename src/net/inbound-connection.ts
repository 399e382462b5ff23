import type { Socket } from 'node:net';
import type { Message, NodeId } from '../raft/types.js';
import type { ClusterSecret } from './cluster-secret.js';
import {
  checkHello,
  checkProof,
  encodeChallenge,
  encodeProof,
  type HandshakeTranscript,
  MAX_HANDSHAKE_LINE_BYTES,
  newNonce,
} from './handshake.js';
import { NdjsonFramer } from './ndjson-framer.js';
import type { BadInputReason } from './types.js';
import { validateMessage } from './validate-message.js';

export interface InboundConnectionOptions {
  self: NodeId;
  secret: ClusterSecret;
  /** The nodes allowed to connect (this node excluded). */
  peers: ReadonlySet<NodeId>;
  maxLineBytes: number;
  /** From accept to the connector's valid proof. */
  handshakeTimeoutMs: number;
  /** Once authenticated: the longest silence (the peer sends keepalives) before closing. */
  idleTimeoutMs: number;
  onBadInput(reason: BadInputReason, detail: string): void;
  /** The connector proved it holds the secret: from now on this connection is `peer`'s. */
  onAuthenticated(connection: InboundConnection, peer: NodeId): void;
  /** A message that passed every check: known shape, addressed here, from this connection's node. */
  onMessage(message: Message): void;
  onClose(connection: InboundConnection): void;
  /** Something threw while handling bytes (a bug, not bad input): the connection is closed. */
  onError(error: unknown): void;
}

type Stage = 'hello' | 'proof' | 'open';

/**
 * One accepted connection, the listening side of the handshake (handshake.ts). Until the
 * connector has proved it holds the cluster secret, this side sends nothing but a random
 * challenge, accepts only small handshake lines, and closes the socket on the first wrong line
 * or at the handshake deadline. Once it has, this side proves itself in turn, and from then on
 * only reads: every line must be one valid Raft message from that peer to us (or an empty
 * keepalive line). Bad lines are counted and dropped and the connection stays open; an
 * over-long line or a silence longer than the idle deadline closes it.
 */
export class InboundConnection {
  private stage: Stage = 'hello';
  /** The peer named by the hello; trusted only once the stage is 'open'. */
  private peer: NodeId | undefined;
  private transcript: HandshakeTranscript | undefined;
  private readonly framer = new NdjsonFramer(MAX_HANDSHAKE_LINE_BYTES);
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** performance.now() of the last bytes received on an open connection. */
  private lastHeard = 0;
  private readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly options: InboundConnectionOptions,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.clearTimers();
      options.onClose(this);
    });
    socket.on('data', (chunk: Buffer) => {
      // Nothing may escape a socket handler: it would take the whole process down.
      try {
        this.receive(chunk);
      } catch (error) {
        this.clearTimers();
        socket.destroy();
        options.onError(error);
      }
    });
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = undefined;
      this.refuse('handshake-timeout', `no handshake within ${options.handshakeTimeoutMs} ms from ${this.remote()}`);
    }, options.handshakeTimeoutMs);
  }

  /** Whether the connector has proved it holds the secret. */
  get authenticated(): boolean {
    return this.stage === 'open';
  }

  /** Destroys the socket; resolves once it has closed. */
  close(): Promise<void> {
    this.clearTimers();
    this.socket.destroy();
    return this.closed;
  }

  /** Counts the reason and closes the connection. */
  refuse(reason: BadInputReason, detail: string): void {
    if (this.socket.destroyed) return;
    this.options.onBadInput(reason, detail);
    this.clearTimers();
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.stage === 'open') this.lastHeard = performance.now();
    const { overflow } = this.framer.push(chunk, (line) => {
      this.handleLine(line);
      return !this.socket.destroyed;
    });
    if (overflow && !this.socket.destroyed) {
      this.refuse('line-too-long', `a line longer than ${this.framer.limit} bytes from ${this.remote()}`);
    }
  }

  private handleLine(line: Buffer): void {
    const text = line.toString('utf8');
    if (this.stage === 'hello') return this.handleHello(text);
    if (this.stage === 'proof') return this.handleProof(text);
    this.handleMessage(text);
  }

  private handleHello(text: string): void {
    const hello = checkHello(text, this.options.self, this.options.peers);
    if (!hello.ok) return this.refuse(hello.reason, `${hello.detail} (${this.remote()})`);
    const listenerNonce = newNonce();
    this.peer = hello.node;
    this.transcript = { connector: hello.node, listener: this.options.self, connectorNonce: hello.nonce, listenerNonce };
    this.stage = 'proof';
    this.socket.write(encodeChallenge(listenerNonce));
  }

  private handleProof(text: string): void {
    const transcript = this.transcript!;
    if (!checkProof(text, this.options.secret, 'connector', transcript)) {
      return this.refuse(
        'bad-proof',
        `a connection claiming node ${this.peer} did not prove it holds the cluster secret (${this.remote()})`,
      );
    }
    this.stage = 'open';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.socket.write(encodeProof(this.options.secret, 'listener', transcript));
    this.framer.setMaxLineBytes(this.options.maxLineBytes);
    this.startIdleWatch();
    this.options.onAuthenticated(this, transcript.connector);
  }

  private handleMessage(text: string): void {
    // An empty line is the peer's keepalive: it proves the link alive and carries nothing.
    if (text.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.options.onBadInput('invalid-json', `a line that is not JSON from node ${this.peer}`);
      return;
    }
    const checked = validateMessage(value);
    if (!checked.ok) {
      this.options.onBadInput(checked.reason, `${checked.detail} (from node ${this.peer})`);
      return;
    }
    const message = checked.message;
    if (message.to !== this.options.self) {
      this.options.onBadInput('invalid-message', `a message for node ${message.to} arrived at node ${this.options.self}`);
      return;
    }
    // The connection is bound to the peer that authenticated it: nobody may speak for another.
    if (message.from !== this.peer) {
      this.options.onBadInput('wrong-sender', `a message claiming node ${message.from} on node ${this.peer}'s connection`);
      return;
    }
    this.options.onMessage(message);
  }

  /**
   * Closes an authenticated link that stays silent past the idle deadline. The peer sends a
   * keepalive line while it has nothing else to say, so a quiet cluster (paused, or slowed
   * down) never trips it. A check that itself runs late means this whole process was not
   * running (a stalled event loop): that silence is ours, not the peer's, and does not count.
   */
  private startIdleWatch(): void {
    const idle = this.options.idleTimeoutMs;
    const period = Math.max(5, idle / 4);
    let lastCheck = performance.now();
    this.lastHeard = lastCheck;
    this.idleTimer = setInterval(() => {
      const now = performance.now();
      if (now - lastCheck > 2 * period) this.lastHeard = Math.max(this.lastHeard, now - period);
      lastCheck = now;
      if (now - this.lastHeard > idle) this.refuse('idle-timeout', `node ${this.peer} sent nothing for ${idle} ms`);
    }, period);
    this.idleTimer.unref();
  }

  private clearTimers(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  private remote(): string {
    const address = `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
    return this.stage === 'open' ? `node ${this.peer}` : address;
  }
}
