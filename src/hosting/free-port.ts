import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port the kernel hands out by itself (Linux's ip_local_port_range; 32768 elsewhere). */
function ephemeralFloor(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port }, () => s.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that is free now, for a node process to listen on later. It is taken
 * from just below the kernel's ephemeral range: a port the kernel picks by itself (every
 * outgoing connection takes one) can never collide with it between this check and the child's
 * listen — with a port from inside that range it sometimes did.
 */
export async function freePort(): Promise<number> {
  const top = ephemeralFloor() - 1;
  const bottom = Math.max(1024, top - 12_000);
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${bottom} and ${top}`);
}
