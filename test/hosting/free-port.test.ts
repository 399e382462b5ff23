import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, releasePorts } from '../../src/hosting/free-port.js';

describe('freePort', () => {
  it('never hands out a port twice, even to callers asking at the same time', async () => {
    // 400 picks from about 12 000 ports: without the bookkeeping, some pair would almost surely
    // land on the same port (the birthday bound puts the expected number of pairs near 7).
    const ports = await Promise.all(Array.from({ length: 400 }, () => freePort()));
    try {
      expect(new Set(ports).size).toBe(ports.length);
    } finally {
      releasePorts(ports);
    }
  });

  it('hands out a port that can be listened on, below the ephemeral range', async () => {
    const port = await freePort();
    try {
      expect(port).toBeGreaterThanOrEqual(1024);
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port }, () => resolve());
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    } finally {
      releasePorts([port]);
    }
  });
});
