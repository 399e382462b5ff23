import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster } from '../../src/cluster/types.js';
import type { ProcessCluster } from '../../src/hosting/process-cluster.js';
import { waitFor } from '../helpers/wait-for.js';

// A port picked free is bound only later, by the node's process; another program may take it
// in between. Here the first picks return a port this test already listens on: that program.
const squatted = vi.hoisted(() => ({ port: 0, picks: 0 }));
vi.mock('../../src/hosting/free-port.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/hosting/free-port.js')>();
  return {
    ...real,
    freePort: async () => {
      if (squatted.picks > 0) {
        squatted.picks--;
        return squatted.port;
      }
      return real.freePort();
    },
  };
});

const FAST = { electionTimeoutMs: [150, 300] as [number, number], heartbeatMs: 30, hosting: 'processes' as const };

let clusters: Cluster[] = [];
let squatter: Server | undefined;
afterEach(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  clusters = [];
  await new Promise<void>((resolve) => (squatter ? squatter.close(() => resolve()) : resolve()));
  squatter = undefined;
});

async function squat(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  squatter = server;
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  return (server.address() as { port: number }).port;
}

describe("hosting: 'processes' when a picked port is taken before the node binds it", { timeout: 90_000 }, () => {
  it('picks every port afresh and starts, on ports nobody else holds', async () => {
    squatted.port = await squat();
    squatted.picks = 1; // node 1's listen port
    const c = (await createCluster({ ...FAST, nodes: 3 })) as ProcessCluster;
    clusters.push(c);
    expect(squatted.picks).toBe(0);
    const used = c.endpoints().flatMap((e) => [e.listen, e.admin]);
    expect(used).not.toContain(`127.0.0.1:${squatted.port}`);
    expect(c.pids()).toHaveLength(3);
    await waitFor('a leader', () => c.leader());
    expect(await c.submit('SET p = 1')).toMatchObject({ ok: true });
    expect(c.safety()).toMatchObject({ violations: 0, first: null });
  });

  it('gives up after a bounded number of attempts and says why', async () => {
    squatted.port = await squat();
    squatted.picks = Number.POSITIVE_INFINITY;
    const started = createCluster({ ...FAST, nodes: 1 });
    await expect(started).rejects.toThrow(/EADDRINUSE[\s\S]*4 sets of free ports were tried/);
    squatted.picks = 0;
  });
});
