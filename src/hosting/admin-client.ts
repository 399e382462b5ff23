import { connect } from 'node:net';
import type { NodeId } from '../raft/types.js';
import type { ClusterSecret } from '../net/cluster-secret.js';
import { newNonce, proof, proofMatches } from './admin-auth.js';
import type { AdminPush, AdminRequest } from './admin-protocol.js';
import { JsonLines } from './json-lines.js';
import type { HostPort } from './node-process.js';

/**
 * An authenticated connection to one node's admin endpoint. Requests are answered in any order
 * (matched by id); pushes (status, events, observations) go to `onPush`. When the connection
 * closes, every pending request is answered with an error and `onClose` is told.
 */
export class AdminClient {
  private nextId = 1;
  private readonly pending = new Map<number, (o: Record<string, unknown>) => void>();
  onPush: (p: AdminPush) => void = () => {};
  onClose: () => void = () => {};

  private constructor(
    private readonly lines: JsonLines,
    readonly node: NodeId,
    readonly pid: number,
  ) {
    lines.onLine((o) => {
      if ('push' in o) return this.onPush(o as unknown as AdminPush);
      const handler = this.pending.get(o.id as number);
      handler?.(o);
    });
    lines.socket.on('close', () => {
      const handlers = [...this.pending.values()];
      this.pending.clear();
      for (const h of handlers) h({ error: 'the connection to the node closed', closed: true });
      this.onClose();
    });
  }

  /** Connects and proves (and checks) knowledge of the key; rejects with what went wrong. */
  static connect(at: HostPort, key: ClusterSecret, timeoutMs = 5000): Promise<AdminClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: at.host, port: at.port });
      const lines = new JsonLines(socket);
      const nonce = newNonce();
      let challenge: string | undefined;
      const fail = (why: string): void => {
        clearTimeout(timer);
        lines.close();
        reject(new Error(`admin ${at.host}:${at.port}: ${why}`));
      };
      const timer = setTimeout(() => fail('no answer to the handshake'), timeoutMs);
      socket.once('error', (err) => fail(err.message));
      socket.once('close', () => fail('closed during the handshake'));
      lines.onLine((o) => {
        if (challenge === undefined) {
          if (typeof o.challenge !== 'string') return fail('not a raft-tui admin endpoint');
          challenge = o.challenge;
          lines.send({ auth: proof(key, 'client', challenge, nonce), nonce });
          return;
        }
        if (typeof o.error === 'string') return fail(o.error);
        // The node proves it knows the key too: a squatter on its port learns nothing and fools no one.
        if (!proofMatches(key, 'server', challenge, nonce, o.welcome)) return fail('the node failed to prove it knows the cluster key');
        clearTimeout(timer);
        socket.removeAllListeners('close');
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        resolve(new AdminClient(lines, o.node as NodeId, o.pid as number));
      });
    });
  }

  /** Sends a request; `onAnswer` hears every answer with its id (a proposal gets two). */
  send(request: AdminRequest, onAnswer: (o: Record<string, unknown>) => void): void {
    const id = this.nextId++;
    this.pending.set(id, onAnswer);
    this.lines.send({ id, ...request });
  }

  /** One request, one answer. Rejects with the node's error. */
  request(request: AdminRequest): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let id = 0;
      this.send(request, (o) => {
        this.forget(id);
        if (typeof o.error === 'string') reject(new Error(o.error));
        else resolve(o);
      });
      id = this.nextId - 1;
    });
  }

  forget(id: number): void {
    this.pending.delete(id);
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  get closed(): boolean {
    return this.lines.socket.destroyed;
  }

  close(): void {
    this.lines.close();
  }
}
