import { dirname } from 'node:path';
import type { Rng } from '../raft/rng.js';
import type { FileHandleLike, FileSystem } from '../storage/file-system.js';

/** One change to a file's bytes that is not yet durable. */
type DataOp = { seq: number; kind: 'write'; at: number; bytes: Buffer } | { seq: number; kind: 'truncate'; length: number };

/** One file: its bytes as the program sees them, as the disk holds them, and what lies between. */
interface Inode {
  data: Buffer;
  durable: Buffer;
  pending: DataOp[];
}

/**
 * A change of names (create, rename, remove) not yet made durable by an fsync of its folder. A
 * rename is one change of two names: after a crash it happened or it did not (POSIX rename is
 * atomic), never both names or neither.
 */
interface NameOp {
  seq: number;
  /** The folder whose fsync makes it durable. */
  dir: string;
  /** Each name and the file it points to afterwards (null: removed). */
  links: { path: string; inode: Inode | null }[];
}

/** What crashes did to writes that were not durable yet, over the file system's life. */
export interface CrashFsStats {
  crashes: number;
  /** Writes (or truncations) not fsync'd that a crash lost entirely. */
  lostWrites: number;
  /** Writes not fsync'd that a crash tore: only a prefix of their bytes reached the disk. */
  tornWrites: number;
  /**
   * Crashes that kept a later write to one file while losing an earlier write to another:
   * the disk reordered them.
   */
  reordered: number;
  /** Creates, renames and removes a crash undid because their folder was not fsync'd. */
  lostNames: number;
  /** Writes not fsync'd that happened to survive a crash whole. */
  keptWrites: number;
}

/** The write a crash tore (`crash({ tearLastWrite: true })`): how much of it reached the disk. */
export interface TornWrite {
  path: string;
  keptBytes: number;
  ofBytes: number;
}

export interface CrashFsOptions {
  /** Draws every crash's choices. */
  rng: Rng;
  /**
   * Starts an fsync that takes `ms` of virtual time: call `done` when it has (the simulator
   * schedules it). Without it, an fsync completes at once.
   */
  later?: (done: () => void) => void;
}

/**
 * An in-memory file system that models a crash honestly, in the manner of LazyFS and ALICE: a
 * write reaches the program's view at once but the disk only at the next fsync of that file;
 * a create, rename or remove reaches the disk only at the next fsync of its folder. At a crash,
 * each file keeps its durable bytes plus a random prefix of its unsynced writes, the last kept
 * one possibly torn at any byte; files decide independently (so writes to two files can land
 * in either order); and the folder keeps a random prefix of its unsynced name changes.
 * An fsync takes virtual time, so a crash can fall between a write and its fsync.
 */
export class CrashFs implements FileSystem {
  private names = new Map<string, Inode>();
  private durableNames = new Map<string, Inode>();
  private nameOps: NameOp[] = [];
  private readonly dirs = new Set<string>();
  private seq = 0;
  /** Bumped at each crash: handles and fsyncs of an earlier life do nothing. */
  private epoch = 0;
  readonly stats: CrashFsStats = { crashes: 0, lostWrites: 0, tornWrites: 0, reordered: 0, lostNames: 0, keptWrites: 0 };

  constructor(private readonly options: CrashFsOptions) {}

  async open(path: string, flags: 'r' | 'w' | 'a'): Promise<FileHandleLike> {
    if (flags === 'r' && this.dirs.has(path)) return this.dirHandle(path);
    let inode = this.names.get(path);
    if (inode === undefined) {
      if (flags === 'r') throw notFound(path);
      this.requireDir(dirname(path));
      inode = { data: Buffer.alloc(0), durable: Buffer.alloc(0), pending: [] };
      this.link([{ path, inode }]);
    } else if (flags === 'w') {
      this.change(inode, { seq: this.seq++, kind: 'truncate', length: 0 });
    }
    return this.fileHandle(inode, flags === 'a');
  }

  async readFile(path: string): Promise<Buffer> {
    const inode = this.names.get(path);
    if (inode === undefined) throw notFound(path);
    return Buffer.from(inode.data); // a copy: the caller may change it
  }

