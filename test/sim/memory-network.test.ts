import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../../src/net/memory-network.js';
import type { Message, NodeId } from '../../src/raft/types.js';

/** A heartbeat from `from` to `to`; `term` doubles as a label to tell messages apart. */
function hb(from: NodeId, to: NodeId, term = 1): Message {
  return { type: 'AppendEntries', from, to, term, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 };
}

/** Everything due by `now`, in delivery order. */
function drain(net: MemoryNetwork, now: number): Message[] {
  const out: Message[] = [];
  for (let m = net.popDue(now); m !== undefined; m = net.popDue(now)) out.push(m);
  return out;
}

describe('MemoryNetwork', () => {
  it('delivers in send order when delays tie, and nothing before it is due', () => {
    const net = new MemoryNetwork({ seed: 1, latencyMs: [5, 5] });
    const sent = [hb(1, 2, 1), hb(1, 3, 2), hb(2, 1, 3)];
    for (const m of sent) expect(net.send(m, 100)).toBe(1);
    expect(net.nextDeliveryAt()).toBe(105);
    expect(net.popDue(104)).toBeUndefined();
    const got = drain(net, 105);
    // The very same objects: no copies are made.
    expect(got).toHaveLength(3);
    got.forEach((m, i) => expect(m).toBe(sent[i]));
    expect(net.nextDeliveryAt()).toBe(Infinity);
    expect(net.stats()).toMatchObject({ sent: 3, delivered: 3, pending: 0 });
  });

  it('hands copies out in (delivery time, send order) under random delays, the same way for the same seed', () => {
    const order = (seed: number): number[] => {
      const net = new MemoryNetwork({ seed });
      net.filter.update({ delayMs: [0, 50] });
      const at = new Map<Message, number>();
      for (let i = 0; i < 500; i++) {
        const m = hb(1, 2, i);
        net.send(m, i % 7);
        at.set(m, i);
      }
      const out: number[] = [];
      let last = -1;
      for (let now = 0; now <= 60; now++) {
        for (const m of drain(net, now)) {
          expect(now).toBeGreaterThanOrEqual(last);
          last = now;
          out.push(at.get(m)!);
        }
      }
      expect(out).toHaveLength(500);
      return out;
    };
    const a = order(7);
    expect(order(7)).toEqual(a);
    expect(order(8)).not.toEqual(a);
    // Delays reorder: the delivery order is not the send order.
    expect(a).not.toEqual([...a].sort((x, y) => x - y));
  });

  it('keeps ties in send order inside the heap over many sends', () => {
    const net = new MemoryNetwork({ seed: 3 });
    net.filter.update({ delayMs: [0, 3] });
    for (let i = 0; i < 300; i++) net.send(hb(1, 2, i), 0);
    const popped: number[] = [];
    const dueAt: number[] = [];
    for (let now = 0; now <= 3; now++) {
      for (const m of drain(net, now)) {
        popped.push(m.term);
        dueAt.push(now);
      }
    }
    // Within one delivery time, labels (send order) must be increasing.
    for (let i = 1; i < popped.length; i++) {
      if (dueAt[i] === dueAt[i - 1]) expect(popped[i]!).toBeGreaterThan(popped[i - 1]!);
    }
    expect(popped).toHaveLength(300);
  });

  it('filters by partition, cut and drop rate, and counts each reason', () => {
    const net = new MemoryNetwork({ seed: 1 });
    net.filter.update({ partition: [[1, 2], [3]] });
    expect(net.send(hb(1, 3), 0)).toBe(0);
    expect(net.send(hb(1, 2), 0)).toBe(1);
    net.filter.update({ partition: null, cuts: [{ from: 2, to: 1 }] });
    expect(net.send(hb(2, 1), 0)).toBe(0);
    expect(net.send(hb(1, 2), 0)).toBe(1);
    net.filter.update({ cuts: [], dropRate: 1 });
    expect(net.send(hb(1, 2), 0)).toBe(0);
    expect(net.stats().filtered).toEqual({ partition: 1, cut: 1, drop: 1, down: 0 });
    expect(drain(net, 0)).toHaveLength(2);
  });

  it('duplicates with duplicateRate 1: two copies of the same message', () => {
    const net = new MemoryNetwork({ seed: 1 });
    net.filter.update({ duplicateRate: 1 });
    const m = hb(1, 2);
    expect(net.send(m, 0)).toBe(2);
    expect(drain(net, 0)).toEqual([m, m]);
    expect(net.stats()).toMatchObject({ sent: 1, delivered: 2, duplicated: 1 });
  });

  it('loses a copy whose link is partitioned or cut while it is in flight', () => {
    const net = new MemoryNetwork({ seed: 1, latencyMs: [10, 10] });
    net.send(hb(1, 2), 0);
    net.send(hb(2, 1), 0);
    net.send(hb(3, 1), 0);
    net.filter.update({ partition: [[1, 3], [2]] });
    net.filter.update({ cuts: [{ from: 3, to: 1 }] });
    expect(drain(net, 10)).toEqual([]);
    expect(net.stats().filtered).toMatchObject({ partition: 2, cut: 1 });
  });

  it('dropTo forgets copies in flight to a node and keeps the rest in order', () => {
    const net = new MemoryNetwork({ seed: 1 });
    net.filter.update({ delayMs: [1, 20] });
    for (let i = 0; i < 50; i++) net.send(hb(1, (i % 3) + 2, i), 0);
    const lost = net.dropTo(3);
    const rest = drain(net, 20);
    expect(rest.every((m) => m.to !== 3)).toBe(true);
    expect(lost + rest.length).toBe(50);
    expect(net.stats().filtered.down).toBe(lost);
    // i % 3 === 1 for i in 0..49: 17 messages went to node 3.
    expect(lost).toBe(17);
  });

  it('adds the base latency to the fault delay', () => {
    const net = new MemoryNetwork({ seed: 1, latencyMs: [2, 2] });
    net.filter.update({ delayMs: [10, 10] });
    net.send(hb(1, 2), 5);
    expect(net.nextDeliveryAt()).toBe(17);
  });
});
