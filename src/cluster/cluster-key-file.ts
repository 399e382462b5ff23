import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CLUSTER_SECRET_BYTES, ClusterSecret } from '../net/cluster-secret.js';
import { fsyncDir, writeAll } from '../storage/durable-fs.js';

/** The key file's name, in the root of the data folder (beside the node folders). */
export const CLUSTER_KEY_FILE = 'cluster.key';

/**
 * Reads the cluster secret from `<dataDir>/cluster.key`, or creates it there: 32 bytes from
 * crypto.randomBytes, never derived from the seed, written with mode 0600 (owner only), fsync'd
 * and renamed into place so a crash never leaves half a key. An existing key file that others
 * may read, that is not a plain file or that holds the wrong number of bytes is refused with a
 * message that says what to do: a key others can read is no secret.
 *
 * Call it while holding the data folder's lock (one cluster at a time creates the file).
 */
export async function openClusterKeyFile(dataDir: string): Promise<ClusterSecret> {
  const path = join(dataDir, CLUSTER_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing) return existing;
  const bytes = randomBytes(CLUSTER_SECRET_BYTES);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const file = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await writeAll(file, bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dataDir);
  return ClusterSecret.fromBytes(bytes);
}

/** The secret in an existing key file; undefined when there is none. Throws when it cannot be trusted. */
export async function readKeyFile(path: string): Promise<ClusterSecret | undefined> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP')
      throw new Error(`${path} is a symbolic link: the cluster key must be a plain file. Replace it with the file itself.`);
    throw error;
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error(`${path} is not a plain file: move it away (a new key is made on the next start).`);
    // File modes mean nothing on Windows; everywhere else, only the owner may read the key.
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new Error(`${path} can be read by other users (mode ${mode}): the cluster key must be private. Run: chmod 600 ${path}`);
    }
    if (info.size !== CLUSTER_SECRET_BYTES) {
      throw new Error(
        `${path} holds ${info.size} bytes, not ${CLUSTER_SECRET_BYTES}: it is damaged. Restore it from a copy, or delete it and every node of this cluster gets a new key on the next start.`,
      );
    }
    const bytes = Buffer.alloc(CLUSTER_SECRET_BYTES);
    const { bytesRead } = await file.read(bytes, 0, CLUSTER_SECRET_BYTES, 0);
    if (bytesRead !== CLUSTER_SECRET_BYTES) throw new Error(`${path} could not be read whole (${bytesRead} bytes): check the disk.`);
    return ClusterSecret.fromBytes(bytes);
  } finally {
    await file.close();
  }
}
