import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeId } from '../raft/types.js';
import { isNotFound, replaceFileAtomically } from '../storage/durable-fs.js';

export const MEMBERS_FILE_NAME = 'members.json';

/**
 * Which nodes a data folder's cluster has, written at its first membership change, so a restart
 * of the whole cluster starts the same ones after nodes were added or removed (the cluster
 * manifest, cluster-manifest.ts, is kept to the same members) (the configuration itself lives in each node's log and
 * snapshots, thesis §4.1; this says which node folders to open). `nextId` only grows: node ids
 * are never reused, so a removed node's old messages can never be mistaken for a new one's.
 */
export interface MembersRecord {
  /** The voters the cluster was first started with: every node's configuration before its log has one. */
  bootstrap: NodeId[];
  /** The nodes to start (removed ones are not listed). */
  nodes: NodeId[];
  nextId: NodeId;
}

const isIds = (v: unknown): v is NodeId[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && x >= 1);

/** Reads the folder's record; undefined when there is none. Throws, naming the file, when it is damaged. */
export async function readMembers(dir: string): Promise<MembersRecord | undefined> {
  const path = join(dir, MEMBERS_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (!isIds(o.bootstrap) || !isIds(o.nodes) || !Number.isSafeInteger(o.nextId) || o.nodes.length === 0)
    throw new Error(`${path} is damaged (expected {"bootstrap":[…],"nodes":[…],"nextId":n}): restore it, or start with a fresh --data-dir`);
  return { bootstrap: o.bootstrap, nodes: o.nodes, nextId: o.nextId as number };
}

/** Replaces the folder's record atomically (temp file, fsync, rename, folder fsync). */
export async function writeMembers(dir: string, record: MembersRecord): Promise<void> {
  await replaceFileAtomically(join(dir, MEMBERS_FILE_NAME), Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'));
}
