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
 * Ports handed out in this process and not given back: a port picked for one node is only
 * listened on later, by its process, so until then nothing but this set keeps the next pick
 * (for another node of the same cluster, or of another cluster here) from landing on it too.
 */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that is free now, for a node process to listen on later. It is taken
 * from just below the kernel's ephemeral range: a port the kernel picks by itself (every
 * outgoing connection takes one) can never collide with it between this check and the child's
 * listen — with a port from inside that range it sometimes did. It is never one this process
 * has handed out and not given back (releasePorts). Another program may still bind it before
 * the child does: whoever starts the child must be ready to pick again.
 */
export async function freePort(): Promise<number> {
  const top = ephemeralFloor() - 1;
  const bottom = Math.max(1024, top - 12_000);
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
    if (handedOut.has(port)) continue;
    // Reserved before the check: a concurrent caller must not check, and get, the same port.
    handedOut.add(port);
    if (await canListen(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free port found between ${bottom} and ${top}`);
}

/** Gives ports from freePort back once nothing of ours listens on them any more. */
export function releasePorts(ports: Iterable<number>): void {
  for (const port of ports) handedOut.delete(port);
}
