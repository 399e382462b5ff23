import { afterEach, describe, expect, it } from 'vitest';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import { FaultFilter } from '../../src/net/fault-filter.js';
import { encodeProof } from '../../src/net/handshake.js';
import { TcpTransport, type TcpTransportOptions } from '../../src/net/tcp-transport.js';
import type { BadInputReason } from '../../src/net/types.js';
import { createRng } from '../../src/raft/rng.js';
import type { AppendEntries, Message } from '../../src/raft/types.js';
import { fakeListener, type FakeListener, heartbeat, marks, rawClient, type RawClient, SECRET, waitFor } from './helpers.js';

/** Everything a test opened, closed after it. */
const opened: { transports: TcpTransport[]; clients: RawClient[]; listeners: FakeListener[] } = {
  transports: [],
  clients: [],
  listeners: [],
};

afterEach(async () => {
  for (const c of opened.clients) c.socket.destroy();
  await Promise.all([
    ...opened.clients.map((c) => c.closed),
    ...opened.transports.map((t) => t.stop()),
    ...opened.listeners.map((l) => l.close()),
  ]);
  opened.transports = [];
  opened.clients = [];
  opened.listeners = [];
});

interface LiveNode {
  t: TcpTransport;
  port: number;
  inbox: Message[];
  reported: { reason: BadInputReason; detail: string }[];
}

/** Node `id` of a three-node cluster, live on a free port. */
async function node(id = 1, extra: Partial<TcpTransportOptions> = {}): Promise<LiveNode> {
  const inbox: Message[] = [];
  const reported: LiveNode['reported'] = [];
  const t = new TcpTransport({
    id,
    secret: SECRET,
    peers: [1, 2, 3],
    filter: new FaultFilter(),
    rng: createRng(id),
    handshakeTimeoutMs: 2000,
    onBadInput: (reason, detail) => reported.push({ reason, detail }),
    ...extra,
  });
  opened.transports.push(t);
  t.onMessage((m) => inbox.push(m));
  return { t, port: await t.start(), inbox, reported };
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port);
  opened.clients.push(c);
  return c;
}

async function listener(...args: Parameters<typeof fakeListener>): Promise<FakeListener> {
  const l = await fakeListener(...args);
  opened.listeners.push(l);
  return l;
}

/** Whether a line is a Raft message (rather than a handshake line or a keepalive). */
const isRaftMessage = (line: string): boolean => line.includes('"type"');

/** A message longer than the handshake's 1 KiB line limit. */
function bigAppend(from: number, to: number, mark: number): AppendEntries {
  return { ...heartbeat(from, to, mark), entries: [{ index: 1, term: 1, type: 'normal', data: 'x'.repeat(4000) }] };
}

