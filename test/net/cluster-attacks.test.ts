import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openClusterKeyFile } from '../../src/cluster/cluster-key-file.js';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import { encodeProof } from '../../src/net/handshake.js';
import { createRng } from '../../src/raft/rng.js';
import type { AppendEntries, NodeId } from '../../src/raft/types.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeListener, type FakeListener, rawClient, type RawClient } from './helpers.js';

let cluster: Cluster | undefined;
let dataDir: string | undefined;
const clients: RawClient[] = [];
const listeners: FakeListener[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await Promise.all(listeners.splice(0).map((l) => l.close()));
  await cluster?.stop();
  cluster = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const MAX = Number.MAX_SAFE_INTEGER;

/** The forged AppendEntries of the issue: a new entry at a huge term, committed at once. */
function forged(from: NodeId, to: NodeId, term: number, lastIndex: number): AppendEntries {
  return {
    type: 'AppendEntries',
    from,
    to,
    term,
    prevLogIndex: lastIndex,
    prevLogTerm: 0,
    entries: [{ index: lastIndex + 1, term, type: 'normal', data: 'SET pwned = yes' }],
    leaderCommit: lastIndex + 1,
  };
}

/** The cluster id the old hello carried, computed from the seed as anyone could. */
function oldClusterId(seed: number): string {
  const root = createRng(seed);
  root.int(0, 2 ** 31);
  root.int(0, 2 ** 31);
  return `raft-tui-${root.int(0, 2 ** 31).toString(36)}`;
}

async function startCluster(seed: number): Promise<{ c: Cluster; events: ClusterEvent[] }> {
  dataDir = await mkdtemp(join(tmpdir(), 'raft-tui-attack-'));
  const c = await createCluster({ nodes: 3, seed, dataDir });
  cluster = c;
  const events: ClusterEvent[] = [];
  c.on('event', (e) => events.push(e));
  const first = await c.submit('SET x = 1', { timeoutMs: 10_000 });
  expect(first.ok).toBe(true);
  return { c, events };
}

const badInputs = (events: ClusterEvent[], reason: string): number =>
  events.filter((e) => e.type === 'bad-input' && e.reason.startsWith(`${reason}:`)).length;

function expectUntouched(c: Cluster): void {
  for (const s of c.status()) {
    if (!s.up) continue;
    expect(s.term).toBeLessThan(1000);
    expect(s.kv.pwned).toBeUndefined();
    expect(s.log.some((e) => e.command.includes('pwned'))).toBe(false);
  }
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port);
  clients.push(c);
  return c;
}

describe('attacks on a live TCP cluster', () => {
  it('the forged-term attack of the issue (term 2^53 − 1) changes no node, with or without the old cluster id', async () => {
    const seed = 11;
    const { c, events } = await startCluster(seed);
    const ports = c.snapshot().nodes.map((n) => n.port);
    const lastIndex = Math.max(...c.status().map((s) => s.lastIndex));
    for (const [i, port] of ports.entries()) {
      const to = i + 1;
      const from = to === 1 ? 2 : 1;
      const attack = `${JSON.stringify(forged(from, to, MAX, lastIndex))}\n`;
      // As before: the old hello with the cluster id anyone could compute from the seed.
      const old = await client(port);
      old.send(`${JSON.stringify({ hello: 'raft-tui', cluster: oldClusterId(seed), node: from })}\n${attack}`);
      // As now, without the secret: a made-up proof with the forged message right behind it.
      const guess = await client(port);
      await guess.authenticate(from, { to, secret: ClusterSecret.generate(), wait: false, alsoSend: attack });
      await Promise.all([old.closed, guess.closed]);
    }
    await waitFor('every attempt refused', () => badInputs(events, 'bad-hello') === 3 && badInputs(events, 'bad-proof') === 3);
    expect((await c.submit('SET y = 2', { timeoutMs: 10_000 })).ok).toBe(true);
    expectUntouched(c);
  });

  it('even a holder of the secret cannot push a node past the term ceiling', async () => {
    const { c, events } = await startCluster(12);
    const secret = await openClusterKeyFile(dataDir!);
    const ports = c.snapshot().nodes.map((n) => n.port);
    const lastIndex = Math.max(...c.status().map((s) => s.lastIndex));
    for (const [i, port] of ports.entries()) {
      const to = i + 1;
      const from = to === 1 ? 2 : 1;
      const insider = await client(port);
      // The forged message rides with the proof: once a node has an authenticated link from the
      // real `from` again (and it dials a peer back as soon as that peer connects), it drops the
      // insider's older one, maybe before a message sent a moment later was read.
      await insider.authenticate(from, { to, secret, alsoSend: `${JSON.stringify(forged(from, to, MAX, lastIndex))}\n` });
    }
    await waitFor('every forged term refused', () => badInputs(events, 'term-too-high') === 3);
    expect((await c.submit('SET y = 2', { timeoutMs: 10_000 })).ok).toBe(true);
    expectUntouched(c);
  });

  it("a squatter on a crashed node's port receives no Raft message and cannot make the cluster accept anything", async () => {
    const { c, events } = await startCluster(13);
    const leader = await waitFor('a leader', () => c.leader());
    const victim = c.ids.find((id) => id !== leader)!;
    const port = c.snapshot().nodes.find((n) => n.id === victim)!.port;
    await c.crash(victim);
    // The squatter answers every connector with a proof made up without the secret.
    const squatter = await fakeListener(victim, (t) => encodeProof(ClusterSecret.generate(), 'listener', t), { port });
    listeners.push(squatter);
    const others = c.ids.filter((id) => id !== victim);
    const proofFrom = (id: NodeId) => squatter.exchanges.find((x) => (JSON.parse(x.hello) as { from: number }).from === id)?.proof;
    await waitFor('a proof from each live node', () => others.every((id) => proofFrom(id) !== undefined));
    // The cluster carries on meanwhile, sending the squatter nothing it could use.
    expect((await c.submit('SET during = squat', { timeoutMs: 10_000 })).ok).toBe(true);
    expect(squatter.lines.filter((l) => l.includes('"type"'))).toEqual([]);
    await waitFor('the live nodes to refuse the squatter', () => badInputs(events, 'bad-proof') >= others.length);

    // With what it collected, it poses as the crashed node to the others: replayed proofs fail.
    const lastIndex = Math.max(...c.status().map((s) => s.lastIndex));
    for (const target of others) {
      const targetPort = c.snapshot().nodes.find((n) => n.id === target)!.port;
      const replay = await client(targetPort);
      replay.hello(victim, target);
      await replay.nextLine();
      const proof = proofFrom(target)!;
      replay.send(`${proof}\n${JSON.stringify(forged(victim, target, MAX, lastIndex))}\n`);
      await replay.closed;
    }
    expect((await c.submit('SET after = squat', { timeoutMs: 10_000 })).ok).toBe(true);
    expectUntouched(c);

    // Once the squatter is gone, the crashed node comes back and catches up.
    await squatter.close();
    await c.restart(victim);
    const commit = Math.max(...c.status().map((s) => s.commitIndex));
    await waitFor('the restarted node to catch up', () => c.status().find((s) => s.id === victim)!.lastApplied >= commit);
  });
});
