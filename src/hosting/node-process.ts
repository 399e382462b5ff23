import { commandText as entryCommandText } from '../cluster/snapshot.js';
import { hostView } from '../cluster/snapshot.js';
import { NodeHost } from '../cluster/node-host.js';
import { resolveOptions, type ResolvedOptions } from '../cluster/options.js';
import type { ClusterEvent, LogEntryView, NodeView } from '../cluster/types.js';
import { lockDataDir } from '../cluster/data-dir-lock.js';
import { KvStateMachine, type KvResult } from '../kv/index.js';
import type { ClusterSecret } from '../net/cluster-secret.js';
import { FaultFilter } from '../net/fault-filter.js';
import { TcpTransport } from '../net/tcp-transport.js';
import { createRaft } from '../raft/index.js';
import { createRng } from '../raft/rng.js';
import type { Entry, NodeId } from '../raft/types.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Storage } from '../storage/types.js';
import { AdminServer } from './admin-server.js';
import type { AdminPush } from './admin-protocol.js';

export interface HostPort {
  host: string;
  port: number;
}

/** Everything one node process needs: who it is, where everyone listens, its files and key. */
export interface NodeProcessOptions {
  id: NodeId;
  listen: HostPort;
  peers: Map<NodeId, HostPort>;
  /** The admin endpoint (port 0: any free port). */
  admin: HostPort;
  dataDir: string;
  key: ClusterSecret;
  electionTimeoutMs: [number, number];
  heartbeatMs: number;
  seed: number;
  preVote: boolean;
  checkQuorum: boolean;
  /**
   * Thesis ch. 4: the voters this node starts from before its log says otherwise (default: it
   * and its peers). A node that joins a running cluster is not among them: it waits, a learner
   * to be, for the leader to send it the log and the configuration in it.
   */
  bootstrap?: NodeId[];
  /** §7: compact the log after this many applied entries beyond the last snapshot. */
  snapshotEvery?: number;
  /** Told every event, for the node's log on stdout. */
  onEvent?: (e: ClusterEvent) => void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * One Raft node as its own OS process: the same NodeHost as inline hosting, over real files
 * (FileStorage, fsync) and real TCP, with its own clock, and an admin endpoint that serves
 * status, events, client requests and the fault controls applied in this node's own transport.
 */
export class NodeProcess {
  readonly options: NodeProcessOptions;
  readonly filter = new FaultFilter();
  private readonly resolved: ResolvedOptions;
  private readonly ids: NodeId[];
  private readonly host: NodeHost<KvResult>;
  private admin: AdminServer | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;
  private readonly startedAt = performance.now();
  private incarnation = 0;
  private port = 0;
  private unlock: (() => Promise<void>) | undefined;
  private stopped = false;
  /** Terms of the log entries watchers hold, by index − 1 (what the next status need not repeat). */
  private sentTerms: number[] = [];
  private statusTimer: NodeJS.Timeout | undefined;
  /** Where each peer listens, by id: what the transport dials (addPeer adds to it). */
  private readonly peerHosts = new Map<NodeId, string>();

  constructor(options: NodeProcessOptions) {
    this.options = options;
    this.ids = [options.id, ...options.peers.keys()].sort((a, b) => a - b);
    for (const [id, at] of options.peers) this.peerHosts.set(id, at.host);
    this.resolved = resolveOptions({
      nodes: Math.max(1, Math.min(9, this.ids.length)),
      electionTimeoutMs: options.electionTimeoutMs,
      heartbeatMs: options.heartbeatMs,
      seed: options.seed,
      preVote: options.preVote,
      checkQuorum: options.checkQuorum,
    });
    const placeholder = new TcpTransport(this.transportOptions());
    this.host = new NodeHost<KvResult>(
      options.id,
      undefined as unknown as Storage,
      placeholder,
      new KvStateMachine(),
      (stored) => this.makeCore(stored),
      {
        onRaftEvents: (node, events) => {
          for (const event of events) {
            this.emit({ type: 'raft', node, event });
            if (event.kind === 'commit') this.announceCommitted(event.index, event.quorum);
          }
        },
        onApplied: (node, entries) => {
          for (const e of entries)
            if (e.type === 'normal') this.emit({ type: 'applied', node, index: e.index, command: entryCommandText(e) });
        },
        onChange: () => this.statusChanged(),
        onReadyHandled: (node, s, rd) => {
          const applied = rd.committedEntries; // length first: index -1 is a slow property lookup
          const last = applied.length > 0 ? applied[applied.length - 1] : undefined;
          this.observed({
            push: 'observe',
            observation: {
              node,
              at: this.now(),
              role: s.role,
              term: s.term,
              votedFor: s.votedFor,
              commit: s.commitIndex,
              applied: last ? last.index : s.appliedIndex,
              lastIndex: s.lastIndex,
              written: rd.entries,
              appliedEntries: rd.committedEntries,
            },
          });
        },
        onFailure: (node, message) =>
          this.emit({ type: 'storage-recovery', node, file: '', offset: 0, droppedBytes: 0, reason: `stopped: ${message}` }),
      },
    );
    if (options.snapshotEvery !== undefined) this.host.snapshotEvery = options.snapshotEvery;
  }

