import { createServer, type Server, type Socket } from 'node:net';
import type { Message, NodeId } from '../raft/types.js';
import type { Rng } from '../raft/rng.js';
import type { ClusterSecret } from './cluster-secret.js';
import type { FaultFilter } from './fault-filter.js';
import { InboundConnection } from './inbound-connection.js';
import { PeerConnection } from './peer-connection.js';
import type { BadInputReason, Transport, TransportStats } from './types.js';

/** Where a transport listens and dials unless told otherwise: loopback only. */
const HOST = '127.0.0.1';

export interface TcpTransportOptions {
  id: NodeId;
  /**
   * The cluster's secret: every connection, both ways, proves it holds it before any Raft
   * message crosses (handshake.ts). A connection that does not gets a closed socket.
   */
  secret: ClusterSecret;
  /** Every node of the cluster; this node may be included (it is skipped). */
  peers: NodeId[];
  /** Port to listen on; 0 or absent: an ephemeral port, kept for later restarts. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1 (a node on other hosts must be told to listen wider). */
  host?: string;
  /** Where each peer listens, when not on 127.0.0.1 (nodes on other hosts). */
  peerHosts?: ReadonlyMap<NodeId, string>;
  /** The cluster's one fault filter; it may change at any time. */
  filter: FaultFilter;
  /** Seeded; for the filter's drop / duplicate / delay draws. */
  rng: Rng;
  /** Longest accepted line in bytes, newline excluded. Default 16 MiB. */
  maxLineBytes?: number;
  /** How long a connection has to finish the handshake, on either side. Default 5000 ms. */
  handshakeTimeoutMs?: number;
  /**
   * At most this many accepted connections may be waiting to authenticate; one more closes the
   * oldest of them. A stranger cannot hold more of this process's file descriptors. Default 32.
   */
  maxPendingConnections?: number;
  /** An authenticated link that is quiet this long sends an empty keepalive line. Default 1000 ms. */
  keepaliveMs?: number;
  /**
   * An authenticated link that sends nothing (not even keepalives) for this long is closed; the
   * peer dials again. Several keepalive periods, so only a dead link trips it. Default 15000 ms.
   */
  idleTimeoutMs?: number;
  /** Above this many bytes waiting on one peer's socket, new messages to it are dropped. Default 8 MiB. */
  maxBufferedBytes?: number;
  /** First and largest wait between reconnect attempts. Default [20, 1000] ms. */
  backoffMs?: [number, number];
  /** Told about every bad input, after it is counted. */
  onBadInput?: (reason: BadInputReason, detail: string) => void;
  /** Told when a callback (the message handler, onBadInput) throws. Default: console.error. */
  onError?: (error: unknown) => void;
}

/**
 * The loopback TCP transport: one listener per node on 127.0.0.1 and one long-lived outbound
 * connection per peer, speaking newline-delimited JSON after a mutual challenge-and-response
 * handshake over the cluster secret (see handshake.ts). Every
 * message goes through the shared fault filter on send (partition, cuts, drop, duplicate,
 * delay), and partitions and cuts are checked again on receive, so bytes already in flight when
 * a partition starts are not delivered. Bad input is counted per reason and dropped.
 *
 * Ports are ephemeral by default: start every transport, then tell each where the others listen
 * with `setPeerPorts`.
 */
