import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterBase } from '../cluster/cluster-base.js';
import { CLUSTER_KEY_FILE, openClusterKeyFile } from '../cluster/cluster-key-file.js';
import { lockDataDir } from '../cluster/data-dir-lock.js';
import type { ClusterManifest } from '../cluster/cluster-manifest.js';
import { ClusterMembers } from '../cluster/cluster-members.js';
import { addMember, type MembershipContext, removeMember } from '../cluster/membership-changes.js';
import { nodeDir, nodeFolderRefusal, prepareDataFolder } from '../cluster/node-folders.js';
import { resolveOptions, type ResolvedOptions } from '../cluster/options.js';
import { RealScheduler } from '../cluster/scheduler.js';
import type { ClusterSecret } from '../net/cluster-secret.js';
import { formatHostPort, parseHostPort } from './address.js';
import { AdminNode } from './admin-node.js';
import type { NodeEndpoint } from './endpoints-file.js';
import type { NodeView } from '../cluster/types.js';
import { createRng } from '../raft/rng.js';
import type { NodeId, Term } from '../raft/types.js';
import type { AdminPush } from './admin-protocol.js';
import { freePort, releasePorts } from './free-port.js';
import { PORT_ATTEMPTS, portWasTaken } from './taken-port.js';
import { ProcessClockControls } from './process-clock.js';
import { ProcessNode } from './process-node.js';
import type { NodeHosting } from './types.js';

/**
 * The public cluster API over nodes that are each their own OS process (`hosting: 'processes'`):
 * every node runs `raft-tui node` with real files and real TCP, and this orchestrator reaches it
 * through its authenticated admin endpoint. A crash is SIGKILL; a restart respawns from the files.
 * Clock controls that need every node in one process (pause, step, latency, virtual time) say so.
 */
export class ProcessCluster extends ClusterBase<AdminNode> {
  readonly clock = 'real' as const;
  protected readonly clockControls = new ProcessClockControls((e) => this.events.emit(e));
  /** Nodes we took down on purpose: their exit is not news. */
  private readonly expectedDown = new Set<NodeId>();
  private highestAnnounced = 0;
  private dataDir = '';
  private ownsDataDir = false;
  private unlock: (() => Promise<void>) | undefined;
  /** The ports picked for the nodes we run, given back to freePort once they have stopped. */
  private portsInUse: number[] = [];
  /** Where each node listens (for peers) and where its admin endpoint is. */
  private readonly addresses = new Map<NodeId, { listen: string; admin: string }>();
  /** Who is in the cluster (thesis ch. 4), and with a data folder, the files that remember it. */
  private readonly members: ClusterMembers;
  /** The cluster key and its file, for the node processes started later (addNode). */
  private key: { secret: ClusterSecret; file: string } | undefined;

  /**
   * The dashboard over nodes running elsewhere (`raft-tui --attach`): this process reaches them
   * through their admin endpoints only. crash and restart are the nodes' own (their raft loop
   * stops and drops its memory; the process stays); stop() leaves the nodes running.
   */
  static async attach(
    endpoints: NodeEndpoint[],
    key: ClusterSecret,
    options: Parameters<typeof resolveOptions>[0] = {},
  ): Promise<ProcessCluster> {
    const sorted = [...endpoints].sort((a, b) => a.id - b.id);
    if (sorted.length === 0 || sorted.some((e, i) => e.id !== i + 1))
      throw new Error(`attach needs nodes 1..N (got ${sorted.map((e) => e.id).join(', ') || 'none'})`);
    const cluster = new ProcessCluster(resolveOptions({ ...options, nodes: sorted.length }), { endpoints: sorted, key });
    await cluster.start();
    return cluster;
  }

  constructor(
    options: ResolvedOptions,
    private readonly attachTo?: { endpoints: NodeEndpoint[]; key: ClusterSecret },
  ) {
    const scheduler = new RealScheduler(1);
    const root = createRng(options.seed);
    const loadRng = createRng(root.int(0, 2 ** 31));
    const clientId = `c${root.int(0, 2 ** 31).toString(36)}`;
    // A folder of ours (not a temporary one) remembers nodes added and removed (members-file.ts).
    const members = new ClusterMembers(options.nodes, attachTo ? undefined : options.dataDir);
    super(options, members.ids, { scheduler, clientId, loadRng, reportClient: false });
    this.members = members;
  }

