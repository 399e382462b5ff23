import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Entry, HardState, Index, NodeId, Term } from '../raft/types.js';
import { assertCrc32Available } from './crc32.js';
import { removeIfExists, tempPathFor } from './durable-fs.js';
import { readHardStateFile, writeHardStateFile } from './hard-state-file.js';
import { LogFile } from './log-file.js';
import { encodeCommitRecord, encodeEntryRecord, encodeTruncateRecord } from './log-record.js';
import { replayLog } from './log-replay.js';
import { copyHardState, saveProblem, spliceEntries } from './log-rules.js';
import { encodeRecords } from './record-codec.js';
import type { RecoveryReport, Storage, StoredState } from './types.js';

/** The log file's name inside a node's folder. */
export const LOG_FILE_NAME = 'log.bin';
/** The hard-state file's name inside a node's folder. */
export const HARD_STATE_FILE_NAME = 'hard-state.bin';

/** Folders with an open FileStorage in this process: two writers on one log would interleave. */
const openDirs = new Set<string>();

export interface FileStorageOptions {
  /**
   * Rewrite the log without its dead records (truncated entries, markers, old commit records)
   * once there are at least this many of them and they outnumber the live entries. Default 4096.
   */
  compactAfterDeadRecords?: number;
}

/**
 * Durable storage for one node in one folder: an append-only log file of checksummed records
 * and a hard-state file replaced atomically.
 *
 * A `save` is ONE write and ONE fsync of the log however many entries it holds (group commit).
 * The hard-state file (term, votedFor, commit) is replaced only when term or vote changes —
 * rarely; a new commit index alone goes into the same log write as a small commit record, and
 * on open the log's last commit record wins over the file's. Saves run one at a time, in call
 * order.
 *
 * Order inside a save: hard-state file first, then the log, so a term or vote is on disk before
 * any entry that depends on it (Figure 2: persistent state is "updated on stable storage before
 * responding to RPCs"). A crash between the two can leave the file's commit past the log's end;
 * open() lowers it to the last index (commit may lag: Figure 2 keeps it volatile) and reports it.
 */
export class FileStorage implements Storage {
  private readonly entries: Entry[];
  private hardState: HardState;
  private deadRecords: number;
  /** Whether the log holds a commit record (then a later one replaces it: one more dead record). */
  private logHasCommit: boolean;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Atomic replaces of the hard-state file so far (one per change of term or vote). */
  hardStateWriteCount = 0;

  private constructor(
    /** The node's folder. */
    readonly dir: string,
    private readonly log: LogFile,
    recovered: { entries: Entry[]; deadRecords: number; hardState: HardState; logHasCommit: boolean },
    private readonly reports: readonly RecoveryReport[],
    private readonly compactAfter: number,
  ) {
    this.entries = recovered.entries;
    this.deadRecords = recovered.deadRecords;
    this.hardState = recovered.hardState;
    this.logHasCommit = recovered.logHasCommit;
  }

  /**
   * Opens the storage in `dir`, creating the folder if missing, and recovers it: a torn or
   * corrupt last log record is cut off and reported in `load().reports`; damage anywhere else
   * (a bad record followed by valid ones, entries out of sequence, a hard-state file that does
   * not parse or fails its checksum) throws an error naming the file and byte offset.
   */
  static async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    assertCrc32Available();
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
    await mkdir(dir, { recursive: true });
    const logPath = join(dir, LOG_FILE_NAME);
    const hardStatePath = join(dir, HARD_STATE_FILE_NAME);
    // Debris of a replace or compaction that a crash interrupted: the real files are intact.
    await removeIfExists(tempPathFor(logPath));
    await removeIfExists(tempPathFor(hardStatePath));

    // Check everything before changing anything: a file that throws is left as it was.
    const hardState = await readHardStateFile(hardStatePath);
    const scan = await LogFile.read(logPath);
    const replayed = replayLog(scan.records, logPath);
    const { entries } = replayed;
    const opened = await LogFile.open(logPath, scan);
    const reports: RecoveryReport[] = opened.report === null ? [] : [opened.report];
    if (replayed.commit !== null) hardState.commit = replayed.commit;
    if (hardState.commit > entries.length) {
      reports.push({
        file: hardStatePath,
        offset: 0,
        droppedBytes: 0,
        reason:
          `commit index ${hardState.commit} is past the last log index ${entries.length} ` +
          `(a save was cut short); using ${entries.length}`,
      });
      hardState.commit = entries.length;
    }
    return new FileStorage(
      dir,
      opened.log,
      { entries, deadRecords: replayed.deadRecords, hardState, logHasCommit: replayed.commit !== null },
      reports,
      options.compactAfterDeadRecords ?? 4096,
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
  save(hardState: HardState | null, entries: Entry[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`file storage in ${this.dir} is closed`));
    // Copy now: the caller may reuse its arrays once this returns.
    const hs = hardState === null ? null : copyHardState(hardState);
    const batch = entries.map((e) => ({ index: e.index, term: e.term, type: e.type, data: e.data }));
    const run = this.queue.then(() => this.saveNow(hs, batch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued saves, then closes the log file. Later saves reject. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.queue.then(() => this.log.close()).finally(() => openDirs.delete(resolve(this.dir)));
    return this.closing;
  }

  summary(): { term: Term; votedFor: NodeId | null; lastIndex: Index } {
    return { term: this.hardState.term, votedFor: this.hardState.votedFor, lastIndex: this.entries.length };
  }

  private async saveNow(hardState: HardState | null, entries: Entry[]): Promise<void> {
    if (this.failure !== null) {
      throw new Error(`file storage in ${this.dir} failed earlier; reopen it`, { cause: this.failure });
    }
    const problem = saveProblem(this.entries, this.hardState, hardState, entries);
    if (problem !== null) throw new Error(`file storage in ${this.dir} refused a save: ${problem}`);
    const current = this.hardState;
    const next = hardState ?? current;
    const termOrVoteChanged = next.term !== current.term || next.votedFor !== current.votedFor;
    const commitChanged = next.commit !== current.commit;

    try {
      if (termOrVoteChanged) {
        await writeHardStateFile(join(this.dir, HARD_STATE_FILE_NAME), next);
        this.hardStateWriteCount++;
      }
      const payloads: Buffer[] = [];
      const first = entries[0];
      if (first !== undefined && first.index <= this.entries.length) {
        payloads.push(encodeTruncateRecord(first.index));
      }
      for (const e of entries) payloads.push(encodeEntryRecord(e));
      // After the entries it may cover, in the same write: replay relies on that order.
      if (commitChanged) payloads.push(encodeCommitRecord(next.commit));
      if (payloads.length > 0) await this.log.append(encodeRecords(payloads));

      const dropped = spliceEntries(this.entries, entries);
      if (dropped > 0) this.deadRecords += dropped + 1;
      if (commitChanged) {
        if (this.logHasCommit) this.deadRecords++;
        this.logHasCommit = true;
      }
      this.hardState = next;
      await this.maybeCompact();
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  /** Rewrites the log without dead records once they are many and outnumber the live entries. */
  private async maybeCompact(): Promise<void> {
    if (this.deadRecords < this.compactAfter || this.deadRecords <= this.entries.length) return;
    const payloads = this.entries.map(encodeEntryRecord);
    payloads.push(encodeCommitRecord(this.hardState.commit));
    await this.log.rewrite(encodeRecords(payloads));
    this.deadRecords = 0;
    this.logHasCommit = true;
  }
}