export class TcpTransport implements Transport {
  readonly id: NodeId;
  /** Shared with inbound connections, which check each hello against it: grows with addPeers. */
  private readonly peerIds: Set<NodeId>;
  private readonly peers = new Map<NodeId, PeerConnection>();
  private readonly inbound = new Set<InboundConnection>();
  /** Accepted connections that have not authenticated yet, oldest first. */
  private readonly pending = new Set<InboundConnection>();
  /** The authenticated inbound connection of each peer: a newer one replaces an older one. */
  private readonly inboundByPeer = new Map<NodeId, InboundConnection>();
  private readonly delayTimers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private listenPort: number | undefined;
  private running = false;
  /** start() and stop() run one after the other, never interleaved. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private handler: ((message: Message) => void) | undefined;
  private readonly maxLineBytes: number;
  private readonly handshakeTimeoutMs: number;
  private readonly maxPending: number;
  private readonly idleTimeoutMs: number;
  private counters = { sent: 0, received: 0, filtered: 0, dropped: 0, acceptErrors: 0 };
  private readonly badInput: Partial<Record<BadInputReason, number>> = {};

  constructor(private readonly options: TcpTransportOptions) {
    this.id = options.id;
    this.peerIds = new Set(options.peers.filter((p) => p !== options.id));
    this.maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000;
    this.maxPending = Math.max(1, options.maxPendingConnections ?? 32);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 15_000;
    if (options.port) this.listenPort = options.port;
    for (const peer of this.peerIds) this.addPeerConnection(peer);
  }

  /**
   * Nodes that joined the cluster after this transport was made (a membership change): they
   * may connect to us, and we dial them once setPeerPorts says where they listen.
   */
  addPeers(ids: readonly NodeId[]): void {
    for (const id of ids) {
      if (id === this.id || this.peerIds.has(id)) continue;
      this.peerIds.add(id);
      const connection = this.addPeerConnection(id);
      if (this.running) connection.start();
    }
  }

  private addPeerConnection(peer: NodeId): PeerConnection {
    const o = this.options;
    const connection = new PeerConnection({
      self: o.id,
      peer,
      secret: o.secret,
      host: o.peerHosts?.get(peer) ?? HOST,
      maxBufferedBytes: o.maxBufferedBytes ?? 8 * 1024 * 1024,
      backoffMs: o.backoffMs ?? [20, 1000],
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      keepaliveMs: o.keepaliveMs ?? 1000,
      onSent: (n) => (this.counters.sent += n),
      onDropped: (n) => (this.counters.dropped += n),
      onBadInput: (reason, detail) => this.countBadInput(reason, detail),
    });
    this.peers.set(peer, connection);
    return connection;
  }

  /** The port this node listens on (kept across stop/start); undefined before the first start. */
  get port(): number | undefined {
    return this.listenPort;
  }

  /** Starts listening (on the same port as before after a stop) and dialling known peers. */
  start(): Promise<number> {
    const run = this.lifecycle.then(() => this.doStart());
    this.lifecycle = run.catch(() => {});
    return run;
  }

  /** Tells this node where its peers listen; unknown ids are ignored. Dials them when running. */
  setPeerPorts(ports: ReadonlyMap<NodeId, number>): void {
    for (const [id, port] of ports) this.peers.get(id)?.setPort(port);
  }

  send(messages: readonly Message[]): void {
    for (const message of messages) {
      const peer = this.peers.get(message.to);
      // A message not from us would be refused as wrong-sender by the peer anyway.
      if (!this.running || !peer || message.from !== this.id) {
        this.counters.dropped++;
        continue;
      }
      const route = this.options.filter.route(this.id, message.to, this.options.rng);
      if (route.delays.length === 0) {
        this.counters.filtered++;
        continue;
      }
      let line: string;
      try {
        line = `${JSON.stringify(message)}\n`;
      } catch (error) {
        this.counters.dropped++;
        this.report(error);
        continue;
      }
      for (const delay of route.delays) {
        if (delay <= 0) {
          peer.enqueue(line);
          continue;
        }
        const timer = setTimeout(() => {
          this.delayTimers.delete(timer);
          peer.enqueue(line);
        }, delay);
        this.delayTimers.add(timer);
      }
    }
  }

  onMessage(handler: (message: Message) => void): void {
    this.handler = handler;
  }

  /** Closes the listener, destroys every socket, clears every timer and drops what is pending. */
  stop(): Promise<void> {
    const run = this.lifecycle.then(() => this.doStop());
    this.lifecycle = run.catch(() => {});
    return run;
  }

