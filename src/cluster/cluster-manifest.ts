import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { NodeId } from '../raft/types.js';
import { isNotFound, replaceFileAtomically } from '../storage/durable-fs.js';

/** The manifest's name, in the data folder's root and in every node's folder. */
export const MANIFEST_FILE_NAME = 'cluster.json';

/**
 * What a data folder holds: which cluster (a random id, never from the seed), its members, and
 * when it was created. Kept in the root and in every node's folder, written atomically. It is
 * what tells a node that lost its folder from a node that never had one: the first must not
 * vote as if it were new (see node-folders.ts).
 */
export interface ClusterManifest {
  /** 128 random bits in hex (crypto): two clusters started with the same seed differ. */
  clusterId: string;
  members: NodeId[];
  /** ISO 8601. */
  createdAt: string;
}

/** A new manifest for a cluster of `members`. */
export function newManifest(members: readonly NodeId[]): ClusterManifest {
  return { clusterId: randomBytes(16).toString('hex'), members: [...members], createdAt: new Date().toISOString() };
}

/** Reads the manifest at `path`: null when there is none; throws naming the file when it is not one. */
export async function readManifest(path: string): Promise<ClusterManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const problem = (why: string): Error =>
    new Error(`${path} is not a raft-tui cluster manifest (${why}): restore it from a backup, or move this data folder away`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw problem('not JSON');
  }
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (o.format !== 1) throw problem(`format ${String(o.format)}, expected 1`);
  if (typeof o.clusterId !== 'string' || !/^[0-9a-f]{32}$/.test(o.clusterId)) throw problem('no cluster id');
  const members = o.members;
  if (!Array.isArray(members) || members.length === 0 || !members.every((m) => Number.isSafeInteger(m) && m >= 1)) {
    throw problem('no member list');
  }
  if (typeof o.createdAt !== 'string') throw problem('no creation time');
  return { clusterId: o.clusterId, members: members as NodeId[], createdAt: o.createdAt };
}

/** Writes `manifest` to `path` atomically (temp file, fsync, rename, fsync the folder). */
export async function writeManifest(path: string, manifest: ClusterManifest): Promise<void> {
  const text = `${JSON.stringify({ format: 1, ...manifest }, null, 2)}\n`;
  await replaceFileAtomically(path, Buffer.from(text, 'utf8'));
}

/** "nodes 1-5" or "nodes 1, 3". */
export function membersText(members: readonly NodeId[]): string {
  const sorted = [...members].sort((a, b) => a - b);
  const contiguous = sorted.every((m, i) => m === (sorted[0] ?? 1) + i);
  if (sorted.length === 1) return `node ${sorted[0]}`;
  return contiguous ? `nodes ${sorted[0]}-${sorted.at(-1)}` : `nodes ${sorted.join(', ')}`;
}
