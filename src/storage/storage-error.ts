/**
 * An error for a storage file that cannot be trusted: a corrupt record in the middle of the log,
 * a hard-state file that does not parse or fails its checksum, entries out of sequence. Opening
 * fails with it rather than guessing, so nothing is silently trusted or silently dropped.
 */
export class StorageCorruptionError extends Error {
  override readonly name = 'StorageCorruptionError';

  constructor(
    /** The file that holds the problem. */
    readonly file: string,
    /** Byte offset in `file` where the bad record or value starts. */
    readonly offset: number,
    /** What is wrong there. */
    readonly reason: string,
  ) {
    super(`corrupt storage file ${file} at byte offset ${offset}: ${reason}`);
  }
}
