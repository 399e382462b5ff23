import { randomBytes } from 'node:crypto';
import type { NodeId } from '../raft/types.js';
import type { ClusterSecret } from './cluster-secret.js';
import type { BadInputReason } from './types.js';

/**
 * The handshake that opens every connection between two nodes: mutual challenge and response
 * over the cluster secret. The connecting node is C, the listening node is L.
 *
 * ```
 * C → L  {"hello":"raft-tui","version":2,"from":C,"to":L,"nonce":Nc}
 * L → C  {"challenge":Nl}                      (nothing else until C has proved itself)
 * C → L  {"proof":HMAC(secret, transcript("connector", C, L, Nc, Nl))}
 * L → C  {"proof":HMAC(secret, transcript("listener",  C, L, Nc, Nl))}
 * C → L  Raft messages, one JSON line each (and empty keepalive lines)
 * ```
 *
 * Nonces are 32 random bytes from each side, so neither side can replay a proof it saw before:
 * the other side's fresh nonce is in it. The transcript names the protocol version, both node
 * ids, both nonces and which side is proving, so a proof cannot be reflected back (a
 * connector's proof is not a listener's) nor moved to another pair of nodes. The listener
 * proves itself only after the connector has, so a stranger who connects learns nothing but a
 * random nonce; the connector sends no Raft message before the listener has proved itself, so
 * a process squatting on a crashed node's port learns nothing but a hello and a proof bound to
 * nonces that will never be asked for again.
 *
 * After the handshake, the connection is the authenticated peer's: the listener drops every
 * message whose `from` is not that peer. Messages are not signed one by one: on loopback,
 * writing into another process's established TCP connection takes privileges that would read
 * the key file too.
 */
export const HANDSHAKE_PROTOCOL = 'raft-tui';

/** Bumped whenever the handshake changes; in every hello and in every MAC. */
export const HANDSHAKE_VERSION = 2;

/** The longest handshake line accepted: every one is tiny, so a stranger cannot make us buffer much. */
export const MAX_HANDSHAKE_LINE_BYTES = 1024;

/** Which side a proof speaks for. */
export type ProofRole = 'connector' | 'listener';

/** Everything a proof is bound to. Nonces are 64 lowercase hex digits. */
export interface HandshakeTranscript {
  connector: NodeId;
  listener: NodeId;
  connectorNonce: string;
  listenerNonce: string;
}

const NONCE_BYTES = 32;
const HEX64 = /^[0-9a-f]{64}$/;

/** A fresh nonce: 32 random bytes as hex. */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('hex');
}

/** The text a proof is the HMAC of. Every field has a fixed form, so it reads one way only. */
export function transcriptText(role: ProofRole, t: HandshakeTranscript): string {
  return `${HANDSHAKE_PROTOCOL}/${HANDSHAKE_VERSION} ${role} proof; connector ${t.connector}; listener ${t.listener}; connector nonce ${t.connectorNonce}; listener nonce ${t.listenerNonce}`;
}

/** The proof line `role` sends: the HMAC of the transcript, in hex. */
export function encodeProof(secret: ClusterSecret, role: ProofRole, t: HandshakeTranscript): string {
  return `${JSON.stringify({ proof: secret.mac(transcriptText(role, t)).toString('hex') })}\n`;
}

/** Whether a proof line holds `role`'s proof over this transcript (constant-time comparison). */
export function checkProof(line: string, secret: ClusterSecret, role: ProofRole, t: HandshakeTranscript): boolean {
  const o = parseObject(line);
  const proof = o?.proof;
  if (typeof proof !== 'string' || !HEX64.test(proof)) return false;
  return secret.verify(transcriptText(role, t), Buffer.from(proof, 'hex'));
}

/** The connector's first line. */
export function encodeHello(from: NodeId, to: NodeId, nonce: string): string {
  return `${JSON.stringify({ hello: HANDSHAKE_PROTOCOL, version: HANDSHAKE_VERSION, from, to, nonce })}\n`;
}

/** The outcome of reading a hello line: who claims to connect with which nonce, or why it is refused. */
export type HelloCheck =
  | { ok: true; node: NodeId; nonce: string }
  | { ok: false; reason: Extract<BadInputReason, 'bad-hello' | 'unknown-node'>; detail: string };

/**
 * Reads a hello line: our protocol and version, a peer of ours as sender, us as receiver, and a
 * well-formed nonce. Nothing in it is trusted yet: the proof decides.
 */
export function checkHello(line: string, self: NodeId, peers: ReadonlySet<NodeId>): HelloCheck {
  const o = parseObject(line);
  if (o === undefined) return { ok: false, reason: 'bad-hello', detail: 'hello is not a JSON object' };
  if (o.hello !== HANDSHAKE_PROTOCOL) return { ok: false, reason: 'bad-hello', detail: 'hello does not name the raft-tui protocol' };
  if (o.version !== HANDSHAKE_VERSION) {
    const v = JSON.stringify(o.version ?? null).slice(0, 20);
    return {
      ok: false,
      reason: 'bad-hello',
      detail: `hello speaks handshake version ${v}, this node speaks ${HANDSHAKE_VERSION} (run the same raft-tui on every node)`,
    };
  }
  const { from, to, nonce } = o;
  if (typeof from !== 'number' || typeof to !== 'number' || typeof nonce !== 'string' || !HEX64.test(nonce)) {
    return { ok: false, reason: 'bad-hello', detail: 'hello lacks from, to or a 64-hex-digit nonce' };
  }
  if (to !== self) return { ok: false, reason: 'unknown-node', detail: `hello for node ${to} arrived at node ${self}` };
  if (!peers.has(from)) return { ok: false, reason: 'unknown-node', detail: `hello from unknown node ${from}` };
  return { ok: true, node: from, nonce };
}

/** The listener's challenge line. */
export function encodeChallenge(nonce: string): string {
  return `${JSON.stringify({ challenge: nonce })}\n`;
}

/** The nonce in a challenge line, or undefined when the line is not one. */
export function parseChallenge(line: string): string | undefined {
  const nonce = parseObject(line)?.challenge;
  return typeof nonce === 'string' && HEX64.test(nonce) ? nonce : undefined;
}

function parseObject(line: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
