/** Storage of a node's term, vote and log: in memory, or durable in files. */
export type { RecoveryReport, Storage, StoredState } from './types.js';
export { MemoryStorage } from './memory-storage.js';
export { FileStorage, HARD_STATE_FILE_NAME, LOG_FILE_NAME, type FileStorageOptions } from './file-storage.js';
export { StorageCorruptionError } from './storage-error.js';