describe('mutual authentication on TCP links', () => {
  it('a client without the secret gets a challenge, then only a closed socket; nothing it sends is delivered', async () => {
    const n = await node();
    const c = await client(n.port);
    await c.authenticate(2, { secret: ClusterSecret.generate(), wait: false, alsoSend: `${JSON.stringify(heartbeat(2, 1, 1))}\n` });
    await c.closed;
    // The one line it got is the random challenge: no proof, no Raft data.
    const lines = c.received().toString('utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(['challenge']);
    expect(n.inbox).toEqual([]);
    expect(n.t.stats().badInput).toEqual({ 'bad-proof': 1 });
  });

  it('a client that skips the handshake and sends a Raft message gets nothing but a closed socket', async () => {
    const n = await node();
    const c = await client(n.port);
    c.message({ ...heartbeat(2, 1, 1), term: Number.MAX_SAFE_INTEGER });
    await c.closed;
    expect(c.received().length).toBe(0);
    expect(n.inbox).toEqual([]);
    expect(n.t.stats().badInput).toEqual({ 'bad-hello': 1 });
  });

  it('two nodes with different secrets never link, in either direction, and deliver nothing', async () => {
    const a = await node(1);
    const b = await node(2, { secret: ClusterSecret.generate() });
    a.t.setPeerPorts(new Map([[2, b.port]]));
    b.t.setPeerPorts(new Map([[1, a.port]]));
    // Each listener refuses the other's proof (and so never proves itself in turn).
    await waitFor(() => (a.t.stats().badInput['bad-proof'] ?? 0) >= 1 && (b.t.stats().badInput['bad-proof'] ?? 0) >= 1, 'both refusals');
    a.t.send([heartbeat(1, 2, 1)]);
    b.t.send([heartbeat(2, 1, 2)]);
    expect(a.t.stats().connectedPeers).toEqual([]);
    expect(b.t.stats().connectedPeers).toEqual([]);
    expect(a.t.stats().sent + b.t.stats().sent).toBe(0);
    expect(a.inbox.length + b.inbox.length).toBe(0);
  });

  it('a listener with the wrong secret never receives a Raft message from a connecting node', async () => {
    const squatter = await listener(2, (t) => encodeProof(ClusterSecret.generate(), 'listener', t));
    const n = await node(1, { backoffMs: [10, 50] });
    n.t.setPeerPorts(new Map([[2, squatter.port]]));
    const sendWhileTrying = setInterval(() => n.t.send([heartbeat(1, 2, 1)]), 5);
    try {
      await waitFor(() => (n.t.stats().badInput['bad-proof'] ?? 0) >= 3, 'three refused handshakes');
    } finally {
      clearInterval(sendWhileTrying);
    }
    expect(n.reported[0]?.detail).toMatch(/did not prove it holds the cluster secret; no Raft message was sent/);
    expect(squatter.lines.filter(isRaftMessage)).toEqual([]);
    expect(n.t.stats()).toMatchObject({ sent: 0, connectedPeers: [] });
  });

  it("a reflected proof fails: a listener that echoes the connector's proof gets no Raft message", async () => {
    const reflector = await listener(2, (_, connectorProof) => `${connectorProof}\n`);
    const n = await node(1, { backoffMs: [10, 50] });
    n.t.setPeerPorts(new Map([[2, reflector.port]]));
    const sendWhileTrying = setInterval(() => n.t.send([heartbeat(1, 2, 1)]), 5);
    try {
      await waitFor(() => (n.t.stats().badInput['bad-proof'] ?? 0) >= 2, 'two refused handshakes');
    } finally {
      clearInterval(sendWhileTrying);
    }
    expect(reflector.lines.filter(isRaftMessage)).toEqual([]);
    expect(n.t.stats().sent).toBe(0);
  });

  it("a replayed handshake fails: a connector's hello and proof captured by a squatter do not open the real node", async () => {
    // A squatter on node 2's (free) port collects node 3's hello and proof...
    const squatter = await listener(2, () => undefined);
    const three = await node(3);
    three.t.setPeerPorts(new Map([[2, squatter.port]]));
    await waitFor(() => squatter.lines.length >= 1, "node 3's proof");
    // ...and replays them, word for word, to the real node 2.
    const two = await node(2);
    const c = await client(two.port);
    c.send(`${squatter.hellos[0]}\n`);
    await c.nextLine();
    c.send(`${squatter.lines[0]}\n${JSON.stringify(heartbeat(3, 2, 1))}\n`);
    await c.closed;
    expect(two.inbox).toEqual([]);
    expect(two.t.stats().badInput).toEqual({ 'bad-proof': 1 });
  });

  it('the handshake deadline closes a connection that sent a hello and then went silent', async () => {
    const n = await node(1, { handshakeTimeoutMs: 100 });
    const c = await client(n.port);
    c.hello(2);
    await c.nextLine();
    await c.closed;
    expect(n.t.stats().badInput).toEqual({ 'handshake-timeout': 1 });
  });

  it('the cap on connections waiting to authenticate holds, and a real peer still gets in', async () => {
    const n = await node(1, { maxPendingConnections: 8, handshakeTimeoutMs: 60_000 });
    const flood: RawClient[] = [];
    for (let i = 0; i < 40; i++) flood.push(await client(n.port));
    await waitFor(() => flood.filter((c) => c.isClosed()).length === 32, 'the 32 oldest to be closed');
    expect(flood.slice(0, 32).every((c) => c.isClosed())).toBe(true);
    expect(n.t.stats().badInput).toEqual({ 'too-many-pending': 32 });
    // With the 8 newest strangers still waiting, a real peer authenticates and is heard.
    const peer = await client(n.port);
    await peer.authenticate(2);
    peer.message(heartbeat(2, 1, 7));
    await waitFor(() => marks(n.inbox).includes(7), 'the peer message');
    expect(flood.filter((c) => !c.isClosed()).length).toBe(7);
  });

  it('the end of the handshake and a message over 1 KiB in one read are both accepted', async () => {
    const n = await node();
    const c = await client(n.port);
    const big = bigAppend(2, 1, 42);
    // The proof line and the large message leave in one write, as an eager connector sends them.
    await c.authenticate(2, { alsoSend: `${JSON.stringify(big)}\n` });
    await waitFor(() => n.inbox.length === 1, 'the large message');
    expect(n.inbox[0]).toEqual(big);
    expect(n.t.stats().badInput).toEqual({});
    expect(c.isClosed()).toBe(false);
  });

  it('real links carry messages over 1 KiB both ways', async () => {
    const a = await node(1);
    const b = await node(2);
    a.t.setPeerPorts(new Map([[2, b.port]]));
    b.t.setPeerPorts(new Map([[1, a.port]]));
    await waitFor(() => a.t.stats().connectedPeers.includes(2) && b.t.stats().connectedPeers.includes(1), 'both links');
    a.t.send([bigAppend(1, 2, 1)]);
    b.t.send([bigAppend(2, 1, 2)]);
    await waitFor(() => a.inbox.length === 1 && b.inbox.length === 1, 'both messages');
    expect(a.t.stats().badInput).toEqual({});
    expect(b.t.stats().badInput).toEqual({});
  });

  it('keepalives hold a quiet authenticated link open well past the idle deadline', async () => {
    const a = await node(1, { keepaliveMs: 20, idleTimeoutMs: 100 });
    const b = await node(2, { keepaliveMs: 20, idleTimeoutMs: 100 });
    a.t.setPeerPorts(new Map([[2, b.port]]));
    b.t.setPeerPorts(new Map([[1, a.port]]));
    await waitFor(() => a.t.stats().connectedPeers.includes(2) && b.t.stats().connectedPeers.includes(1), 'both links');
    // Ten idle deadlines with no Raft message at all, as in a paused cluster.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(a.t.stats().badInput).toEqual({});
    expect(b.t.stats().badInput).toEqual({});
    a.t.send([heartbeat(1, 2, 5)]);
    await waitFor(() => marks(b.inbox).includes(5), 'a message on the link that stayed up');
    expect(a.t.stats().dropped).toBe(0);
  });

  it('an authenticated link that sends nothing, not even keepalives, is closed at the idle deadline', async () => {
    const n = await node(1, { idleTimeoutMs: 100 });
    const c = await client(n.port);
    await c.authenticate(2);
    await c.closed;
    expect(n.t.stats().badInput).toEqual({ 'idle-timeout': 1 });
  });

  it('a newer authenticated connection from a peer replaces its older one', async () => {
    const n = await node();
    const first = await client(n.port);
    await first.authenticate(2);
    const second = await client(n.port);
    await second.authenticate(2);
    await first.closed;
    second.message(heartbeat(2, 1, 3));
    await waitFor(() => marks(n.inbox).includes(3), 'the message on the newer connection');
    expect(second.isClosed()).toBe(false);
  });

  it('a message over the term ceiling from an authenticated peer is refused with the reason, never delivered', async () => {
    const n = await node();
    const c = await client(n.port);
    await c.authenticate(2);
    c.message({ ...heartbeat(2, 1, 1), term: Number.MAX_SAFE_INTEGER });
    c.message(heartbeat(2, 1, 2));
    await waitFor(() => marks(n.inbox).includes(2), 'the next valid message');
    expect(marks(n.inbox)).toEqual([2]);
    expect(n.t.stats().badInput).toEqual({ 'term-too-high': 1 });
    expect(n.reported[0]?.detail).toMatch(/above the highest term/);
  });
});