  async rename(from: string, to: string): Promise<void> {
    const inode = this.names.get(from);
    if (inode === undefined) throw notFound(from);
    this.link([
      { path: to, inode },
      { path: from, inode: null },
    ]);
  }

  async rm(path: string, _options: { force: true }): Promise<void> {
    if (this.names.has(path)) this.link([{ path, inode: null }]);
  }

  async mkdir(path: string, _options: { recursive: true }): Promise<unknown> {
    // Folders themselves are taken as durable at once: storage makes one per node, at its start.
    for (let p = path; !this.dirs.has(p) && p !== dirname(p); p = dirname(p)) this.dirs.add(p);
    return undefined;
  }

  async readdir(path: string): Promise<string[]> {
    this.requireDir(path);
    const out: string[] = [];
    for (const name of this.names.keys()) if (dirname(name) === path) out.push(name.slice(path.length + 1));
    return out.sort();
  }

  async stat(path: string): Promise<unknown> {
    if (!this.names.has(path) && !this.dirs.has(path)) throw notFound(path);
    return {};
  }

  /**
   * The machine stops. What survives on each file: its durable bytes, then a random number of
   * its unsynced changes in order, the next one possibly torn; names: a random prefix of the
   * unsynced changes. Then the program's view is what survived, and earlier handles are dead.
   */
  crash(options: { tearLastWrite?: boolean } = {}): TornWrite | null {
    const rng = this.options.rng;
    this.epoch++;
    this.stats.crashes++;
    let keptUpTo = -1;
    let lostFrom = Infinity;
    // tearLastWrite: the power fails in the middle of the last write made (a demo's torn tail).
    let last: DataOp | undefined;
    for (const inode of this.names.values()) {
      const op = inode.pending[inode.pending.length - 1];
      if (op?.kind === 'write' && op.bytes.length > 1 && (last === undefined || op.seq > last.seq)) last = op;
    }
    let torn: TornWrite | null = null;
    for (const inode of new Set([...this.names.values(), ...this.durableNames.values()])) {
      const n = inode.pending.length;
      if (n === 0) continue;
      const tearHere = options.tearLastWrite === true && last !== undefined && inode.pending[n - 1] === last;
      const keep = tearHere ? n - 1 : rng.int(0, n);
      let disk = inode.durable;
      for (let i = 0; i < keep; i++) disk = applyOp(disk, inode.pending[i]!);
      const next = inode.pending[keep];
      if (next !== undefined && next.kind === 'write' && next.bytes.length > 1 && (tearHere || rng.chance(0.5))) {
        const cut = rng.int(1, next.bytes.length - 1);
        if (tearHere) torn = { path: this.pathOf(inode) ?? '', keptBytes: cut, ofBytes: next.bytes.length };
        disk = applyOp(disk, { ...next, bytes: next.bytes.subarray(0, cut) });
        this.stats.tornWrites++;
        this.stats.lostWrites += n - keep - 1;
      } else {
        this.stats.lostWrites += n - keep;
      }
      this.stats.keptWrites += keep;
      if (keep > 0) keptUpTo = Math.max(keptUpTo, inode.pending[keep - 1]!.seq);
      if (next !== undefined) lostFrom = Math.min(lostFrom, next.seq);
      inode.durable = disk;
      inode.data = disk;
      inode.pending = [];
    }
    if (keptUpTo > lostFrom) this.stats.reordered++;
    const keepNames = rng.int(0, this.nameOps.length);
    for (let i = 0; i < keepNames; i++) setName(this.durableNames, this.nameOps[i]!);
    this.stats.lostNames += this.nameOps.length - keepNames;
    this.nameOps = [];
    this.names = new Map(this.durableNames);
    // Files no name reaches are gone; the rest start their next life clean.
    for (const inode of this.names.values()) {
      inode.data = inode.durable;
      inode.pending = [];
    }
    return torn;
  }

  private pathOf(inode: Inode): string | undefined {
    for (const [path, i] of this.names) if (i === inode) return path;
    return undefined;
  }

