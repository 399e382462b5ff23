import { createServer, type Server, type Socket } from 'node:net';
import type { ClusterSecret } from '../net/cluster-secret.js';
import { newNonce, proof, proofMatches } from './admin-auth.js';
import type { AdminPush, AdminRequest } from './admin-protocol.js';
import type { ConfigChange } from '../raft/types.js';
import { parseHostPort } from './address.js';
import { JsonLines } from './json-lines.js';
import type { HostPort, NodeProcess } from './node-process.js';

/** How long a connection may take to prove it knows the key. */
const AUTH_TIMEOUT_MS = 5000;

interface Watcher {
  lines: JsonLines;
  events: boolean;
  observe: boolean;
}

/**
 * A node's admin endpoint: authenticated like peers (challenge-response over the cluster key),
 * then JSON-line requests for status, events, client requests and faults. Nothing is served to a
 * connection before it has proved it knows the key; a bad request is answered with an error and
 * changes nothing.
 */
export class AdminServer {
  private server: Server | undefined;
  private readonly connections = new Set<JsonLines>();
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly node: NodeProcess,
    private readonly key: ClusterSecret,
  ) {}

  get watching(): boolean {
    return this.watchers.size > 0;
  }

  get observing(): boolean {
    for (const w of this.watchers) if (w.observe) return true;
    return false;
  }

  listen(at: HostPort): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: at.host, port: at.port }, () => {
        server.off('error', reject);
        server.on('error', () => {});
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  }

  push(message: AdminPush, kind: 'status' | 'events' | 'observe'): void {
    for (const w of this.watchers) {
      if (kind === 'events' && !w.events) continue;
      if (kind === 'observe' && !w.observe) continue;
      w.lines.send(message);
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.close();
    this.connections.clear();
    this.watchers.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const lines = new JsonLines(socket);
    this.connections.add(lines);
    const challenge = newNonce();
    let authed = false;
    const timer = setTimeout(() => lines.close(), AUTH_TIMEOUT_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      this.connections.delete(lines);
      for (const w of this.watchers) if (w.lines === lines) this.watchers.delete(w);
    });
    lines.send({ challenge });
    lines.onLine((o) => {
      if (!authed) {
        const nonce = o.nonce;
        if (typeof nonce !== 'string' || nonce.length < 16 || !proofMatches(this.key, 'client', challenge, nonce, o.auth)) {
          lines.send({ error: 'authentication failed: this connection does not know the cluster key' });
          setImmediate(() => lines.close());
          return;
        }
        authed = true;
        clearTimeout(timer);
        const s = this.node.statusPush(false).view;
        lines.send({ welcome: proof(this.key, 'server', challenge, nonce), node: this.node.id, pid: process.pid, port: s.port });
        return;
      }
      void this.handle(lines, o);
    });
  }

  private async handle(lines: JsonLines, o: Record<string, unknown>): Promise<void> {
    const id = o.id;
    const request = o as unknown as AdminRequest;
    const reply = (body: Record<string, unknown>): void => lines.send({ id, ...body });
    const host = this.node.nodeHost();
    try {
      switch (request.op) {
        case 'status':
          reply({ status: this.node.statusPush(true) });
          return;
        case 'watch': {
          // The safety checker must see a node from its first Ready: only the first watcher can.
          const backlog = request.observe === true ? this.node.takeBacklog() : null;
          for (const p of backlog ?? []) lines.send(p);
          this.watchers.add({ lines, events: request.events === true, observe: backlog !== null });
          reply({ ok: true, observing: backlog !== null });
          // A fresh watcher holds nothing yet: the whole log, then changes only.
          lines.send(this.node.statusPush(true));
          return;
        }
        case 'propose': {
          if (typeof request.data !== 'string') throw new Error('propose needs data (a string)');
          const r = host.propose(request.data);
          if (!r.ok) return reply({ answer: { ok: false, leader: r.leader, down: r.down === true } });
          reply({ answer: { ok: true, index: r.index, term: r.term } });
          reply({ applied: await r.applied });
          return;
        }
        case 'read': {
          if (typeof request.command !== 'string') throw new Error('read needs a command (a string)');
          const r = host.read(request.command);
          if (!r.ok) return reply({ answer: { ok: false, leader: r.leader, down: r.down === true } });
          reply({ answer: { ok: true, index: 0, term: r.term } });
          reply({ applied: await r.answered });
          return;
        }
        case 'faults':
          this.node.setFaults(request.faults);
          return reply({ ok: true });
        case 'crash':
          await this.node.crash();
          return reply({ ok: true });
        case 'restart':
          await this.node.restart();
          return reply({ ok: true });
        case 'compact':
          host.compact();
          return reply({ ok: true });
        case 'campaign':
          return reply({ ok: host.campaignNow() });
        case 'transfer':
          return reply({ result: host.transferLeadership(request.to) });
        case 'config':
          if (!isConfigChange(request.change))
            throw new Error('config needs a change: { type: add-learner | promote | remove, node: 1-9 }');
          return reply({ result: host.proposeConfigChange(request.change) });
        case 'add-peer': {
          const node = request.node;
          if (!(Number.isInteger(node) && node >= 1 && node <= 9)) throw new Error('add-peer needs a node id from 1 to 9');
          this.node.addPeer(node, parseHostPort(String(request.listen), 'add-peer listen'));
          return reply({ ok: true });
        }
        case 'shutdown':
          reply({ ok: true });
          setImmediate(() => process.kill(process.pid, 'SIGTERM'));
          return;
        default:
          throw new Error(`unknown request ${JSON.stringify((o as { op?: unknown }).op)}`);
      }
    } catch (err) {
      reply({ error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** Whether `c` is a configuration change a request may carry (thesis §4.1: one server at a time). */
function isConfigChange(c: unknown): c is ConfigChange {
  if (typeof c !== 'object' || c === null) return false;
  const { type, node } = c as Record<string, unknown>;
  return (
    (type === 'add-learner' || type === 'promote' || type === 'remove') &&
    Number.isInteger(node) &&
    (node as number) >= 1 &&
    (node as number) <= 9
  );
}
