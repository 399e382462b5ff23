import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeId } from '../raft/types.js';
import { isNotFound } from '../storage/durable-fs.js';
import { FileStorage, HARD_STATE_FILE_NAME, LOG_FILE_NAME } from '../storage/file-storage.js';
import { type ClusterManifest, MANIFEST_FILE_NAME, membersText, newManifest, readManifest, writeManifest } from './cluster-manifest.js';

/**
 * The node folders of a data folder, and the rule for a member whose folder is gone.
 *
 * A node whose folder was deleted or emptied comes back with no log, no term and no vote. If
 * it simply started, it would vote like a new node: for any candidate, however short its log —
 * with one other node behind, that vote elects a leader without the committed entries (§5.4.1's
 * election restriction assumes voters remember their logs) — and it may vote a second time in
 * a term it already voted in (§5.2: one vote per term, kept on stable storage).
 *
 * Such a node is REFUSED: it stays down with the reason, and the others go on without it.
 * Rejoining as a non-voting learner that votes again once caught up (thesis §4.2.1) would
 * protect the log, but not the vote it cast before the loss in a term still open; doing that
 * safely means rejoining as a new member through a configuration change (thesis §4), not
 * quietly under the old id. Refusing is safe and says what happened.
 */

/** A node's folder inside the data folder. */
export function nodeDir(dataDir: string, id: NodeId): string {
  return join(dataDir, `node-${id}`);
}

/** What a node's folder holds, as far as these checks care. */
interface FolderState {
  manifest: ClusterManifest | null;
  hasLog: boolean;
  hasHardState: boolean;
  /** Its log holds something: the node has taken part in the cluster. */
  ran: boolean;
}

async function folderState(dir: string): Promise<FolderState> {
  const logSize = await sizeOf(join(dir, LOG_FILE_NAME));
  return {
    manifest: await readManifest(join(dir, MANIFEST_FILE_NAME)),
    hasLog: logSize !== null,
    hasHardState: (await sizeOf(join(dir, HARD_STATE_FILE_NAME))) !== null,
    ran: (logSize ?? 0) > 0,
  };
}

/**
 * Reads (or creates) the data folder's manifest before any node starts. A new cluster gets
 * every node folder made — files first, then each node's manifest, then the root's last, so a
 * creation cut short is redone rather than mistaken for lost folders. A cluster from before
 * manifests is adopted as it is. Throws when the folder holds a cluster of other members.
 */
export async function prepareDataFolder(dataDir: string, ids: readonly NodeId[]): Promise<ClusterManifest> {
  const rootPath = join(dataDir, MANIFEST_FILE_NAME);
  const root = await readManifest(rootPath);
  if (root !== null) return checkMembers(root, ids, rootPath);
  const states = await Promise.all(ids.map((id) => folderState(nodeDir(dataDir, id))));
  const fromNodes = states.find((s) => s.manifest !== null)?.manifest ?? null;
  if (states.some((s) => s.ran)) {
    // The cluster exists; its root manifest does not (an older folder, or the file was lost).
    const manifest = fromNodes === null ? newManifest(ids) : checkMembers(fromNodes, ids, 'its node folders');
    if (fromNodes === null) {
      // From before manifests: every folder with a log was a member that started.
      for (const [i, id] of ids.entries()) {
        if (states[i]?.hasLog) await writeManifest(join(nodeDir(dataDir, id), MANIFEST_FILE_NAME), manifest);
      }
    }
    await writeManifest(rootPath, manifest);
    return manifest;
  }
  // Nothing has run: a new cluster, or a creation cut short. Make (or finish) every folder.
  const manifest = fromNodes !== null && sameMembers(fromNodes.members, ids) ? fromNodes : newManifest(ids);
  for (const id of ids) {
    const dir = nodeDir(dataDir, id);
    const storage = await FileStorage.open(dir); // creates its log and hard-state files
    await storage.close();
    await writeManifest(join(dir, MANIFEST_FILE_NAME), manifest);
  }
  await writeManifest(rootPath, manifest);
  return manifest;
}

/**
 * Why node `id` must not start from its folder, or null: the folder belongs to another cluster,
 * or the manifest says the node is a member but its folder lost its manifest, log or hard state.
 */
export async function nodeFolderRefusal(dataDir: string, id: NodeId, manifest: ClusterManifest): Promise<string | null> {
  const dir = nodeDir(dataDir, id);
  const state = await folderState(dir);
  if (state.manifest !== null && state.manifest.clusterId !== manifest.clusterId) {
    return (
      `refused to start: ${dir} belongs to another cluster (${state.manifest.clusterId}, created ${state.manifest.createdAt}), ` +
      `not to this one (${manifest.clusterId}); put this node's own folder back`
    );
  }
  const missing = [
    state.manifest === null ? MANIFEST_FILE_NAME : null,
    state.hasLog ? null : LOG_FILE_NAME,
    state.hasHardState ? null : HARD_STATE_FILE_NAME,
  ].filter((f): f is string => f !== null);
  if (missing.length === 0) return null;
  return (
    `refused to start: ${dir} has lost ${missing.join(', ')}, but the cluster manifest (${join(dataDir, MANIFEST_FILE_NAME)}) ` +
    `says node ${id} has been a member since ${manifest.createdAt}. Started empty it would vote like a new node — for a ` +
    'candidate missing committed entries, or twice in one term — so it stays down. Restore its folder from a backup; the ' +
    'other nodes go on without it'
  );
}

/** An error for a node refused by {@link nodeFolderRefusal}: it stays down with `message`. */
export class NodeRefusedError extends Error {
  override readonly name = 'NodeRefusedError';
}

function checkMembers(manifest: ClusterManifest, ids: readonly NodeId[], where: string): ClusterManifest {
  if (sameMembers(manifest.members, ids)) return manifest;
  throw new Error(
    `this data folder holds a cluster of ${membersText(manifest.members)} (${where}), not ${membersText(ids)}: ` +
      `start it with --nodes ${manifest.members.length}, or use another data folder`,
  );
}

function sameMembers(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
