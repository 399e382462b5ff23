import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import { AdminClient } from '../../src/hosting/admin-client.js';
import { NodeProcess } from '../../src/hosting/node-process.js';
import { waitFor } from '../helpers/wait-for.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function oneNode(key: ClusterSecret): Promise<{ node: NodeProcess; adminPort: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'raft-tui-admin-'));
  const node = new NodeProcess({
    id: 1,
    listen: { host: '127.0.0.1', port: 0 },
    peers: new Map(),
    admin: { host: '127.0.0.1', port: 0 },
    dataDir: dir,
    key,
    electionTimeoutMs: [100, 200],
    heartbeatMs: 20,
    seed: 1,
    preVote: true,
    checkQuorum: true,
  });
  const { adminPort } = await node.start();
  cleanup.push(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { node, adminPort };
}

describe('the admin endpoint', () => {
  it('serves a client that proves it knows the cluster key', async () => {
    const key = ClusterSecret.generate();
    const { adminPort } = await oneNode(key);
    const client = await AdminClient.connect({ host: '127.0.0.1', port: adminPort }, key);
    cleanup.push(async () => client.close());
    const r = await client.request({ op: 'status' });
    expect(r.status).toMatchObject({ push: 'status', view: { id: 1 } });
  });

  it('refuses malformed membership requests with a reason, and the node goes on serving', async () => {
    const key = ClusterSecret.generate();
    const { adminPort } = await oneNode(key);
    const client = await AdminClient.connect({ host: '127.0.0.1', port: adminPort }, key);
    cleanup.push(async () => client.close());
    const bad = [
      { op: 'config', change: { type: 'add-voter', node: 2 } },
      { op: 'config', change: { type: 'remove', node: 12 } },
      { op: 'config' },
      { op: 'add-peer', node: 0, listen: '127.0.0.1:7000' },
      { op: 'add-peer', node: 2, listen: 'nowhere' },
    ];
    for (const request of bad) await expect(client.request(request as never)).rejects.toThrow(/config needs|add-peer/);
    expect((await client.request({ op: 'status' })).status).toMatchObject({ push: 'status', view: { id: 1 } });
  });

  it('refuses a client with another key, and serves nothing before the proof', async () => {
    const { adminPort } = await oneNode(ClusterSecret.generate());
    await expect(AdminClient.connect({ host: '127.0.0.1', port: adminPort }, ClusterSecret.generate())).rejects.toThrow(
      /authentication failed/,
    );
    // A request without the handshake gets the challenge and then nothing but a refusal.
    const socket = connect({ host: '127.0.0.1', port: adminPort });
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    socket.on('connect', () => socket.write('{"id":1,"op":"status"}\n'));
    await waitFor('the connection to close', () => socket.closed);
    expect(received).toContain('challenge');
    expect(received).not.toContain('"status"');
    expect(received).toContain('authentication failed');
  });
});

/** What `main` writes to, with stderr kept. */
function quietIo() {
  const err: string[] = [];
  const io = {
    stdin: process.stdin,
    stdout: { write: () => true, columns: 80 } as unknown as NodeJS.WriteStream,
    stderr: { write: (s: string) => err.push(s) > 0 } as unknown as NodeJS.WriteStream,
    env: {},
  };
  return { io, err };
}

describe('raft-tui node', () => {
  it('refuses to listen beyond loopback without a key', async () => {
    const { io, err } = quietIo();
    const status = await main(['node', '--id', '1', '--listen', '0.0.0.0:0', '--data-dir', join(tmpdir(), 'raft-tui-never-made')], io);
    expect(status).toBe(2);
    expect(err.join('')).toMatch(/reachable from other hosts: give --key-file/);
  });

  it('refuses a --bootstrap that is not a list of node ids, saying what it wants', async () => {
    const { io, err } = quietIo();
    const status = await main(['node', '--id', '4', '--bootstrap', '1,2,x', '--data-dir', join(tmpdir(), 'raft-tui-never-made')], io);
    expect(status).toBe(2);
    expect(err.join('')).toMatch(/--bootstrap must list node ids from 1 to 9, each once.*got 1,2,x/);
  });
});