  /** The pids of the node processes running now (tests check that none outlives stop()). */
  pids(): number[] {
    return [...this.nodes.values()].map((n) => (n as ProcessNode).pid).filter((p): p is number => p !== undefined);
  }

  /** What `crash` means for this node, in words. */
  crashMeaning(id: NodeId): string {
    return this.requireNode(id).crashMeaning;
  }

  /** Where every node listens and its admin endpoint, with the pid of each process we run. */
  endpoints(): NodeEndpoint[] {
    return this.ids.map((id) => {
      const a = this.addresses.get(id)!;
      const pid = (this.nodes.get(id) as ProcessNode | undefined)?.pid;
      return { id, listen: a.listen, admin: a.admin, ...(pid === undefined ? {} : { pid }) };
    });
  }

  async start(): Promise<void> {
    if (this.attachTo) return this.startAttached(this.attachTo);
    const o = this.options;
    if (o.dataDir) {
      this.dataDir = o.dataDir;
      this.unlock = await lockDataDir(o.dataDir);
    } else {
      this.dataDir = await mkdtemp(join(tmpdir(), 'raft-tui-processes-'));
      this.ownsDataDir = true;
    }
    try {
      // The same folder layout as inline hosting: a manifest, one folder per node, the key beside them.
      let manifest: ClusterManifest;
      if (o.dataDir) {
        await this.members.load();
        manifest = this.members.manifest!;
      } else manifest = await prepareDataFolder(this.dataDir, this.ids);
      for (const id of this.ids) {
        const refusal = await nodeFolderRefusal(this.dataDir, id, manifest);
        if (refusal) throw new Error(`n${id} ${refusal}`);
      }
      const keyFile = join(this.dataDir, CLUSTER_KEY_FILE);
      this.key = { secret: await openClusterKeyFile(this.dataDir), file: keyFile };
      for (let attempt = 1; ; attempt++) {
        const failure = await this.startNodes();
        if (!failure) break;
        // A port picked free was taken before the node bound it: pick every port afresh.
        if (!portWasTaken(failure)) throw failure;
        if (attempt >= PORT_ATTEMPTS)
          throw new Error(
            o.basePort
              ? `${failure.message}: a port from --base-port ${o.basePort} on is in use; choose another base port`
              : `${failure.message}: ${attempt} sets of free ports were tried and another program took one of each; try again`,
          );
      }
      this.publisher.startInterval(true);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Picks ports and spawns every node with them; resolves with the first failure after every
   * node has either started or failed, having stopped them all again then (the next attempt
   * respawns them from their files, as a restart would).
   */
  private async startNodes(): Promise<Error | undefined> {
    const o = this.options;
    const ports = new Map<NodeId, number>();
    const admins = new Map<NodeId, number>();
    for (const id of this.ids) {
      ports.set(id, o.basePort ? o.basePort + id - 1 : await freePort());
      admins.set(id, await freePort());
      this.addresses.set(id, { listen: `127.0.0.1:${ports.get(id)}`, admin: `127.0.0.1:${admins.get(id)}` });
    }
    for (const id of this.ids) this.nodes.set(id, this.processNode(id));
    this.portsInUse = [...ports.values(), ...admins.values()];
    // A node that fails to start is not news: its exit is the failure returned here.
    for (const id of this.ids) this.expectedDown.add(id);
    const started = await Promise.allSettled([...this.nodes.values()].map((n) => n.start()));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) {
      this.expectedDown.clear();
      return undefined;
    }
    await Promise.all([...this.nodes.values()].map((n) => n.stop()));
    for (const id of this.ids) this.checker.crash(id);
    this.nodes.clear();
    this.addresses.clear();
    releasePorts(this.portsInUse);
    this.portsInUse = [];
    return failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }

  /**
   * Node `id` as a process to spawn, at the addresses picked for it: its peers are every other
   * member, and it starts from the cluster's first voters (thesis ch. 4) until its log says more.
   */
  private processNode(id: NodeId): ProcessNode {
    const o = this.options;
    const key = this.key!;
    const own = this.addresses.get(id)!;
    const peers = this.members.current().filter((p) => p !== id);
    const args = [
      ...['--id', String(id), '--listen', own.listen, '--admin', own.admin],
      ...peers.flatMap((p) => ['--peer', `${p}=${this.addresses.get(p)!.listen}`]),
      ...['--bootstrap', this.members.bootstrap.join(',')],
      ...['--data-dir', nodeDir(this.dataDir, id), '--key-file', key.file],
      ...['--election-timeout', `${o.electionTimeoutMs[0]}-${o.electionTimeoutMs[1]}`, '--heartbeat', String(o.heartbeatMs)],
      ...['--seed', String(o.seed), '--json'],
      ...(o.preVote ? [] : ['--no-pre-vote']),
      ...(o.checkQuorum ? [] : ['--no-check-quorum']),
    ];
    const hooks = {
      onPush: (_n: NodeId, p: AdminPush) => this.receive(p),
      onDown: (n: NodeId, why: string) => this.nodeDown(n, why),
    };
    return new ProcessNode(id, parseHostPort(own.admin, `n${id}'s admin address`), key.secret, hooks, args);
  }

  private async startAttached(attach: { endpoints: NodeEndpoint[]; key: ClusterSecret }): Promise<void> {
    const hooks = { onPush: (_n: NodeId, p: AdminPush) => this.receive(p), onDown: (n: NodeId, why: string) => this.nodeDown(n, why) };
    for (const e of attach.endpoints) {
      const admin = parseHostPort(e.admin, `node ${e.id}'s admin address`);
      this.nodes.set(e.id, new AdminNode(e.id, admin, attach.key, hooks));
      this.addresses.set(e.id, { listen: e.listen, admin: formatHostPort(admin) });
    }
    try {
      await Promise.all([...this.nodes.values()].map((n) => n.start()));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.publisher.startInterval(true);
  }

  // ---- membership and leadership ---------------------------------------------------------

  /**
   * Thesis §4.2.1: a new node process joins: it gets the next free id, ports and a folder, every
   * member is told where it listens, and it joins as a learner, catches up and is promoted.
   */
  addNode(): Promise<NodeId> {
    return this.members.serialize(async () => {
      if (this.stopped) throw new Error('the cluster is stopped');
      if (!this.key) throw new Error(this.cannotChangeMembers('add a node'));
      const id = await this.members.add();
      const port = this.options.basePort ? this.options.basePort + id - 1 : await freePort();
      const admin = await freePort();
      this.portsInUse.push(port, admin);
      const listen = `127.0.0.1:${port}`;
      this.addresses.set(id, { listen, admin: `127.0.0.1:${admin}` });
      // Told first: the new node dials them as it starts, and a node it is unknown to refuses it.
      for (const other of this.nodes.values()) await other.addPeer(id, listen);
      const node = this.processNode(id);
      this.nodes.set(id, node);
      try {
        await node.start();
      } catch (err) {
        // Its id stays taken (members.add saved it), as a node that never came up: shown down.
        this.expectedDown.add(id);
        throw err;
      }
      await addMember(this.membershipVia(this.memberNodes()), id);
      this.markDirty();
      return id;
    });
  }

  /** Thesis §4.2.2: takes `id` out of the configuration; once that is committed, its process stops. */
  removeNode(id: NodeId): Promise<void> {
    return this.members.serialize(async () => {
      const node = this.requireNode(id);
      if (this.members.removed.has(id)) throw new Error(`node ${id} was removed already`);
      if (!this.key) throw new Error(this.cannotChangeMembers(`remove node ${id}`));
      await removeMember(this.membershipVia(this.memberNodes()), id);
      await this.members.remove(id);
      this.expectedDown.add(id);
      await node.stop();
      node.removed = true;
      this.checker.retire(id);
      this.markDirty();
    });
  }

  /** How a membership change reaches a node process: through its admin endpoint. */
  private memberNodes(): Pick<MembershipContext, 'status' | 'propose'> {
    return {
      status: (id) => this.nodes.get(id)?.memberStatus(),
      propose: (id, change) => this.requireNode(id).proposeConfigChange(change),
    };
  }

  private cannotChangeMembers(what: string): string {
    return `cannot ${what} from a dashboard attached to nodes running elsewhere: it does not start or stop their processes`;
  }

  protected override removed(): ReadonlySet<NodeId> {
    return this.members.removed;
  }

  async transferLeadership(to: NodeId): Promise<{ ok: true; leader: NodeId } | { ok: false; message: string }> {
    if (!this.nodes.has(to)) return { ok: false, message: `unknown node ${to}: this cluster has nodes ${this.rangeText()}` };
    const leader = this.leader();
    if (leader === undefined) return { ok: false, message: 'no leader right now: wait for one, then transfer' };
    if (leader === to) return { ok: true, leader: to };
    const r = await this.nodes.get(leader)!.transferLeadership(to);
    if (!r.ok) return r;
    // Thesis §3.10: the target campaigns once told to; its node process says when it leads.
    if (await this.changes.until(() => this.leader() === to, 2 * this.options.electionTimeoutMs[1])) return { ok: true, leader: to };
    return { ok: false, message: `n${to} did not take over within an election timeout` };
  }

  // ---- faults -----------------------------------------------------------------------------

  /** A crash we asked for: the node's exit is no news. */
  protected override crashing(id: NodeId): void {
    this.expectedDown.add(id);
  }

  /** Its process is back: it is sent the faults in force, and says what its files kept. */
  protected override async restarted(node: NodeHosting): Promise<{ term: Term; lastIndex: number }> {
    this.expectedDown.delete(node.id);
    await node.setFaults(this.faults.filter.faults);
    return node.view();
  }

  /** A node's own view of itself, but up only while this cluster still reaches it. */
  protected override shownNodes(): ReadonlyMap<NodeId, { up: boolean; view(): NodeView }> {
    const nodes = new Map<NodeId, { up: boolean; view(): NodeView }>();
    for (const [id, node] of this.nodes) nodes.set(id, { up: node.up, view: () => ({ ...node.view(), up: node.up }) });
    return nodes;
  }

  /** Stops every node process (SIGTERM, then SIGKILL) and waits until each has exited. */
  override async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.load.stop();
    this.publisher.stop();
    for (const id of this.ids) this.expectedDown.add(id);
    this.client.close();
    this.changes.close();
    await Promise.all([...this.nodes.values()].map((n) => n.stop()));
    releasePorts(this.portsInUse);
    this.portsInUse = [];
    this.scheduler.stop();
    this.events.clear();
    await this.unlock?.();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  // ---- internals --------------------------------------------------------------------------

  /** What a node process pushed: observations for the checker, events, its status. */
  private receive(p: AdminPush): void {
    this.handlePush(p);
    // A node's new status (or anything else it said) may end a wait on the cluster's state.
    this.changes.check();
  }

  private handlePush(p: AdminPush): void {
    switch (p.push) {
      case 'observe':
        this.checker.checker.observe({ ...p.observation, at: this.scheduler.now() });
        return;
      case 'start':
        this.checker.checker.restart({ ...p.observation, at: this.scheduler.now() });
        return;
      case 'event': {
        const e = p.event;
        // The cluster says these itself (it knows why); the node's view of its own would repeat them.
        if (e.type === 'crash' || e.type === 'restart' || e.type === 'faults') return;
        if (e.type === 'committed') {
          if (e.index <= this.highestAnnounced) return;
          this.highestAnnounced = e.index;
        }
        this.events.emit(e);
        return;
      }
      case 'status':
        return;
    }
  }

  /** A node went down without being asked to (its process died, or its connection broke). */
  private nodeDown(id: NodeId, why: string): void {
    if (this.expectedDown.has(id) || this.stopped) return;
    this.expectedDown.add(id);
    this.crashed(id);
    this.events.emit({ type: 'clock', description: `n${id} went down: ${why}` });
    this.changes.check();
  }
}
