import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRng } from '../../src/raft/rng.js';
import { FaultFilter } from '../../src/net/fault-filter.js';
import { TcpTransport } from '../../src/net/tcp-transport.js';
import { encodeProof } from '../../src/net/handshake.js';
import { fakeListener, heartbeat, marks, SECRET, startCluster, waitFor, type TestCluster } from './helpers.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await cluster?.stop();
  cluster = undefined;
});

describe('TcpTransport', () => {
  it('two nodes exchange messages in both directions', async () => {
    cluster = await startCluster(2);
    cluster.get(1).send([heartbeat(1, 2, 10)]);
    cluster.get(2).send([heartbeat(2, 1, 20)]);
    await waitFor(() => cluster!.inbox.get(1)!.length === 1 && cluster!.inbox.get(2)!.length === 1, 'both messages');
    expect(cluster.inbox.get(2)).toEqual([heartbeat(1, 2, 10)]);
    expect(cluster.inbox.get(1)).toEqual([heartbeat(2, 1, 20)]);
    expect(cluster.get(1).stats()).toMatchObject({ sent: 1, received: 1, filtered: 0, connectedPeers: [2] });
  });

  it('three nodes: every node reaches every other', async () => {
    cluster = await startCluster(3);
    for (const from of [1, 2, 3]) {
      cluster.get(from).send([1, 2, 3].filter((to) => to !== from).map((to) => heartbeat(from, to, from * 10 + to)));
    }
    await waitFor(() => [...cluster!.inbox.values()].every((list) => list.length === 2), 'six messages');
    for (const to of [1, 2, 3]) {
      const expected = [1, 2, 3].filter((from) => from !== to).map((from) => from * 10 + to);
      expect(marks(cluster.inbox.get(to)!).sort()).toEqual(expected.sort());
    }
  });

  it('sends everything queued in one turn in one socket write, in order', async () => {
    cluster = await startCluster(2);
    const write = vi.spyOn(Socket.prototype, 'write');
    const batch = Array.from({ length: 500 }, (_, i) => heartbeat(1, 2, i));
    // Several send calls within one turn, as a host draining several Ready batches would make.
    for (let i = 0; i < 500; i += 50) cluster.get(1).send(batch.slice(i, i + 50));
    await waitFor(() => cluster!.inbox.get(2)!.length === 500, '500 messages');
    expect(marks(cluster.inbox.get(2)!)).toEqual(batch.map((m) => m.leaderCommit));
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('drops (and counts) messages to a peer that is not connected, to unknown peers, and not from itself', async () => {
    const filter = new FaultFilter();
    const t = new TcpTransport({ id: 1, secret: SECRET, peers: [1, 2], filter, rng: createRng(1) });
    try {
      await t.start();
      // No port known for node 2 yet: nothing is connected.
      t.send([heartbeat(1, 2, 1), heartbeat(1, 7, 2), heartbeat(3, 2, 3)]);
      expect(t.stats()).toMatchObject({ sent: 0, dropped: 3, connectedPeers: [] });
    } finally {
      await t.stop();
    }
  });

  it('drops messages instead of buffering without bound when the peer stops reading', async () => {
    // A peer that completes the handshake and then never reads: the kernel buffers fill, then
    // the socket's own.
    const stalled = await fakeListener(2, (transcript) => encodeProof(SECRET, 'listener', transcript), {
      afterAnswer: (socket) => socket.pause(),
    });
    const t = new TcpTransport({
      id: 1,
      secret: SECRET,
      peers: [1, 2],
      filter: new FaultFilter(),
      rng: createRng(1),
      maxBufferedBytes: 256 * 1024,
    });
    try {
      await t.start();
      t.setPeerPorts(new Map([[2, stalled.port]]));
      await waitFor(() => t.stats().connectedPeers.includes(2), 'link to the stalled peer');
      const big = { ...heartbeat(1, 2, 0), entries: [{ index: 1, term: 1, type: 'normal' as const, data: 'x'.repeat(16 * 1024) }] };
      let offered = 0;
      // Each turn offers 128 KiB, under the bound: only a socket that stops draining can drop.
      const deadline = Date.now() + 10_000;
      while ((t.stats().dropped ?? 0) === 0) {
        if (Date.now() > deadline) throw new Error('no drop before the deadline');
        t.send(Array.from({ length: 8 }, () => big));
        offered += 8;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const { sent, dropped } = t.stats();
      expect(sent + (dropped ?? 0)).toBe(offered);
      expect(sent).toBeLessThan(offered);
    } finally {
      await t.stop();
      await stalled.close();
    }
  });

  it('reconnects after a peer stops and starts again on the same port', async () => {
    cluster = await startCluster(2, { backoffMs: [10, 200] });
    const [a, b] = [cluster.get(1), cluster.get(2)];
    const port = cluster.ports.get(2);
    await b.stop();
    await waitFor(() => a.stats().connectedPeers.length === 0, 'node 1 to notice node 2 is gone');
    a.send([heartbeat(1, 2, 1)]);
    expect(a.stats().dropped).toBe(1);
    expect(await b.start()).toBe(port);
    await waitFor(() => a.stats().connectedPeers.includes(2) && b.stats().connectedPeers.includes(1), 'links back up');
    a.send([heartbeat(1, 2, 2)]);
    b.send([heartbeat(2, 1, 3)]);
    await waitFor(() => cluster!.inbox.get(2)!.length === 1 && cluster!.inbox.get(1)!.length === 1, 'messages after restart');
    expect(marks(cluster.inbox.get(2)!)).toEqual([2]);
    expect(marks(cluster.inbox.get(1)!)).toEqual([3]);
  });

  it('dials a peer again as soon as it connects back, not when a long backoff ends', async () => {
    // Without that, a restarted node would wait out the backoff to hear from its leader.
    cluster = await startCluster(2, { backoffMs: [60_000, 60_000] });
    const [a, b] = [cluster.get(1), cluster.get(2)];
    await b.stop();
    await waitFor(() => a.stats().connectedPeers.length === 0, 'node 1 to notice node 2 is gone');
    await b.start();
    await waitFor(() => a.stats().connectedPeers.includes(2), 'node 1 to dial node 2 again, long before a minute');
    a.send([heartbeat(1, 2, 7)]);
    await waitFor(() => cluster!.inbox.get(2)!.length === 1, 'the message from node 1');
    expect(marks(cluster.inbox.get(2)!)).toEqual([7]);
  });

  it('dials the new port when a peer moves', async () => {
    cluster = await startCluster(2);
    const [a, b] = [cluster.get(1), cluster.get(2)];
    const filter = new FaultFilter();
    const moved = new TcpTransport({ id: 2, secret: SECRET, peers: [1, 2], filter, rng: createRng(9) });
    const got: number[] = [];
    moved.onMessage((m) => got.push(m.type === 'AppendEntries' ? m.leaderCommit : -1));
    try {
      await b.stop();
      const port = await moved.start();
      a.setPeerPorts(new Map([[2, port]]));
      await waitFor(() => a.stats().connectedPeers.includes(2), 'link to the moved node');
      a.send([heartbeat(1, 2, 5)]);
      await waitFor(() => got.length === 1, 'message at the new port');
      expect(got).toEqual([5]);
    } finally {
      await moved.stop();
    }
  });

  it('leaves no sockets, servers or timers behind after stop', async () => {
    const kinds = ['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'Timeout', 'Immediate'];
    const count = () => process.getActiveResourcesInfo().filter((k) => kinds.includes(k)).length;
    const before = count();
    cluster = await startCluster(3, { handshakeTimeoutMs: 60_000 });
    cluster.filter.update({ delayMs: [5000, 5000] });
    cluster.get(1).send([heartbeat(1, 2, 1), heartbeat(1, 3, 2)]);
    expect(count()).toBeGreaterThan(before);
    await cluster.stop();
    cluster = undefined;
    expect(count()).toBeLessThanOrEqual(before);
  });
});
