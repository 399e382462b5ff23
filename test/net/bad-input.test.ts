import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/raft/types.js';
import { createRng } from '../../src/raft/rng.js';
import { FaultFilter, noFaults } from '../../src/net/fault-filter.js';
import { TcpTransport } from '../../src/net/tcp-transport.js';
import type { BadInputReason } from '../../src/net/types.js';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import { heartbeat, marks, rawClient, SECRET, waitFor, type RawClient } from './helpers.js';

/** One live node (1) of a three-node cluster; the test plays nodes 2 and 3 by hand. */
let node: TcpTransport;
let filter: FaultFilter;
let port: number;
let inbox: Message[];
let reported: { reason: BadInputReason; detail: string }[];
let clients: RawClient[];

/**
 * The handshake deadline of the node most tests use: long, because a loaded machine can take
 * longer than a short deadline to finish even an honest handshake (the tests of the deadline
 * itself start their own node with a shorter one).
 */
const ROOMY_HANDSHAKE_MS = 5000;
/** Short enough to wait out in a test, long enough for an honest handshake under load. */
const SHORT_HANDSHAKE_MS = 1500;

async function startNode(handshakeTimeoutMs: number): Promise<void> {
  node = new TcpTransport({
    id: 1,
    secret: SECRET,
    peers: [1, 2, 3],
    filter,
    rng: createRng(1),
    maxLineBytes: 1024,
    handshakeTimeoutMs,
    onBadInput: (reason, detail) => reported.push({ reason, detail }),
  });
  node.onMessage((m) => inbox.push(m));
  port = await node.start();
}

/** Replaces the node with one whose handshake deadline is short, for the tests of that deadline. */
async function restartWithShortDeadline(): Promise<void> {
  await node.stop();
  await startNode(SHORT_HANDSHAKE_MS);
}

beforeEach(async () => {
  filter = new FaultFilter();
  inbox = [];
  reported = [];
  clients = [];
  await startNode(ROOMY_HANDSHAKE_MS);
});

afterEach(async () => {
  for (const c of clients) c.socket.destroy();
  await Promise.all(clients.map((c) => c.closed));
  await node.stop();
});

async function client(): Promise<RawClient> {
  const c = await rawClient(port);
  clients.push(c);
  return c;
}

/** Opens a connection as `peer` (a fresh one unless given) and checks a valid message still gets through. */
async function stillDelivers(mark: number, via?: RawClient, peer = 2): Promise<void> {
  const c = via ?? (await client());
  if (!via) await c.authenticate(peer);
  c.message(heartbeat(peer, 1, mark));
  await waitFor(() => marks(inbox).includes(mark), `valid message ${mark}`);
}

const badCount = (): number => Object.values(node.stats().badInput).reduce((a, b) => a + (b ?? 0), 0);

