import { StorageCorruptionError } from '../storage/storage-error.js';
import { NodeRefusedError } from './node-folders.js';

/**
 * Why a node could not start again, in words, with what to do: the node stays down and a later
 * `restart` tries again. Port trouble, files that cannot be trusted, and a full disk each read
 * as themselves rather than as an errno.
 */
export function restartFailureReason(err: unknown): { reason: string; file: string } {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'EADDRINUSE') {
    const port = /:(\d+)\s*$/.exec(message)?.[1];
    return {
      reason: `could not restart: port ${port ?? '(its port)'} is in use by another program; it stays down (free the port, then restart it)`,
      file: '',
    };
  }
  if (err instanceof NodeRefusedError) {
    // Already says "refused to start: …" and what to do; it stays down until its folder is fixed.
    return { reason: message, file: '' };
  }
  if (err instanceof StorageCorruptionError) {
    return { reason: `could not restart: ${message}; it stays down`, file: err.file };
  }
  return { reason: `could not restart: ${message}; it stays down (restart tries again)`, file: '' };
}
