import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterEvent } from '../../src/cluster/types.js';
import { describeEvent } from '../../src/tui/describe-event.js';
import { waitFor } from '../helpers/wait-for.js';

let cluster: Cluster | undefined;
let dir = '';
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A program squatting on `port`; close() also drops the peers' connections it accepted. */
function listen(port: number): Promise<{ close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        // server.close() waits for every accepted connection to end, and the other nodes keep
        // theirs open: without destroying them it would wait forever.
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      }),
    );
  });
}

describe('a restart that fails', () => {
  it('with its port taken leaves the node down and restartable, says why, and a later restart works', async () => {
    dir = await mkdtemp(join(tmpdir(), 'raft-tui-restart-'));
    const c = await createCluster({ nodes: 3, dataDir: dir, electionTimeoutMs: [100, 200], heartbeatMs: 20 });
    cluster = c;
    const events: ClusterEvent[] = [];
    c.on('event', (e) => events.push(e));
    expect((await c.submit('SET a = 1', { timeoutMs: 10_000 })).ok).toBe(true);
    const port = c.snapshot().nodes.find((n) => n.id === 2)!.port;
    await c.crash(2);
    const squatter = await listen(port);
    try {
      await expect(c.restart(2)).rejects.toThrow(new RegExp(`n2 could not restart: port ${port} is in use`));
      const n2 = c.status().find((s) => s.id === 2)!;
      expect(n2.up).toBe(false);
      expect(n2.log).toEqual([]);
      const said = events.find((e) => e.type === 'storage-recovery' && e.node === 2);
      expect(said && describeEvent(said)?.text).toMatch(/^n2 could not restart: port \d+ is in use by another program; it stays down/);
      // Still a down node in every way: crash is a no-op, and a second failed restart fails the
      // same way (its files were closed, not left open).
      await c.crash(2);
      await expect(c.restart(2)).rejects.toThrow(/port \d+ is in use/);
    } finally {
      await squatter.close();
    }
    await c.restart(2);
    expect(c.status().find((s) => s.id === 2)!.up).toBe(true);
    expect((await c.submit('SET b = 2', { timeoutMs: 10_000 })).ok).toBe(true);
    await waitFor('n2 to apply both writes', () => {
      const kv = c.status().find((s) => s.id === 2)!.kv;
      return kv.a === '1' && kv.b === '2';
    });
  }, 30_000);
});
