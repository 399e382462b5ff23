import { connect, type Socket } from 'node:net';
import type { AppendEntries, Message, NodeId } from '../../src/raft/types.js';
import { createRng } from '../../src/raft/rng.js';
import { FaultFilter } from '../../src/net/fault-filter.js';
import { encodeHello } from '../../src/net/hello.js';
import { TcpTransport, type TcpTransportOptions } from '../../src/net/tcp-transport.js';

export const CLUSTER = 'test-cluster';

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
  const transports = ids.map((id) => new TcpTransport({ id, clusterId: CLUSTER, peers: ids, filter, rng: createRng(id), ...extra }));
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
  send(text: string | Buffer): void;
  hello(node: NodeId, cluster?: string): void;
  message(m: Message): void;
}

export async function rawClient(port: number): Promise<RawClient> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.resume();
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
  return {
    socket,
    closed: closedPromise,
    isClosed: () => closed,
    send: (text) => void socket.write(text),
    hello: (node, cluster = CLUSTER) => void socket.write(encodeHello(cluster, node)),
    message: (m) => void socket.write(`${JSON.stringify(m)}\n`),
  };
}
