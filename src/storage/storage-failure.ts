/**
 * A storage write or open that the operating system refused, with the reason in words: "the
 * disk is full" rather than an errno. The node that hit it stops (it must not acknowledge what
 * it could not persist); the message says what to do before restarting it.
 */
export class StorageFailureError extends Error {
  override readonly name = 'StorageFailureError';

  constructor(
    /** The node's folder (or the file) the failed operation was writing. */
    readonly path: string,
    cause: unknown,
  ) {
    super(describeStorageFailure(cause, path), { cause });
    this.code = errnoCode(cause);
  }

  /** The errno code, e.g. 'ENOSPC', or null when the error carried none. */
  readonly code: string | null;
}

/** The sentence for an operating-system error met while writing `path`. */
export function describeStorageFailure(err: unknown, path: string): string {
  const code = errnoCode(err);
  switch (code) {
    case 'ENOSPC':
      return `the disk is full (no space left to write ${path}): free some space, then restart the node`;
    case 'EDQUOT':
      return `the disk quota is used up (writing ${path}): free some space or raise the quota, then restart the node`;
    case 'EROFS':
      return `the file system is read-only (writing ${path}): remount it read-write, then restart the node`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied writing ${path}: give this user write access, then restart the node`;
    case 'EIO':
      return `the disk reported an I/O error writing ${path}: check the disk before restarting the node`;
    default: {
      const text = err instanceof Error ? err.message : String(err);
      return `writing ${path} failed: ${text}`;
    }
  }
}

/** The errno code of a Node.js system error, or null. */
export function errnoCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}
