import { join, resolve } from 'node:path';
import type { Entry, HardState, Index, NodeId, Snapshot, Term } from '../raft/types.js';
import { assertCrc32Available } from './crc32.js';
import { isNotFound, removeIfExists, tempPathFor } from './durable-fs.js';
import { type FileSystem, nodeFileSystem } from './file-system.js';
import { readHardStateFile, writeHardStateFile } from './hard-state-file.js';
import { LogFile } from './log-file.js';
import { encodeBaseRecord, encodeCommitRecord, encodeEntryRecord, encodeTruncateRecord } from './log-record.js';
import { replayLog } from './log-replay.js';
import { compactEntries, copyHardState, EMPTY_HARD_STATE, type LogBase, saveProblem, snapshotProblem, spliceEntries } from './log-rules.js';
import { encodeRecords } from './record-codec.js';
import { removeSnapshotDebris, removeSnapshotsBefore, writeSnapshotFile } from './snapshot-file.js';
import { recoverSnapshot } from './snapshot-recovery.js';
import { StorageCorruptionError } from './storage-error.js';
import { StorageFailureError } from './storage-failure.js';
import type { RecoveryReport, Storage, StoredState } from './types.js';

/** The log file's name inside a node's folder. */
export const LOG_FILE_NAME = 'log.bin';
/** The hard-state file's name inside a node's folder. */
export const HARD_STATE_FILE_NAME = 'hard-state.bin';

/**
 * Folders of the real file system with an open FileStorage in this process: two writers on one
 * log would interleave. (An in-memory file system is the simulator's: its crash abandons storage.)
 */
const openDirs = new Set<string>();

export interface FileStorageOptions {
  /**
   * Rewrite the log without its dead records (truncated entries, markers, old commit records)
   * once there are at least this many of them and they outnumber the live entries. Default 4096.
   */
  compactAfterDeadRecords?: number;
  /**
   * Rewrite the hard-state file with the current commit index at most this often (ms) while the
   * commit index moves, and on close. The file's commit is what tells a log cut short at a record
   * boundary (lost records, not a torn write) from a whole one. Default 1000.
   */
  hardStateRefreshMs?: number;
  /** Where the files live: the real file system by default (the simulator passes an in-memory one). */
  fs?: FileSystem;
}

/**
 * Durable storage for one node in one folder: an append-only log file of checksummed records,
 * a hard-state file replaced atomically, and snapshot files (§7, see snapshot-file.ts).
 *
 * A snapshot is written first (its own file: temp, fsync, rename, fsync the folder); then the
 * log's prefix is dropped by rewriting the log file — atomically, the same way — to start
 * after the PREVIOUS snapshot. A rewrite rather than segment files because what is rewritten
 * is small (the entries since the previous snapshot, one snapshot interval) and happens once
 * per interval, and one file keeps recovery simple; keeping one interval more than the newest
 * snapshot needs means a damaged newest snapshot file is reported and recovery falls back to the
 * previous snapshot plus the log, losing nothing. In memory only the entries after the newest
 * snapshot are kept.
 *
 * A `save` is ONE write and ONE fsync of the log however many entries it holds (group commit).
 * The hard-state file (term, votedFor, commit) is replaced only when term or vote changes —
 * rarely; a new commit index alone goes into the same log write as a small commit record, and
 * on open the log's last commit record wins over the file's. Saves run one at a time, in call
 * order.
 *
 * Order inside a save: hard-state file first, then the log, so a term or vote is on disk before
 * any entry that depends on it (Figure 2: persistent state is "updated on stable storage before
 * responding to RPCs"). The commit index the file holds is always one the log already covers
 * (the one before this save; a newer one goes in the file only after the log write, at most once
 * a second and on close). So a log that ends before the file's commit index has LOST records —
 * a crash cannot do that — and open() refuses it rather than run with acknowledged entries gone.
 */
export class FileStorage implements Storage {
  /** The entries after the newest snapshot (`base`). */
  private readonly entries: Entry[];
  private snapshot: Snapshot | null;
  /** The newest snapshot's index and term (0/0 without one). */
  private base: LogBase;
  /** Where the log FILE starts: at or before `base` (the previous snapshot, see above). */
  private fileBase: LogBase;
  private hardState: HardState;
  private deadRecords: number;
  /** Whether the log holds a commit record (then a later one replaces it: one more dead record). */
  private logHasCommit: boolean;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Atomic replaces of the hard-state file so far for a change of term or vote. */
  hardStateWriteCount = 0;
  /** Atomic replaces of the hard-state file so far that only brought its commit index up to date. */
  commitRefreshCount = 0;
  /** The commit index the hard-state file holds now: ≤ the durable log's end, never lowered. */
  private fileCommit: Index;
  private lastFileWriteAt = Date.now();

