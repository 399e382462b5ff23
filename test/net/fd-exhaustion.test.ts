import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import { encodeProof } from '../../src/net/handshake.js';
import { heartbeat } from './helpers.js';
import { fakeListener, type FakeListener, rawClient, type RawClient, waitFor } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/fd-starved-node.ts', import.meta.url));

interface Starved {
  child: ChildProcessWithoutNullStreams;
  /** Every JSON line the child has printed. */
  said: Record<string, unknown>[];
  command(line: string): void;
  /** The first line (after `from`) that has `key`, waiting for it. */
  answer(key: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stderr(): string;
}

const children: ChildProcessWithoutNullStreams[] = [];
const clients: RawClient[] = [];
const listeners: FakeListener[] = [];
let dataDir: string | undefined;

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(listeners.splice(0).map((l) => l.close()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** Starts the fixture under `ulimit -n <fds>` (a real limit on a real process). */
function starved(mode: 'transport' | 'cluster', fds: number, env: Record<string, string>): Starved {
  const child = spawn('sh', ['-c', `ulimit -n ${fds} && exec "$0" --import tsx "$1" ${mode}`, process.execPath, FIXTURE], {
    env: { ...process.env, ...env },
  });
  children.push(child);
  const said: Record<string, unknown>[] = [];
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  createInterface({ input: child.stdout }).on('line', (line) => said.push(JSON.parse(line) as Record<string, unknown>));
  let seen = 0;
  return {
    child,
    said,
    command: (line) => void child.stdin.write(`${line}\n`),
    answer: async (key, timeoutMs = 15_000) => {
      await waitFor(() => said.slice(seen).some((s) => key in s), `the child to answer ${key} (stderr: ${err})`, timeoutMs);
      const at = said.findIndex((s, i) => i >= seen && key in s);
      seen = at + 1;
      return said[at]!;
    },
    stderr: () => err,
  };
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port);
  clients.push(c);
  return c;
}

describe('running out of file descriptors', () => {
  it('EMFILE on accept and on connect does not stop a node: it keeps listening and serves again once descriptors are free', async () => {
    const bytes = randomBytes(32);
    const secret = ClusterSecret.fromBytes(bytes);
    const peer = await fakeListener(2, (t) => encodeProof(secret, 'listener', t));
    listeners.push(peer);
    const node = starved('transport', 128, { RAFT_TUI_TEST_SECRET: bytes.toString('hex'), PEER_PORT: String(peer.port) });
    const port = (await node.answer('port')).port as number;
    await waitFor(() => peer.exchanges.length >= 1, 'the node to dial its peer');
    const established = await client(port);
    await established.authenticate(2, { secret });

    node.command('exhaust');
    expect((await node.answer('exhausted')).code).toBe('EMFILE');
    // New connections cannot be accepted now: they are closed, and the node stays up.
    const refused = await Promise.all(Array.from({ length: 20 }, () => client(port)));
    await waitFor(() => refused.every((c) => c.isClosed()), 'connections arriving without descriptors to be closed');
    // Its outbound link breaks while it is starved.
    const dialsBefore = peer.exchanges.length;
    peer.dropConnections();
    // An established link still works.
    established.message(heartbeat(2, 1, 1));
    expect((await node.answer('got')).got).toBe(1);

    node.command('free');
    await node.answer('freed');
    const fresh = await client(port);
    await fresh.authenticate(2, { secret });
    fresh.message(heartbeat(2, 1, 2));
    expect((await node.answer('got')).got).toBe(2);
    // The outbound link comes back by itself and carries messages again.
    await waitFor(() => peer.exchanges.length > dialsBefore, 'the node to dial its peer again');
    await waitFor(
      () => {
        node.command('send 3');
        return peer.lines.some((l) => l.includes('"leaderCommit":3'));
      },
      'a message on the redialled link',
      10_000,
    );
    expect(node.child.exitCode).toBeNull();
  }, 60_000);

  it('hundreds of idle connections do not starve a cluster of descriptors (the cap on waiting connections holds)', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'raft-tui-fds-'));
    const cluster = starved('cluster', 256, { DATA_DIR: dataDir });
    const ports = (await cluster.answer('ports')).ports as number[];
    cluster.command('submit');
    expect((await cluster.answer('result')).result).toMatchObject({ ok: true });
    // 600 idle connections: more than the process may hold open.
    const idle: RawClient[] = [];
    for (let i = 0; i < 600; i++) idle.push(await client(ports[i % ports.length]!));
    // While they wait to authenticate (5 s), the cluster must still write its files and commit.
    await waitFor(() => idle.filter((c) => !c.isClosed()).length <= 3 * 32, 'all but 32 per node to be closed', 3000);
    cluster.command('submit');
    const after = await cluster.answer('result');
    expect(after.result).toMatchObject({ ok: true });
    expect(after.up).toEqual([true, true, true]);
    expect(cluster.stderr()).toBe('');
  }, 60_000);
});
