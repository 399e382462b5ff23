import { connect, createServer, type Socket } from 'node:net';
import type { AppendEntries, Message, NodeId } from '../../src/raft/types.js';
import { createRng } from '../../src/raft/rng.js';
import { FaultFilter } from '../../src/net/fault-filter.js';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import { checkProof, encodeHello, encodeProof, type HandshakeTranscript, newNonce, parseChallenge } from '../../src/net/handshake.js';
import { TcpTransport, type TcpTransportOptions } from '../../src/net/tcp-transport.js';

/** The secret of the test clusters; tests that need a stranger make another. */
export const SECRET = ClusterSecret.generate();

/** Polls `condition` every few ms until it holds, or fails with `what` at the deadline. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A small AppendEntries; `mark` (in leaderCommit) tells messages apart. */
export function heartbeat(from: NodeId, to: NodeId, mark: number): AppendEntries {
  return { type: 'AppendEntries', from, to, term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: mark };
}

export function marks(inbox: Message[]): number[] {
  return inbox.map((m) => (m.type === 'AppendEntries' ? m.leaderCommit : -1));
}

export interface TestCluster {
  filter: FaultFilter;
  transports: TcpTransport[];
  /** Messages each node received, by node id. */
  inbox: Map<NodeId, Message[]>;
  ports: Map<NodeId, number>;
  get(id: NodeId): TcpTransport;
  stop(): Promise<void>;
}

/** Starts `n` live transports on ephemeral ports, wires their ports, waits until all are linked. */
export async function startCluster(n: number, extra: Partial<TcpTransportOptions> = {}): Promise<TestCluster> {
  const filter = new FaultFilter();
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const transports = ids.map((id) => new TcpTransport({ id, secret: SECRET, peers: ids, filter, rng: createRng(id), ...extra }));
  const inbox = new Map<NodeId, Message[]>();
  for (const t of transports) {
    const list: Message[] = [];
    inbox.set(t.id, list);
    t.onMessage((m) => list.push(m));
  }
  const ports = new Map<NodeId, number>();
  for (const t of transports) ports.set(t.id, await t.start());
  for (const t of transports) t.setPeerPorts(ports);
  await waitFor(() => transports.every((t) => t.stats().connectedPeers.length === n - 1), 'every link up');
  return {
    filter,
    transports,
    inbox,
    ports,
    get: (id) => transports[id - 1]!,
    stop: async () => {
      await Promise.all(transports.map((t) => t.stop()));
    },
  };
}

/** A raw TCP client for feeding a live node by hand. */
export interface RawClient {
  socket: Socket;
  /** Resolves when the node has closed (or we closed) the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Every byte the node sent on this connection. */
  received(): Buffer;
  send(text: string | Buffer): void;
  /** Sends a hello as `node` (to node `to`) and returns its nonce. */
  hello(node: NodeId, to?: NodeId, nonce?: string): string;
  /** The next complete line the node sent, waiting for it up to a deadline. */
  nextLine(timeoutMs?: number): Promise<string>;
  /**
   * Runs the whole handshake as `node` with `secret`; resolves with the transcript once the
   * node's own proof has checked out. Without `wait`, it returns after sending its proof; `alsoSend` goes out in the same write as the proof.
   */
  authenticate(
    node: NodeId,
    options?: { secret?: ClusterSecret; to?: NodeId; wait?: boolean; alsoSend?: string },
  ): Promise<HandshakeTranscript>;
  message(m: Message): void;
}

export async function rawClient(port: number): Promise<RawClient> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const chunks: Buffer[] = [];
  let readAt = 0;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const all = (): Buffer => Buffer.concat(chunks);
  let closed = false;
  const closedPromise = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const nextLine = async (timeoutMs = 3000): Promise<string> => {
    await waitFor(() => all().indexOf(0x0a, readAt) >= 0 || closed, 'a line from the node', timeoutMs);
    const bytes = all();
    const end = bytes.indexOf(0x0a, readAt);
    if (end < 0) throw new Error('the node closed the connection instead of answering');
    const line = bytes.subarray(readAt, end).toString('utf8');
    readAt = end + 1;
    return line;
  };
  const hello = (node: NodeId, to = 1, nonce = newNonce()): string => {
    socket.write(encodeHello(node, to, nonce));
    return nonce;
  };
  return {
    socket,
    closed: closedPromise,
    isClosed: () => closed,
    received: all,
    send: (text) => void socket.write(text),
    hello,
    nextLine,
    authenticate: async (node, { secret = SECRET, to = 1, wait = true, alsoSend = '' } = {}) => {
      const connectorNonce = hello(node, to);
      const listenerNonce = parseChallenge(await nextLine());
      if (listenerNonce === undefined) throw new Error('no challenge from the node');
      const transcript = { connector: node, listener: to, connectorNonce, listenerNonce };
      socket.write(encodeProof(secret, 'connector', transcript) + alsoSend);
      if (wait && !checkProof(await nextLine(), secret, 'listener', transcript)) throw new Error("the node's proof is wrong");
      return transcript;
    },
    message: (m) => void socket.write(`${JSON.stringify(m)}\n`),
  };
}

/** A listener that plays a node's side of the handshake by hand, recording every line it gets. */
export interface FakeListener {
  port: number;
  /** Every hello line received, in arrival order. */
  hellos: string[];
  /** Every line received after each connection's hello, in arrival order (proofs included). */
  lines: string[];
  /** Each connection's hello and the proof line that followed it. */
  exchanges: { hello: string; proof: string }[];
  /** Connections accepted so far. */
  accepted(): number;
  /** Closes every accepted connection; keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * Listens as node `self` (on `port`, or a free one). For each connection it reads the hello,
 * sends a fresh challenge, and answers the connector's proof line with whatever `answer`
 * returns (nothing: it just keeps listening). `afterAnswer` gets the socket once answered.
 */
export async function fakeListener(
  self: NodeId,
  answer: (transcript: HandshakeTranscript, connectorProofLine: string) => string | undefined,
  options: { port?: number; afterAnswer?: (socket: Socket) => void } = {},
): Promise<FakeListener> {
  const lines: string[] = [];
  const hellos: string[] = [];
  const exchanges: { hello: string; proof: string }[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let transcript: HandshakeTranscript | undefined;
    let helloLine = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (transcript === undefined) {
          hellos.push(line);
          helloLine = line;
          const hello = JSON.parse(line) as { from: NodeId; nonce: string };
          transcript = { connector: hello.from, listener: self, connectorNonce: hello.nonce, listenerNonce: newNonce() };
          socket.write(`${JSON.stringify({ challenge: transcript.listenerNonce })}\n`);
          continue;
        }
        lines.push(line);
        if (!answered) {
          answered = true;
          exchanges.push({ hello: helloLine, proof: line });
          const reply = answer(transcript, line);
          if (reply !== undefined) socket.write(reply);
          options.afterAnswer?.(socket);
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    hellos,
    lines,
    exchanges,
    accepted: () => accepted,
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
