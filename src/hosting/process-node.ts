import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClusterSecret } from '../net/cluster-secret.js';
import type { NodeId } from '../raft/types.js';
import { AdminNode } from './admin-node.js';
import type { HostPort } from './node-process.js';
import type { NodeHostingHooks } from './types.js';

/** The `raft-tui` command this package ships: what a node process runs. */
export const RAFT_TUI_BIN = fileURLToPath(new URL('../../bin/raft-tui.js', import.meta.url));

/**
 * A node that this process spawned as `raft-tui node …`: crash is SIGKILL (the process dies
 * with whatever it had in memory; only what it fsync'd survives), restart spawns it again from
 * its files. Its stdin is a pipe from us: when we die, it sees the end of it and exits, so no
 * node outlives the cluster that started it.
 */
export class ProcessNode extends AdminNode {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderrTail = '';
  override crashMeaning = 'crash sends SIGKILL to the node’s process; restart spawns it again from its files';

  constructor(
    id: NodeId,
    admin: HostPort,
    key: ClusterSecret,
    hooks: NodeHostingHooks,
    private readonly args: string[],
  ) {
    super(id, admin, key, hooks);
  }

  /** The node's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  override async start(): Promise<void> {
    const child = spawn(process.execPath, [RAFT_TUI_BIN, 'node', ...this.args, '--watch-parent'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-2000);
    });
    child.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.client?.close();
      this.markDown();
      this.hooks.onDown(this.id, signal ? `its process was killed (${signal})` : `its process exited (status ${code})`);
    });
    try {
      await this.connect(Date.now() + 15_000, () =>
        child.exitCode !== null || child.signalCode !== null
          ? `exited before it was ready: ${this.stderrTail.trim().split('\n').slice(-3).join(' ') || `status ${child.exitCode ?? child.signalCode}`}`
          : undefined,
      );
    } catch (err) {
      child.kill('SIGKILL');
      await this.exited;
      throw err;
    }
  }

  /** A node joined: this one connects to it now, and its next spawn (after a crash) knows it too. */
  override async addPeer(node: NodeId, listen: string): Promise<void> {
    this.args.push('--peer', `${node}=${listen}`);
    await super.addPeer(node, listen);
  }

  /** SIGKILL: no goodbye, no flush; the files hold what was fsync'd. */
  override async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.client?.close();
    this.client = undefined;
    this.markDown();
    child.kill('SIGKILL');
    await this.exited;
  }

  override async restart(): Promise<void> {
    if (this.child) return;
    await this.start();
  }

  /** SIGTERM (the node closes its files and exits), then SIGKILL if it has not gone in 3 s. */
  override async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.client?.close();
    this.client = undefined;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}
