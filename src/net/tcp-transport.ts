import { createServer, type Server, type Socket } from 'node:net';
import type { Message, NodeId } from '../raft/types.js';
import type { Rng } from '../raft/rng.js';
import type { FaultFilter } from './fault-filter.js';
import { InboundConnection } from './inbound-connection.js';
import { PeerConnection } from './peer-connection.js';
import type { BadInputReason, Transport, TransportStats } from './types.js';

/** Every transport listens and dials on loopback only. */
const HOST = '127.0.0.1';

export interface TcpTransportOptions {
  id: NodeId;
  /** Carried in every hello: connections from another cluster are refused. */
  clusterId: string;
  /** Every node of the cluster; this node may be included (it is skipped). */
  peers: NodeId[];
  /** Port to listen on; 0 or absent: an ephemeral port, kept for later restarts. */
  port?: number;
  /** The cluster's one fault filter; it may change at any time. */
  filter: FaultFilter;
  /** Seeded; for the filter's drop / duplicate / delay draws. */
  rng: Rng;
  /** Longest accepted line in bytes, newline excluded. Default 16 MiB. */
  maxLineBytes?: number;
  /** How long an accepted connection may stay silent before its hello. Default 5000 ms. */
  helloTimeoutMs?: number;
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
 * connection per peer, speaking newline-delimited JSON after a hello line (see hello.ts). Every
 * message goes through the shared fault filter on send (partition, cuts, drop, duplicate,
 * delay), and partitions and cuts are checked again on receive, so bytes already in flight when
 * a partition starts are not delivered. Bad input is counted per reason and dropped.
 *
 * Ports are ephemeral by default: start every transport, then tell each where the others listen
 * with `setPeerPorts`.
 */
export class TcpTransport implements Transport {
  readonly id: NodeId;
  private readonly peerIds: ReadonlySet<NodeId>;
  private readonly peers = new Map<NodeId, PeerConnection>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly delayTimers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private listenPort: number | undefined;
  private running = false;
  /** start() and stop() run one after the other, never interleaved. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private handler: ((message: Message) => void) | undefined;
  private readonly maxLineBytes: number;
  private readonly helloTimeoutMs: number;
  private counters = { sent: 0, received: 0, filtered: 0, dropped: 0 };
  private readonly badInput: Partial<Record<BadInputReason, number>> = {};

  constructor(private readonly options: TcpTransportOptions) {
    this.id = options.id;
    this.peerIds = new Set(options.peers.filter((p) => p !== options.id));
    this.maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 5000;
    if (options.port) this.listenPort = options.port;
    for (const peer of this.peerIds) {
      this.peers.set(
        peer,
        new PeerConnection({
          self: options.id,
          peer,
          clusterId: options.clusterId,
          host: HOST,
          maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
          backoffMs: options.backoffMs ?? [20, 1000],
          onSent: (n) => (this.counters.sent += n),
          onDropped: (n) => (this.counters.dropped += n),
        }),
      );
    }
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
      server.listen({ host: HOST, port: this.listenPort ?? 0 }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    // Errors after listening (rare: e.g. EMFILE on accept) must not crash the process.
    server.on('error', (error) => this.report(error));
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
    const connection = new InboundConnection(socket, {
      self: this.id,
      clusterId: this.options.clusterId,
      peers: this.peerIds,
      maxLineBytes: this.maxLineBytes,
      helloTimeoutMs: this.helloTimeoutMs,
      onBadInput: (reason, detail) => this.countBadInput(reason, detail),
      onMessage: (message) => this.deliver(message),
      onClose: (c) => this.inbound.delete(c),
      onError: (error) => this.report(error),
    });
    this.inbound.add(connection);
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
