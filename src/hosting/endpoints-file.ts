import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeId } from '../raft/types.js';
import { replaceFileAtomically } from '../storage/durable-fs.js';

/** Where `raft-tui launch` says its nodes listen, in the data folder (no secret in it). */
export const ENDPOINTS_FILE = 'nodes.json';

/** One node process: where peers reach it, where its admin endpoint is, and its pid. */
export interface NodeEndpoint {
  id: NodeId;
  listen: string;
  admin: string;
  pid?: number;
}

export async function writeEndpoints(dataDir: string, nodes: NodeEndpoint[]): Promise<void> {
  await replaceFileAtomically(join(dataDir, ENDPOINTS_FILE), Buffer.from(`${JSON.stringify({ nodes }, null, 2)}\n`));
}

export async function removeEndpoints(dataDir: string): Promise<void> {
  await rm(join(dataDir, ENDPOINTS_FILE), { force: true });
}

/** Reads the endpoints a launcher wrote; the error says what to do when there are none. */
export async function readEndpoints(dataDir: string): Promise<NodeEndpoint[]> {
  const path = join(dataDir, ENDPOINTS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(
      `${path} does not exist: start the nodes with raft-tui launch --data-dir ${dataDir}, or give --attach the admin addresses`,
    );
  }
  const value = JSON.parse(text) as { nodes?: unknown };
  if (!Array.isArray(value.nodes)) throw new Error(`${path} lists no nodes`);
  return value.nodes.map((n) => {
    const o = n as Record<string, unknown>;
    if (typeof o.id !== 'number' || typeof o.admin !== 'string' || typeof o.listen !== 'string')
      throw new Error(`${path}: a node entry lacks id, listen or admin`);
    return { id: o.id, listen: o.listen, admin: o.admin, ...(typeof o.pid === 'number' ? { pid: o.pid } : {}) };
  });
}
