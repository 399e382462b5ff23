import { isIP } from 'node:net';
import type { NodeId } from '../raft/types.js';
import type { HostPort } from './node-process.js';

/** Reads `HOST:PORT` (or `[v6]:PORT`); the error names what is wrong and shows the form. */
export function parseHostPort(text: string, what: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`${what} must be HOST:PORT, e.g. 127.0.0.1:7001 (got ${JSON.stringify(text)})`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Reads `ID=HOST:PORT`, a peer's id and where it listens. */
export function parsePeer(text: string): [NodeId, HostPort] {
  const m = /^(\d+)=(.+)$/.exec(text.trim());
  if (!m) throw new Error(`--peer must be ID=HOST:PORT, e.g. 3=127.0.0.1:7003 (got ${JSON.stringify(text)})`);
  const id = Number(m[1]);
  if (!(Number.isInteger(id) && id >= 1 && id <= 9)) throw new Error(`--peer ${text}: a node id is a whole number from 1 to 9`);
  return [id, parseHostPort(m[2]!, `--peer ${id}`)];
}

/** Whether an address is this machine only (so nothing from another host can reach it). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export function formatHostPort(a: HostPort): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