  get id(): NodeId {
    return this.options.id;
  }

  /** Claims the folder, opens the files, listens for peers and for admin; resolves with both ports. */
  async start(): Promise<{ port: number; adminPort: number }> {
    this.unlock = await lockDataDir(this.options.dataDir);
    try {
      await this.startRaft();
      this.admin = new AdminServer(this, this.options.key);
      const adminPort = await this.admin.listen(this.options.admin);
      this.lastTickAt = performance.now();
      this.tickTimer = setInterval(() => this.tick(), this.resolved.tickMs);
      return { port: this.port, adminPort };
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** A remote crash: the raft loop stops and its memory is dropped; the files and the process stay. */
  async crash(): Promise<void> {
    if (!this.host.up) return;
    await this.host.crash();
    this.sentTerms = [];
    this.emit({ type: 'crash', node: this.id });
  }

  /**
   * A node that joined the cluster (thesis §4.2.1): this node connects to it at `at`, now and
   * after any restart. A peer it knows already is dialled at its new port from now on (and at
   * the new host after its next restart).
   */
  addPeer(id: NodeId, at: HostPort): void {
    if (id === this.id) throw new Error(`n${id} is this node itself`);
    this.options.peers.set(id, at);
    this.peerHosts.set(id, at.host);
    if (!this.ids.includes(id)) {
      this.ids.push(id);
      this.ids.sort((a, b) => a - b);
    }
    if (!this.host.up) return; // the next start connects to it
    const transport = this.host.currentTransport();
    transport.addPeers?.([id]);
    transport.setPeerPorts?.(new Map([[id, at.port]]));
  }

  /** Comes back from the files after a remote crash. */
  async restart(): Promise<void> {
    if (this.host.up || this.stopped) return;
    this.incarnation++;
    await this.startRaft();
  }

  /** SIGTERM and shutdown: stop listening, close the files, release the folder. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    await this.admin?.close();
    await this.host.crash();
    await this.unlock?.();
  }

  nodeHost(): NodeHost<KvResult> {
    return this.host;
  }

  setFaults(faults: FaultFilter['faults']): void {
    this.filter.set(faults);
    this.emit({ type: 'faults', faults: this.filter.faults, description: 'faults set by the cluster' });
  }

  /** The dashboard's view of this node, and the part of its log watchers do not hold yet. */
  statusPush(full: boolean): AdminPush & { push: 'status' } {
    const view: NodeView = {
      ...hostView(this.host, { port: this.port, tickMs: this.resolved.tickMs, speed: 1, removed: false }),
      partitionGroup: this.filter.groupNumber(this.id),
    };
    if (full) this.sentTerms = [];
    const configIndex = this.host.raft()?.status().configIndex ?? 0;
    return { push: 'status', view, log: this.logDelta(), pid: process.pid, configIndex };
  }

  private logDelta(): { from: number; entries: LogEntryView[] } {
    const log = this.host.raft()?.log() ?? [];
    const byIndex = (i: number): Entry | undefined => {
      const first = log[0];
      return first ? log[i - first.index] : undefined;
    };
    // §5.3 Log Matching: if the last entry watchers hold is unchanged, so is everything before it.
    let from = this.sentTerms.length;
    while (from > 0 && byIndex(from)?.term !== this.sentTerms[from - 1]) from--;
    from++;
    const entries: LogEntryView[] = [];
    const startAt = Math.max(from, log[0]?.index ?? from);
    for (let i = startAt; i <= (log[log.length - 1]?.index ?? 0); i++) {
      const e = byIndex(i)!;
      entries.push({ index: e.index, term: e.term, command: entryCommandText(e) });
    }
    this.sentTerms.length = from - 1;
    for (const e of entries) this.sentTerms[e.index - 1] = e.term;
    return { from, entries };
  }

  /**
   * Observations for the cluster's safety checker. Until the first checker watches, they are
   * kept (bounded), so it sees this node from its very first Ready: a gap would look like a bug.
   */
  private backlog: AdminPush[] | null = [];
  private observed(p: AdminPush): void {
    if (this.admin?.observing) this.admin.push(p, 'observe');
    else if (this.backlog) {
      this.backlog.push(p);
      if (this.backlog.length > 100_000) this.backlog = null;
    }
  }

  /** What happened before the first checker watched; null once taken (or when it overflowed). */
  takeBacklog(): AdminPush[] | null {
    const b = this.backlog;
    this.backlog = null;
    return b;
  }

  /** One 'committed' event per client entry this node, as leader, commits (first time only). */
  private announced = 0;
  private announceCommitted(index: number, quorum: NodeId[]): void {
    const core = this.host.raft();
    if (!core || index <= this.announced) return;
    if (core.status().role !== 'leader') return;
    const log = core.log();
    const first = log[0]?.index ?? 1;
    const from = Math.max(this.announced, index - 50) + 1;
    this.announced = index;
    for (let i = from; i <= index; i++) {
      const e = log[i - first];
      if (e && e.type === 'normal')
        this.emit({ type: 'committed', node: this.id, index: i, term: e.term, command: entryCommandText(e), quorum });
    }
  }

  now(): number {
    return performance.now() - this.startedAt;
  }

  private async startRaft(): Promise<void> {
    const storage = await FileStorage.open(this.options.dataDir);
    for (const r of storage.load().reports) this.emit({ type: 'storage-recovery', node: this.id, ...r });
    const { hardState, entries } = storage.load();
    this.observed({
      push: 'start',
      observation: { node: this.id, at: this.now(), term: hardState.term, votedFor: hardState.votedFor, entries },
    });
    this.sentTerms = [];
    const transport = new TcpTransport(this.transportOptions());
    transport.setPeerPorts(new Map([...this.options.peers].map(([id, a]) => [id, a.port])));
    this.port = await this.host.start(storage, transport);
    const kept = storage.summary();
    if (this.incarnation > 0) this.emit({ type: 'restart', node: this.id, term: kept.term, lastIndex: kept.lastIndex });
  }

  private transportOptions(): ConstructorParameters<typeof TcpTransport>[0] {
    const o = this.options;
    return {
      id: o.id,
      secret: o.key,
      peers: this.ids,
      port: o.listen.port,
      host: o.listen.host,
      // The map itself, not a copy: a peer added later (addPeer) is dialled at its own host.
      peerHosts: this.peerHosts,
      filter: this.filter,
      rng: createRng((o.seed * 7 + o.id) >>> 0),
      onBadInput: (reason, detail) => this.emit({ type: 'bad-input', node: o.id, reason: `${reason}: ${detail}` }),
    };
  }

  private makeCore(stored: ReturnType<Storage['load']>) {
    const {
      electionTimeoutMs: [emin, emax],
      heartbeatMs,
      tickMs,
    } = this.resolved;
    return createRaft({
      id: this.id,
      peers: this.options.bootstrap ?? this.ids,
      electionTicks: [Math.max(2, Math.round(emin / tickMs)), Math.max(2, Math.round(emax / tickMs))],
      heartbeatTicks: Math.max(1, Math.round(heartbeatMs / tickMs)),
      // Each incarnation draws fresh timeouts: the seed, the node and the process's own randomness.
      seed: (this.options.seed * 31 + this.id * 1009 + this.incarnation * 7919 + process.pid) >>> 0,
      preVote: this.resolved.preVote,
      checkQuorum: this.resolved.checkQuorum,
      // Figure 2: commitIndex is volatile — a restarted node relearns it from the leader.
      hardState: { ...stored.hardState, commit: 0 },
      entries: stored.entries,
      ...(stored.snapshot ? { snapshot: stored.snapshot } : {}),
    });
  }

  private tick(): void {
    const { tickMs } = this.resolved;
    const now = performance.now();
    const ticks = Math.floor((now - this.lastTickAt) / tickMs);
    if (ticks <= 0) return;
    this.lastTickAt += ticks * tickMs;
    if (this.lastTickAt < now - tickMs) this.lastTickAt = now;
    this.host.tick(ticks);
    this.statusChanged();
  }

  /** Status goes to watchers at most every 20 ms while something changes. */
  private statusChanged(): void {
    if (this.statusTimer || !this.admin?.watching) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.admin?.push(this.statusPush(false), 'status');
    }, 20);
  }

  emit(e: DistributiveOmit<ClusterEvent, 'at'>): void {
    const full = { ...e, at: this.now() } as ClusterEvent;
    try {
      this.options.onEvent?.(full);
    } catch {
      // the log line is not worth the node
    }
    this.admin?.push({ push: 'event', event: full }, 'events');
    this.statusChanged();
  }
}