  stats(): TransportStats {
    const connectedPeers = [...this.peers].filter(([, p]) => p.isConnected).map(([id]) => id);
    return {
      sent: this.counters.sent,
      received: this.counters.received,
      filtered: this.counters.filtered,
      dropped: this.counters.dropped,
      acceptErrors: this.counters.acceptErrors,
      badInput: { ...this.badInput },
      connectedPeers: connectedPeers.sort((a, b) => a - b),
    };
  }

  private async doStart(): Promise<number> {
    if (this.running && this.listenPort !== undefined) return this.listenPort;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen({ host: this.options.host ?? HOST, port: this.listenPort ?? 0 }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    // Errors after listening must not crash the process, nor stop it listening: with no file
    // descriptor left (EMFILE, ENFILE), accept fails — libuv then closes the waiting connection
    // or reports it here — and the listener carries on, serving again once descriptors are free.
    server.on('error', (error) => this.acceptFailed(error));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('listener has no TCP port');
    this.server = server;
    this.listenPort = address.port;
    this.running = true;
    for (const peer of this.peers.values()) peer.start();
    return address.port;
  }

  private async doStop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.delayTimers) clearTimeout(timer);
    this.delayTimers.clear();
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([...[...this.peers.values()].map((p) => p.stop()), ...[...this.inbound].map((c) => c.close()), closed]);
  }

  private accept(socket: Socket): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    // The cap on connections waiting to authenticate: the oldest waiter makes room. A real
    // peer finishes its handshake in two round trips, so a flood of strangers would have to
    // outpace loopback to crowd it out, and it can never hold more descriptors than the cap.
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.values().next().value as InboundConnection;
      this.pending.delete(oldest);
      oldest.refuse('too-many-pending', `more than ${this.maxPending} connections waiting to authenticate: closed the oldest`);
    }
    const connection = new InboundConnection(socket, {
      self: this.id,
      secret: this.options.secret,
      peers: this.peerIds,
      maxLineBytes: this.maxLineBytes,
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      idleTimeoutMs: this.idleTimeoutMs,
      onBadInput: (reason, detail) => this.countBadInput(reason, detail),
      onAuthenticated: (c, peer) => this.authenticated(c, peer),
      onMessage: (message) => this.deliver(message),
      onClose: (c) => this.forget(c),
      onError: (error) => this.report(error),
    });
    this.inbound.add(connection);
    this.pending.add(connection);
  }

  private authenticated(connection: InboundConnection, peer: NodeId): void {
    this.pending.delete(connection);
    // A peer keeps one outbound connection: an older one from it is a leftover of a reconnect.
    const older = this.inboundByPeer.get(peer);
    this.inboundByPeer.set(peer, connection);
    if (older && older !== connection) void older.close();
    this.peers.get(peer)?.peerIsUp();
  }

  private forget(connection: InboundConnection): void {
    this.inbound.delete(connection);
    this.pending.delete(connection);
    for (const [peer, c] of this.inboundByPeer) if (c === connection) this.inboundByPeer.delete(peer);
  }

  private acceptFailed(error: Error): void {
    this.counters.acceptErrors++;
    const code = (error as NodeJS.ErrnoException).code;
    // Out of descriptors is a condition to ride out, not a bug: counted, not printed each time.
    if (code === 'EMFILE' || code === 'ENFILE') return;
    this.report(error);
  }

  private deliver(message: Message): void {
    // Checked again on receive: a partition that started while these bytes were in flight
    // must still stop them.
    if (!this.running || !this.options.filter.canReach(message.from, this.id)) {
      this.counters.filtered++;
      return;
    }
    this.counters.received++;
    try {
      this.handler?.(message);
    } catch (error) {
      this.report(error);
    }
  }

  private countBadInput(reason: BadInputReason, detail: string): void {
    this.badInput[reason] = (this.badInput[reason] ?? 0) + 1;
    try {
      this.options.onBadInput?.(reason, detail);
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    if (this.options.onError) {
      try {
        this.options.onError(error);
        return;
      } catch {
        // Fall through to the console: there is nowhere else left to tell.
      }
    }
    console.error(error);
  }
}