  private constructor(
    /** The node's folder. */
    readonly dir: string,
    private readonly log: LogFile,
    recovered: {
      entries: Entry[];
      snapshot: Snapshot | null;
      base: LogBase;
      fileBase: LogBase;
      deadRecords: number;
      hardState: HardState;
      logHasCommit: boolean;
    },
    private readonly reports: readonly RecoveryReport[],
    private readonly compactAfter: number,
    private readonly refreshMs: number,
    fileCommit: Index,
    private readonly fs: FileSystem,
  ) {
    this.fileCommit = fileCommit;
    this.entries = recovered.entries;
    this.snapshot = recovered.snapshot;
    this.base = recovered.base;
    this.fileBase = recovered.fileBase;
    this.deadRecords = recovered.deadRecords;
    this.hardState = recovered.hardState;
    this.logHasCommit = recovered.logHasCommit;
  }

  /**
   * Opens the storage in `dir`, creating the folder and its files if missing, and recovers it: a
   * torn or corrupt last log record is cut off and reported in `load().reports`; damage anywhere
   * else (a bad record followed by valid ones, entries out of sequence, a hard-state file that
   * does not parse, fails its checksum, is empty, or is missing beside a log with entries, a log
   * that ends before the commit index the hard state records) throws a
   * {@link StorageCorruptionError} naming the file, where, and what to do.
   */
  static async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    assertCrc32Available();
    if ((options.fs ?? nodeFileSystem) !== nodeFileSystem) return FileStorage.recover(dir, options);
    const key = resolve(dir);
    if (openDirs.has(key)) {
      throw new Error(`file storage in ${dir} is already open: close it before opening it again`);
    }
    openDirs.add(key);
    try {
      return await FileStorage.recover(dir, options);
    } catch (err) {
      openDirs.delete(key);
      throw err;
    }
  }

  private static async recover(dir: string, options: FileStorageOptions): Promise<FileStorage> {
    const fs = options.fs ?? nodeFileSystem;
    await fs.mkdir(dir, { recursive: true });
    const logPath = join(dir, LOG_FILE_NAME);
    const hardStatePath = join(dir, HARD_STATE_FILE_NAME);
    // Debris of a replace or compaction that a crash interrupted: the real files are intact.
    await removeIfExists(tempPathFor(logPath), fs);
    await removeIfExists(tempPathFor(hardStatePath), fs);
    await removeSnapshotDebris(dir, fs);

    // Check everything before changing anything: a file that throws is left as it was.
    const stored = await readHardStateFile(hardStatePath, fs);
    const logExisted = await exists(logPath, fs);
    const scan = await LogFile.read(logPath, fs);
    const replayed = replayLog(scan.records, logPath);
    const recovered = await recoverSnapshot(dir, logPath, replayed, fs);
    const { entries } = recovered;
    const lastIndex = recovered.base.index + entries.length;
    if (stored === null && lastIndex > 0) {
      // Every entry has a term ≥ 1, and a term is written to the hard-state file before any
      // entry of it: the file existed, and with it went the term and the vote.
      throw new StorageCorruptionError(
        hardStatePath,
        0,
        `the hard-state file is missing while the log holds ${lastIndex} entries: this node's term and vote are lost, ` +
          'and a node that forgot its vote could vote twice in one term. Restore the folder from a backup; do not start this node from it',
      );
    }
    const hardState = stored ?? copyHardState(EMPTY_HARD_STATE);
    const fileCommit = hardState.commit;
    if (fileCommit > lastIndex) {
      // The file's commit is always one the log held durably when it was written (see the class
      // comment): the log lost records at its end — a copy cut short, a disk fault — not a crash.
      throw new StorageCorruptionError(
        logPath,
        scan.goodBytes,
        `the log ends at index ${lastIndex}, but ${hardStatePath} records commit index ${fileCommit}: ` +
          `entries ${lastIndex + 1}-${fileCommit} were committed (acknowledged to clients) and are missing from the end of the log. ` +
          'Restore this folder from a backup; starting from it would let this node vote as if those entries never existed',
      );
    }
    // The log's last commit record is the latest commit saved (it may be lower than the file's:
    // a restarted core relearns its commit index from zero, Figure 2).
    if (replayed.commit !== null) hardState.commit = replayed.commit;
    const opened = await LogFile.open(logPath, scan, fs);
    const reports: RecoveryReport[] = [...recovered.reports];
    if (opened.report !== null) reports.push(opened.report);
    if (stored === null && !logExisted) {
      // A new node: create its hard-state file too, so that a file missing later means a loss.
      await writeHardStateFile(hardStatePath, hardState, fs).catch(async (err: unknown) => {
        await opened.log.close();
        throw new StorageFailureError(dir, err);
      });
    }
    return new FileStorage(
      dir,
      opened.log,
      {
        entries,
        snapshot: recovered.snapshot,
        base: recovered.base,
        fileBase: replayed.base,
        deadRecords: replayed.deadRecords,
        hardState,
        logHasCommit: replayed.commit !== null,
      },
      reports,
      options.compactAfterDeadRecords ?? 4096,
      options.hardStateRefreshMs ?? 1000,
      fileCommit,
      fs,
    );
  }

  /** Fsyncs of the log file so far: one per `save` that writes to it, plus one per compaction. */
  get syncCount(): number {
    return this.log.syncCount;
  }

  /** The state as of the last completed save; `reports` are what recovery found on open. */
  load(): StoredState {
    return {
      hardState: copyHardState(this.hardState),
      snapshot: this.snapshot,
      entries: this.entries.map((e) => ({ ...e })),
      reports: this.reports.map((r) => ({ ...r })),
    };
  }

  /**
   * Persists a hard state (null: unchanged) and entries; an entry at index ≤ the last index
   * replaces the suffix from there (§5.3) through a durable truncation marker. Resolves once
   * everything is fsync'd. A call made while another is running waits for it. Rejects, writing
   * nothing, on entries out of sequence, a malformed hard state, or a commit index past the
   * last index; rejects after `close()`. After an I/O error every later save rejects too: what
   * reached the disk is unknown until the storage is reopened.
   */
  save(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null = null): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`file storage in ${this.dir} is closed`));
    // Copy now: the caller may reuse its arrays once this returns.
    const hs = hardState === null ? null : copyHardState(hardState);
    const batch = entries.map((e) => ({ index: e.index, term: e.term, type: e.type, data: e.data }));
    const run = this.queue.then(() => this.saveNow(hs, batch, snapshot));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued saves, then closes the log file. Later saves reject. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.queue
      .then(() => (this.failure === null ? this.refreshFileCommit(0) : undefined))
      .catch(() => undefined) // the log is whole either way; only the file's commit stays older
      .then(() => this.log.close())
      .finally(() => {
        if (this.fs === nodeFileSystem) openDirs.delete(resolve(this.dir));
      });
    return this.closing;
  }

  summary(): { term: Term; votedFor: NodeId | null; lastIndex: Index; snapshotIndex: Index; snapshotTerm: Term } {
    return {
      term: this.hardState.term,
      votedFor: this.hardState.votedFor,
      lastIndex: this.base.index + this.entries.length,
      snapshotIndex: this.base.index,
      snapshotTerm: this.base.term,
    };
  }

  private async saveNow(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null): Promise<void> {
    if (this.failure !== null) {
      throw new Error(`file storage in ${this.dir} failed earlier; reopen it`, { cause: this.failure });
    }
    const newer = snapshot !== null && snapshot.index > this.base.index ? snapshot : null;
    // Check the whole save against the log as the snapshot leaves it, before writing anything.
    const after = newer === null ? null : snapshotAfter(this.entries, this.base, newer);
    if (newer !== null) {
      const bad = snapshotProblem(newer);
      if (bad !== null) throw new Error(`file storage in ${this.dir} refused a save: ${bad}`);
    }
    const problem = saveProblem(after?.entries ?? this.entries, this.hardState, hardState, entries, after?.base ?? this.base);
    if (problem !== null) throw new Error(`file storage in ${this.dir} refused a save: ${problem}`);
    if (newer !== null) {
      try {
        await this.storeSnapshot(newer);
      } catch (err) {
        const failure = err instanceof StorageFailureError ? err : new StorageFailureError(this.dir, err);
        this.failure = failure;
        throw failure;
      }
    }
    const current = this.hardState;
    const next = hardState ?? current;
    const termOrVoteChanged = next.term !== current.term || next.votedFor !== current.votedFor;
    const commitChanged = next.commit !== current.commit;

    try {
      if (termOrVoteChanged) {
        // With the commit index the log already holds: the new one is durable only after the
        // log write below, and the file must never claim more than the log has.
        const fileCommit = Math.max(this.fileCommit, current.commit);
        await writeHardStateFile(join(this.dir, HARD_STATE_FILE_NAME), { ...next, commit: fileCommit }, this.fs);
        this.fileCommit = fileCommit;
        this.lastFileWriteAt = Date.now();
        this.hardStateWriteCount++;
      }
      const payloads: Buffer[] = [];
      const first = entries[0];
      if (first !== undefined && first.index <= this.base.index + this.entries.length) {
        payloads.push(encodeTruncateRecord(first.index));
      }
      for (const e of entries) payloads.push(encodeEntryRecord(e));
      // After the entries it may cover, in the same write: replay relies on that order.
      if (commitChanged) payloads.push(encodeCommitRecord(next.commit));
      if (payloads.length > 0) await this.log.append(encodeRecords(payloads));

      const dropped = spliceEntries(this.entries, entries, this.base.index);
      if (dropped > 0) this.deadRecords += dropped + 1;
      if (commitChanged) {
        if (this.logHasCommit) this.deadRecords++;
        this.logHasCommit = true;
      }
      this.hardState = next;
      await this.maybeCompact();
      if (commitChanged) await this.refreshFileCommit(this.refreshMs);
    } catch (err) {
      const failure = err instanceof StorageFailureError ? err : new StorageFailureError(this.dir, err);
      this.failure = failure;
      throw failure;
    }
  }

  /**
   * Brings the hard-state file's commit index up to the durable one, if it is behind and the last
   * write of the file is at least `minAgeMs` old: what lets open() tell a log that lost records.
   * The file's commit never goes down (committed entries are never truncated, §5.4), so a core
   * that relearns its commit index after a restart does not weaken the check.
   */
  private async refreshFileCommit(minAgeMs: number): Promise<void> {
    const { commit } = this.hardState;
    if (commit <= this.fileCommit || Date.now() - this.lastFileWriteAt < minAgeMs) return;
    await writeHardStateFile(join(this.dir, HARD_STATE_FILE_NAME), this.hardState, this.fs);
    this.fileCommit = commit;
    this.lastFileWriteAt = Date.now();
    this.commitRefreshCount++;
  }

  /** Rewrites the log without dead records once they are many and outnumber the live entries. */
  private async maybeCompact(): Promise<void> {
    if (this.deadRecords < this.compactAfter || this.deadRecords <= this.entries.length) return;
    await this.rewriteLog(this.base, this.entries);
  }

  /**
   * §7: stores a snapshot newer than ours, then drops the log's prefix. The snapshot file is
   * durable before the log changes, so a crash in between leaves the snapshot and a log that
   * still leads up to it. The log file then starts after the previous snapshot (one interval of
   * slack, so a damaged newest snapshot file costs nothing), or, when the snapshot does not
   * match our log (installed from the leader over a conflicting log), holds nothing before it.
   */
  private async storeSnapshot(snapshot: Snapshot): Promise<void> {
    await writeSnapshotFile(this.dir, snapshot, this.fs);
    const at = this.entries[snapshot.index - this.base.index - 1];
    if (at === undefined || at.term !== snapshot.term) {
      await this.rewriteLog({ index: snapshot.index, term: snapshot.term }, []);
    } else if (this.fileBase.index < this.base.index) {
      await this.rewriteLog(this.base, this.entries);
    }
    compactEntries(this.entries, this.base, snapshot);
    this.base = { index: snapshot.index, term: snapshot.term };
    this.snapshot = snapshot;
    await removeSnapshotsBefore(this.dir, this.fileBase.index, this.fs);
  }

  /** Replaces the log file with `entries` after `base` and the commit index (atomically). */
  private async rewriteLog(base: LogBase, entries: readonly Entry[]): Promise<void> {
    const payloads: Buffer[] = [];
    if (base.index > 0) payloads.push(encodeBaseRecord(base.index, base.term));
    for (const e of entries) payloads.push(encodeEntryRecord(e));
    const commit = this.hardState.commit;
    const hasCommit = commit >= base.index && commit <= base.index + entries.length;
    if (hasCommit) payloads.push(encodeCommitRecord(commit));
    await this.log.rewrite(encodeRecords(payloads));
    this.fileBase = base;
    this.deadRecords = 0;
    this.logHasCommit = hasCommit;
  }
}

async function exists(path: string, fs: FileSystem): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The log as `snapshot` would leave it (a copy): to check a save before anything is written. */
function snapshotAfter(entries: readonly Entry[], base: LogBase, snapshot: Snapshot): { entries: Entry[]; base: LogBase } {
  const copy = entries.slice();
  return { base: compactEntries(copy, base, snapshot), entries: copy };
}
