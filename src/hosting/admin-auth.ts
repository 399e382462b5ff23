import { randomBytes } from 'node:crypto';
import type { ClusterSecret } from '../net/cluster-secret.js';

/**
 * The challenge-response that proves knowledge of the cluster secret on an admin connection,
 * the same way peers prove it (src/net/handshake.ts): both sides send a fresh nonce and each
 * answers with an HMAC over its role and both nonces, so the secret never crosses the wire, a
 * recorded answer is useless on the next connection, and a squatter on a node's port learns
 * nothing and fools no one.
 */

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

function transcript(role: 'client' | 'server', serverNonce: string, clientNonce: string): string {
  return `raft-tui-admin ${role} ${serverNonce} ${clientNonce}`;
}

/** The proof one side sends (hex). */
export function proof(secret: ClusterSecret, role: 'client' | 'server', serverNonce: string, clientNonce: string): string {
  return secret.mac(transcript(role, serverNonce, clientNonce)).toString('hex');
}

/** Whether `received` is the other side's proof, compared in constant time. */
export function proofMatches(
  secret: ClusterSecret,
  role: 'client' | 'server',
  serverNonce: string,
  clientNonce: string,
  received: unknown,
): boolean {
  if (typeof received !== 'string' || !/^[0-9a-f]{64}$/.test(received)) return false;
  return secret.verify(transcript(role, serverNonce, clientNonce), Buffer.from(received, 'hex'));
}