  private fileHandle(inode: Inode, append: boolean): FileHandleLike {
    const epoch = this.epoch;
    let position = 0;
    const alive = (): void => {
      if (epoch !== this.epoch) throw new Error('the machine crashed: this file handle is gone');
    };
    return {
      write: async (data, offset, length, _position) => {
        alive();
        const bytes = Buffer.from(data.subarray(offset, offset + length));
        const at = append ? inode.data.length : position;
        this.change(inode, { seq: this.seq++, kind: 'write', at, bytes });
        position = at + bytes.length;
        return { bytesWritten: bytes.length };
      },
      sync: () => this.fsyncFile(inode, epoch),
      datasync: () => this.fsyncFile(inode, epoch),
      truncate: async (length) => {
        alive();
        this.change(inode, { seq: this.seq++, kind: 'truncate', length });
        position = Math.min(position, length);
      },
      close: async () => undefined,
    };
  }

  private dirHandle(dir: string): FileHandleLike {
    const epoch = this.epoch;
    const refuse = async (): Promise<never> => {
      throw new Error(`${dir} is a folder`);
    };
    return {
      write: refuse,
      truncate: refuse,
      sync: () => this.fsyncDir(dir, epoch),
      datasync: () => this.fsyncDir(dir, epoch),
      close: async () => undefined,
    };
  }

  /**
   * Makes the file's bytes as of this call durable once the fsync's virtual time has passed (if
   * no crash came first); writes made meanwhile stay pending. Buffers are never changed in
   * place, so keeping a reference is keeping those bytes.
   */
  private fsyncFile(inode: Inode, epoch: number): Promise<void> {
    const data = inode.data;
    const covered = inode.pending[inode.pending.length - 1];
    return this.afterSync(epoch, () => {
      // Nothing was pending, or a later fsync that landed first already covered it.
      const i = covered === undefined ? -1 : inode.pending.indexOf(covered);
      if (i < 0) return;
      inode.durable = data;
      inode.pending = inode.pending.slice(i + 1);
    });
  }

  /** Makes the folder's name changes durable, in order. */
  private fsyncDir(dir: string, epoch: number): Promise<void> {
    return this.afterSync(epoch, () => {
      const rest: NameOp[] = [];
      for (const op of this.nameOps) {
        if (op.dir === dir) setName(this.durableNames, op);
        else rest.push(op);
      }
      this.nameOps = rest;
    });
  }

  private afterSync(epoch: number, land: () => void): Promise<void> {
    if (epoch !== this.epoch) return Promise.reject(new Error('the machine crashed: this file handle is gone'));
    const later = this.options.later;
    if (!later) {
      land();
      return Promise.resolve();
    }
    // A crash before the fsync completes leaves it undone; its caller never hears back.
    return new Promise((resolve) =>
      later(() => {
        if (epoch !== this.epoch) return;
        land();
        resolve();
      }),
    );
  }

  private change(inode: Inode, op: DataOp): void {
    inode.data = applyOp(inode.data, op);
    inode.pending.push(op);
  }

  private link(links: NameOp['links']): void {
    const op = { seq: this.seq++, dir: dirname(links[0]!.path), links };
    setName(this.names, op);
    this.nameOps.push(op);
  }

  private requireDir(path: string): void {
    if (!this.dirs.has(path)) throw notFound(path);
  }
}

function applyOp(data: Buffer, op: DataOp): Buffer {
  if (op.kind === 'truncate')
    return op.length >= data.length ? Buffer.concat([data, Buffer.alloc(op.length - data.length)]) : data.subarray(0, op.length);
  if (op.at === data.length) return Buffer.concat([data, op.bytes]);
  const end = op.at + op.bytes.length;
  const out = end > data.length ? Buffer.concat([data, Buffer.alloc(end - data.length)]) : Buffer.from(data);
  op.bytes.copy(out, op.at);
  return out;
}

function setName(names: Map<string, Inode>, op: NameOp): void {
  for (const { path, inode } of op.links) {
    if (inode === null) names.delete(path);
    else names.set(path, inode);
  }
}

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}
