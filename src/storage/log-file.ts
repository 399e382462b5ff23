import { dirname } from 'node:path';
import { fsyncDir, isNotFound, tempPathFor, writeAll } from './durable-fs.js';
import { type FileHandleLike, type FileSystem, nodeFileSystem } from './file-system.js';
import { scanRecords, type ScanResult } from './record-codec.js';
import type { RecoveryReport } from './types.js';

/**
 * The append-only log file: an open handle in append mode, one write and one fsync per append
 * (group commit), and the recovery that runs when it is opened.
 */
export class LogFile {
  /** Fsyncs of log data so far (appends and compactions). */
  syncCount = 0;

  private constructor(
    readonly path: string,
    private handle: FileHandleLike,
    private readonly fs: FileSystem,
  ) {}

  /**
   * Reads the records of the log at `path` (none if it is missing), changing nothing. Damage
   * followed by valid records throws (see `scanRecords`); a torn or corrupt last record comes
   * back as `tail`, for {@link LogFile.open} to cut once the caller has checked the rest.
   */
  static async read(path: string, fs: FileSystem = nodeFileSystem): Promise<ScanResult> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      bytes = Buffer.alloc(0);
    }
    return scanRecords(bytes, path);
  }

  /**
   * Opens (creating if missing) the log at `path` for appending, first cutting off — durably —
   * the tail that {@link LogFile.read} found, and returns the report of that cut.
   */
  static async open(
    path: string,
    scan: ScanResult,
    fs: FileSystem = nodeFileSystem,
  ): Promise<{ log: LogFile; report: RecoveryReport | null }> {
    const handle = await fs.open(path, 'a');
    try {
      if (scan.tail !== null) {
        // Cut durably before anything is appended after the good prefix.
        await handle.truncate(scan.goodBytes);
        await handle.sync();
      }
      // The file may have just been created: make its name durable too.
      await fsyncDir(dirname(path), fs);
    } catch (err) {
      await handle.close();
      throw err;
    }
    const report: RecoveryReport | null =
      scan.tail === null
        ? null
        : {
            file: path,
            offset: scan.tail.offset,
            droppedBytes: scan.tail.droppedBytes,
            reason: `cut off a torn or corrupt last record: ${scan.tail.reason}`,
          };
    return { log: new LogFile(path, handle, fs), report };
  }

  /** Appends `data` (whole records) with ONE write and ONE fsync: durable when this resolves. */
  async append(data: Uint8Array): Promise<void> {
    await writeAll(this.handle, data);
    await this.handle.datasync();
    this.syncCount++;
  }

  /**
   * Replaces the whole file with `data` (the live records only), atomically: temp file, fsync,
   * rename over, fsync the folder, then appends go to the new file.
   */
  async rewrite(data: Uint8Array): Promise<void> {
    const temp = tempPathFor(this.path);
    const fresh = await this.fs.open(temp, 'w');
    try {
      await writeAll(fresh, data);
      await fresh.sync();
      this.syncCount++;
    } finally {
      await fresh.close();
    }
    await this.fs.rename(temp, this.path);
    await fsyncDir(dirname(this.path), this.fs);
    const old = this.handle;
    this.handle = await this.fs.open(this.path, 'a');
    await old.close();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