describe('TcpTransport against bad input', () => {
  it('random bytes after the handshake: each line counted as invalid JSON, connection kept', async () => {
    const rng = createRng(42);
    const c = await client();
    await c.authenticate(2);
    for (let line = 0; line < 4; line++) {
      // Random bytes with no newline inside, starting with a byte no JSON text starts with.
      const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i === 0 ? 0xff : rng.int(0, 255))));
      bytes.forEach((b, i) => b === 0x0a && (bytes[i] = 0x20));
      c.send(Buffer.concat([bytes, Buffer.from('\n')]));
    }
    await stillDelivers(1, c);
    expect(node.stats().badInput).toEqual({ 'invalid-json': 4 });
    expect(c.isClosed()).toBe(false);
  });

  it('random bytes instead of a hello: refused as a bad hello', async () => {
    const rng = createRng(7);
    const c = await client();
    c.send(Buffer.from(Array.from({ length: 300 }, () => rng.int(0, 255))));
    c.send('\n');
    await c.closed;
    await stillDelivers(2);
    // The random bytes may hold newlines: the first line already closes the connection.
    expect(node.stats().badInput).toEqual({ 'bad-hello': 1 });
  });

  it('invalid JSON is counted and dropped; the connection stays open', async () => {
    const c = await client();
    await c.authenticate(2);
    c.send('{"type":"AppendEntries",\n');
    await stillDelivers(3, c);
    expect(node.stats().badInput).toEqual({ 'invalid-json': 1 });
    expect(reported.map((r) => r.reason)).toEqual(['invalid-json']);
  });

  it('an unknown message type is counted as an invalid message', async () => {
    const c = await client();
    await c.authenticate(2);
    c.send(`${JSON.stringify({ type: 'InstallSnapshot', from: 2, to: 1, term: 1 })}\n`);
    await stillDelivers(4, c);
    expect(node.stats().badInput).toEqual({ 'invalid-message': 1 });
  });

  it('wrong field types are counted as invalid messages', async () => {
    const c = await client();
    await c.authenticate(2);
    c.send(`${JSON.stringify({ ...heartbeat(2, 1, 0), term: '1' })}\n`);
    c.send(`${JSON.stringify({ ...heartbeat(2, 1, 0), entries: [{ index: 1, term: 1, type: 'normal', data: null }] })}\n`);
    await stillDelivers(5, c);
    expect(node.stats().badInput).toEqual({ 'invalid-message': 2 });
  });

  it('a message addressed to another node is counted as invalid', async () => {
    const c = await client();
    await c.authenticate(2);
    c.message(heartbeat(2, 3, 0));
    await stillDelivers(6, c);
    expect(node.stats().badInput).toEqual({ 'invalid-message': 1 });
  });

  it('a message claiming another sender than the authenticated peer is counted as wrong-sender', async () => {
    const c = await client();
    await c.authenticate(2);
    c.message(heartbeat(3, 1, 0));
    await stillDelivers(7, c);
    expect(node.stats().badInput).toEqual({ 'wrong-sender': 1 });
    expect(marks(inbox)).toEqual([7]);
  });

  it('a connector without the secret is refused as bad-proof and its message never arrives', async () => {
    const c = await client();
    await c.authenticate(2, { secret: ClusterSecret.generate(), wait: false });
    c.message(heartbeat(2, 1, 0));
    await c.closed;
    await stillDelivers(8);
    expect(node.stats().badInput).toEqual({ 'bad-proof': 1 });
    expect(marks(inbox)).toEqual([8]);
  });

  it('a hello from an unknown node is refused', async () => {
    const c = await client();
    c.hello(9);
    await c.closed;
    await stillDelivers(9);
    expect(node.stats().badInput).toEqual({ 'unknown-node': 1 });
  });

  it('a hello that is not JSON is refused', async () => {
    const c = await client();
    c.send('GET / HTTP/1.1\r\n');
    await c.closed;
    await stillDelivers(10);
    expect(node.stats().badInput).toEqual({ 'bad-hello': 1 });
  });

  it('a peer that connects and never speaks is closed at the handshake deadline', async () => {
    await restartWithShortDeadline();
    const c = await client();
    await waitFor(() => c.isClosed(), 'the silent connection to close', 3 * SHORT_HANDSHAKE_MS);
    await stillDelivers(11);
    expect(node.stats().badInput).toEqual({ 'handshake-timeout': 1 });
  });

  it('a handshake in time is not closed by the handshake deadline', async () => {
    await restartWithShortDeadline();
    const silent = await client();
    const c = await client();
    await c.authenticate(2);
    await stillDelivers(12, c);
    // Once the silent connection opened alongside has timed out, the greeted one must still work.
    await waitFor(() => silent.isClosed(), 'the silent connection to time out', 3 * SHORT_HANDSHAKE_MS);
    await stillDelivers(13, c);
    expect(c.isClosed()).toBe(false);
    expect(node.stats().badInput).toEqual({ 'handshake-timeout': 1 });
  });

  it('a line longer than the limit closes that connection and is reported', async () => {
    const c = await client();
    await c.authenticate(2);
    c.send('x'.repeat(2000));
    await c.closed;
    await stillDelivers(14);
    expect(node.stats().badInput).toEqual({ 'line-too-long': 1 });
    expect(reported.map((r) => r.reason)).toEqual(['line-too-long']);
  });

  it('an over-long hello is cut off early, long before maxLineBytes', async () => {
    const c = await client();
    c.send(`{"hello":"raft-tui","cluster":"${'c'.repeat(1000)}`);
    c.send('x'.repeat(100));
    await c.closed;
    await stillDelivers(15);
    expect(node.stats().badInput).toEqual({ 'line-too-long': 1 });
  });

  it('a partition also applies to bytes arriving on an open connection', async () => {
    const c = await client();
    await c.authenticate(3);
    filter.set({ ...noFaults(), partition: [[1, 2], [3]] });
    c.message(heartbeat(3, 1, 0));
    await stillDelivers(16);
    await waitFor(() => node.stats().filtered === 1, 'the message from node 3 to be filtered');
    expect(marks(inbox)).toEqual([16]);
    expect(badCount()).toBe(0);
  });
});
