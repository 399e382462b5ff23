import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry, HardState } from '../raft/types.js';
import { assertCrc32Available } from './crc32.js';
import { removeIfExists, tempPathFor } from './durable-fs.js';
import { readHardStateFile, writeHardStateFile } from './hard-state-file.js';
import { LogFile } from './log-file.js';
import { encodeEntryRecord, encodeTruncateRecord } from './log-record.js';
import { replayLog } from './log-replay.js';
import { copyHardState, sameHardState, saveProblem, spliceEntries } from './log-rules.js';
import { encodeRecords } from './record-codec.js';
import type { RecoveryReport, Storage, StoredState } from './types.js';

/** The log file's name inside a node's folder. */
export const LOG_FILE_NAME = 'log.bin';
/** The hard-state file's name inside a node's folder. */
export const HARD_STATE_FILE_NAME = 'hard-state.bin';

export interface FileStorageOptions {
  /**
   * Rewrite the log without its dead records (truncated entries and markers) once there are at
   * least this many of them and they outnumber the live ones. Default 4096.
   */
  compactAfterDeadRecords?: number;
}

/**
 * Durable storage for one node in one folder: an append-only log file of checksummed records
 * and a hard-state file replaced atomically. Each `save` is ONE write and ONE fsync of the log
 * however many entries it holds (group commit), preceded — only when term, vote or commit
 * changed — by an atomic replace of the hard-state file. Saves run one at a time, in call order.
 *
 * Order inside a save: hard state first, then the log, so a term or vote is on disk before any
 * entry that depends on it (Figure 2: persistent state is "updated on stable storage before
 * responding to RPCs"). A crash between the two can leave commit past the log's end; open()
 * lowers it to the last index (commit may lag: Figure 2 keeps it volatile) and reports that.
 */
export class FileStorage implements Storage {
  private readonly entries: Entry[];
  private hardState: HardState;
  private deadRecords: number;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Atomic replaces of the hard-state file so far. */
  hardStateWriteCount = 0;

  private constructor(
    /** The node's folder. */
    readonly dir: string,
    private readonly log: LogFile,
    replayed: { entries: Entry[]; deadRecords: number; hardState: HardState },
    private readonly reports: readonly RecoveryReport[],
    private readonly compactAfter: number,
  ) {
    this.entries = replayed.entries;
    this.deadRecords = replayed.deadRecords;
    this.hardState = replayed.hardState;
  }

  /**
   * Opens the storage in `dir`, creating the folder if missing, and recovers it: a torn or
   * corrupt last log record is cut off and reported in `load().reports`; damage anywhere else
   * (a bad record followed by valid ones, entries out of sequence, a hard-state file that does
   * not parse or fails its checksum) throws an error naming the file and byte offset.
   */
  static async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    assertCrc32Available();
    await mkdir(dir, { recursive: true });
    const logPath = join(dir, LOG_FILE_NAME);
    const hardStatePath = join(dir, HARD_STATE_FILE_NAME);
    // Debris of a replace or compaction that a crash interrupted: the real files are intact.
    await removeIfExists(tempPathFor(logPath));
    await removeIfExists(tempPathFor(hardStatePath));

    const hardState = await readHardStateFile(hardStatePath);
    const opened = await LogFile.open(logPath);
    try {
      const { entries, deadRecords } = replayLog(opened.records, logPath);
      const reports: RecoveryReport[] = opened.report === null ? [] : [opened.report];
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
        { entries, deadRecords, hardState },
        reports,
        options.compactAfterDeadRecords ?? 4096,
      );
    } catch (err) {
      await opened.log.close();
      throw err;
    }
  }

  /** Fsyncs of the log file so far: one per `save` that holds entries (plus one per compaction). */
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
   * last index; rejects after `close()`. After an I/O error every
   * later save rejects too: what reached the disk is unknown until the storage is reopened.
   */
  save(hardState: HardState | null, entries: Entry[]): Promise<void> {
    // Copy now: the caller may reuse its arrays once this returns.
    const hs = hardState === null ? null : copyHardState(hardState);
    const batch = entries.map((e) => ({ index: e.index, term: e.term, type: e.type, data: e.data }));
    if (this.closed) return Promise.reject(new Error(`file storage in ${this.dir} is closed`));
    const run = this.queue.then(() => this.saveNow(hs, batch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued saves, then closes the log file. Later saves reject. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.queue.then(() => this.log.close());
    return this.closing;
  }

  summary(): { term: number; votedFor: number | null; lastIndex: number } {
    return { term: this.hardState.term, votedFor: this.hardState.votedFor, lastIndex: this.entries.length };
  }

  private async saveNow(hardState: HardState | null, entries: Entry[]): Promise<void> {
    if (this.failure !== null) {
      throw new Error(`file storage in ${this.dir} failed earlier; reopen it`, { cause: this.failure });
    }
    const problem = saveProblem(this.entries, this.hardState, hardState, entries);
    if (problem !== null) throw new Error(`file storage in ${this.dir} refused a save: ${problem}`);

    try {
      if (hardState !== null && !sameHardState(hardState, this.hardState)) {
        await writeHardStateFile(join(this.dir, HARD_STATE_FILE_NAME), hardState);
        this.hardStateWriteCount++;
        this.hardState = hardState;
      }
      const first = entries[0];
      if (first !== undefined) {
        const payloads: Buffer[] = [];
        if (first.index <= this.entries.length) payloads.push(encodeTruncateRecord(first.index));
        for (const e of entries) payloads.push(encodeEntryRecord(e));
        await this.log.append(encodeRecords(payloads));
        const dropped = spliceEntries(this.entries, entries);
        if (dropped > 0) this.deadRecords += dropped + 1;
        await this.maybeCompact();
      }
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  /** Rewrites the log without dead records once they are many and outnumber the live ones. */
  private async maybeCompact(): Promise<void> {
    if (this.deadRecords < this.compactAfter || this.deadRecords <= this.entries.length) return;
    await this.log.rewrite(encodeRecords(this.entries.map(encodeEntryRecord)));
    this.deadRecords = 0;
  }
}
