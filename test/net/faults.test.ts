import { afterEach, describe, expect, it } from 'vitest';
import { noFaults } from '../../src/net/fault-filter.js';
import { heartbeat, marks, startCluster, waitFor, type TestCluster } from './helpers.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** Sends a marker on a link and waits for it: everything sent earlier on that link has settled. */
async function barrier(c: TestCluster, from: number, to: number, mark: number): Promise<void> {
  c.get(from).send([heartbeat(from, to, mark)]);
  await waitFor(() => marks(c.inbox.get(to)!).includes(mark), `marker ${mark} from ${from} to ${to}`);
}

describe('TcpTransport faults', () => {
  it('a partition stops delivery both ways and heal restores it', async () => {
    cluster = await startCluster(3);
    cluster.filter.set({ ...noFaults(), partition: [[1, 2], [3]] });
    cluster.get(1).send([heartbeat(1, 3, 1)]);
    cluster.get(3).send([heartbeat(3, 1, 2)]);
    // Inside a group the link still works.
    await barrier(cluster, 1, 2, 3);
    expect(cluster.get(1).stats().filtered).toBe(1);
    expect(cluster.get(3).stats().filtered).toBe(1);
    cluster.filter.set(noFaults());
    await barrier(cluster, 1, 3, 4);
    await barrier(cluster, 3, 1, 5);
    // The partitioned messages were lost, not held back: only the markers arrived.
    expect(marks(cluster.inbox.get(3)!)).toEqual([4]);
    expect(marks(cluster.inbox.get(1)!)).toEqual([5]);
  });

  it('a partition that starts while messages are in flight drops them on receive', async () => {
    cluster = await startCluster(2);
    cluster.get(1).send([heartbeat(1, 2, 1), heartbeat(1, 2, 2)]);
    // Same turn: the send-side check passed, the bytes go out after the partition begins.
    cluster.filter.set({ ...noFaults(), partition: [[1], [2]] });
    await waitFor(() => cluster!.get(2).stats().filtered === 2, 'receiver to drop both');
    expect(cluster.get(1).stats()).toMatchObject({ sent: 2, filtered: 0 });
    cluster.filter.set(noFaults());
    await barrier(cluster, 1, 2, 3);
    expect(marks(cluster.inbox.get(2)!)).toEqual([3]);
  });

  it('a one-way cut loses messages in one direction only', async () => {
    cluster = await startCluster(2);
    cluster.filter.set({ ...noFaults(), cuts: [{ from: 1, to: 2 }] });
    cluster.get(1).send([heartbeat(1, 2, 1)]);
    await barrier(cluster, 2, 1, 2);
    expect(cluster.get(1).stats().filtered).toBe(1);
    cluster.filter.set(noFaults());
    await barrier(cluster, 1, 2, 3);
    expect(marks(cluster.inbox.get(2)!)).toEqual([3]);
    expect(marks(cluster.inbox.get(1)!)).toEqual([2]);
  });

  it('dropRate 1 drops every message', async () => {
    cluster = await startCluster(2);
    cluster.filter.update({ dropRate: 1 });
    cluster.get(1).send(Array.from({ length: 20 }, (_, i) => heartbeat(1, 2, i)));
    expect(cluster.get(1).stats()).toMatchObject({ filtered: 20, sent: 0 });
    cluster.filter.set(noFaults());
    await barrier(cluster, 1, 2, 100);
    expect(marks(cluster.inbox.get(2)!)).toEqual([100]);
  });

  it('duplicateRate 1 delivers every message twice, in order', async () => {
    cluster = await startCluster(2);
    cluster.filter.update({ duplicateRate: 1 });
    cluster.get(1).send([1, 2, 3].map((i) => heartbeat(1, 2, i)));
    await waitFor(() => cluster!.inbox.get(2)!.length === 6, 'six copies');
    expect(marks(cluster.inbox.get(2)!)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(cluster.get(2).stats().received).toBe(6);
  });

  it('delay holds each message for the drawn time', async () => {
    cluster = await startCluster(2);
    cluster.filter.update({ delayMs: [150, 150] });
    const sentAt = performance.now();
    cluster.get(1).send([heartbeat(1, 2, 1)]);
    await waitFor(() => cluster!.inbox.get(2)!.length === 1, 'the delayed message');
    // Timers may round down by a millisecond.
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(148);
  });
});
