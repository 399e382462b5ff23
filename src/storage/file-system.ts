import * as fsp from 'node:fs/promises';

/**
 * The file operations durable storage uses, and nothing more: what FileStorage reads, writes,
 * fsyncs, renames and removes goes through one of these. The default is the real `node:fs`; the
 * simulator passes an in-memory one that models a crash honestly (writes not yet fsync'd may be
 * lost, torn or reordered; a rename not followed by a folder fsync may be undone).
 */
export interface FileSystem {
  /** 'r' read only (folders too, to fsync them), 'w' create or truncate, 'a' create or append. */
  open(path: string, flags: 'r' | 'w' | 'a'): Promise<FileHandleLike>;
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  /** Resolves if `path` exists; rejects with code ENOENT if not. */
  stat(path: string): Promise<unknown>;
}

/** An open file: the handle operations durable storage uses. */
export interface FileHandleLike {
  /** Writes at the handle's position (`null`: the current one; the end for an 'a' handle). */
  write(data: Uint8Array, offset: number, length: number, position: null): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** The real file system. */
export const nodeFileSystem: FileSystem = {
  open: (path, flags) => fsp.open(path, flags),
  readFile: (path) => fsp.readFile(path),
  rename: (from, to) => fsp.rename(from, to),
  rm: (path, options) => fsp.rm(path, options),
  mkdir: (path, options) => fsp.mkdir(path, options),
  readdir: (path) => fsp.readdir(path),
  stat: (path) => fsp.stat(path),
};
