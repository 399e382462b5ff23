import { join } from 'node:path';
import type { NodeId } from '../raft/types.js';
import { FileStorage } from '../storage/file-storage.js';
import { type ClusterManifest, MANIFEST_FILE_NAME, writeManifest } from './cluster-manifest.js';
import { readMembers, writeMembers } from './members-file.js';
import { nodeDir, prepareDataFolder } from './node-folders.js';

/**
 * Who is in the cluster (thesis ch. 4): every id ever started, the voters every node boots
 * from, the ids removed for good, the next free id — and, with a data folder, the files that
 * remember them (members.json and the cluster manifest). Changes run one at a time (§4.1).
 */
export class ClusterMembers {
  /** Every node id, in the order they were added (removed ones stay: their panels say REMOVED). */
  readonly ids: NodeId[];
  /** Thesis ch. 4: the voters every node starts from before its log says otherwise. */
  bootstrap: NodeId[];
  /** Nodes taken out by removeNode(): stopped for good, their ids never used again. */
  readonly removed = new Set<NodeId>();
  /** The data folder's cluster manifest (files only): who the members are (node-folders.ts). */
  manifest: ClusterManifest | undefined;
  private nextId: NodeId;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    nodes: number,
    private readonly dataDir: string | undefined,
  ) {
    this.ids = Array.from({ length: nodes }, (_, i) => i + 1);
    this.bootstrap = [...this.ids];
    this.nextId = nodes + 1;
  }

  /** The members that are not removed. */
  current(): NodeId[] {
    return this.ids.filter((id) => !this.removed.has(id));
  }

  /**
   * A data folder that saw nodes added or removed starts those nodes (members-file.ts); then the
   * folder is checked against (or stamped with) its cluster manifest.
   */
  async load(): Promise<void> {
    const dir = this.dataDir;
    if (!dir) return;
    const record = await readMembers(dir);
    // Written by the first membership change only: until then the cluster is the one --nodes
    // made, and the manifest (node-folders.ts) holds it to that.
    if (record) {
      this.ids.splice(0, this.ids.length, ...record.nodes);
      this.bootstrap = record.bootstrap;
      this.nextId = Math.max(record.nextId, ...record.nodes.map((id) => id + 1));
    }
    this.manifest = await prepareDataFolder(dir, this.ids);
  }

  /** One membership change at a time (thesis §4.1), in the order they were asked for. */
  serialize<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Takes the next id for good (saved before anything else) and gives it a whole folder. */
  async add(): Promise<NodeId> {
    if (this.current().length >= 9) throw new Error('a cluster has at most 9 nodes: remove one first (remove <id>)');
    const id = this.nextId++;
    this.ids.push(id);
    await this.save(); // before anything else: the id is taken for good
    await this.saveManifest(id);
    return id;
  }

  async remove(id: NodeId): Promise<void> {
    this.removed.add(id);
    await this.save();
    await this.saveManifest();
  }

  private async save(): Promise<void> {
    const dir = this.dataDir;
    if (!dir) return;
    await writeMembers(dir, { bootstrap: this.bootstrap, nodes: this.current(), nextId: this.nextId });
  }

  /**
   * Keeps the data folder's cluster manifest's members in step with the nodes to start: the new
   * node's folder gets the manifest first, then the root (node-folders.ts reads both).
   */
  private async saveManifest(added?: NodeId): Promise<void> {
    const dir = this.dataDir;
    if (!dir || !this.manifest) return;
    this.manifest = { ...this.manifest, members: this.current() };
    if (added !== undefined) {
      // A new member's folder is made whole (log, hard state, manifest) before it counts as one.
      const storage = await FileStorage.open(nodeDir(dir, added));
      await storage.close();
      await writeManifest(join(nodeDir(dir, added), MANIFEST_FILE_NAME), this.manifest);
    }
    await writeManifest(join(dir, MANIFEST_FILE_NAME), this.manifest);
  }
}

/** "1-5", or the ids one by one once some were added or removed. */
export function idRangeText(ids: readonly NodeId[]): string {
  const contiguous = ids.every((id, i) => id === i + 1);
  if (ids.length === 1) return `${ids[0]}`;
  return contiguous ? `1-${ids.length}` : ids.join(', ');
}
