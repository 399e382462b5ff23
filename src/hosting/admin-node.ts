import type { ProposeOutcome } from '../cluster/client.js';
import type { LogEntryView, NodeStatus, NodeView } from '../cluster/types.js';
import type { KvResult } from '../kv/index.js';
import type { ClusterSecret } from '../net/cluster-secret.js';
import type { NetworkFaults } from '../net/types.js';
import type { TornWrite } from '../cluster/node-disk.js';
import type { MemberStatus } from '../cluster/membership-changes.js';
import type { ConfigChange, NodeId, ProposeResult, Term } from '../raft/types.js';
import { AdminClient } from './admin-client.js';
import type { AdminPush, ApplyOutcome, ProposeAnswer } from './admin-protocol.js';
import type { HostPort } from './node-process.js';
import type { NodeHosting, NodeHostingHooks } from './types.js';

/**
 * A node reached through its admin endpoint (a process anywhere). It mirrors the node's status
 * and whole log from what the node pushes, and turns client requests and faults into admin
 * requests. Crash and restart are the node's own (its raft loop stops, its memory is dropped;
 * the process stays): see ProcessNode for nodes this process spawned, which really die.
 */
export class AdminNode implements NodeHosting {
  protected client: AdminClient | undefined;
  protected lastView: NodeView;
  private mirror: LogEntryView[] = [];
  /** The index of the configuration the node last said it holds (thesis §4.1). */
  private configIndex = 0;
  private firstStatus: (() => void) | undefined;
  /** Taken out of the cluster for good (thesis §4.2.2): shown as REMOVED, not DOWN. */
  removed = false;
  crashMeaning =
    'crash stops the remote node’s raft loop and drops its memory (its process keeps running); restart reloads it from its files';

  constructor(
    readonly id: NodeId,
    protected admin: HostPort,
    protected readonly key: ClusterSecret,
    protected readonly hooks: NodeHostingHooks,
  ) {
    this.lastView = downView(id, 0, null);
  }

  get up(): boolean {
    return this.client !== undefined && !this.client.closed && this.lastView.up;
  }

  async start(): Promise<void> {
    await this.connect(Date.now() + 20_000);
  }

  async crash(): Promise<void> {
    if (!this.up) return;
    this.markDown();
    await this.client?.request({ op: 'crash' });
  }

  async restart(): Promise<void> {
    if (this.up) return;
    if (!this.client || this.client.closed) return this.connect();
    const seen = this.waitForStatus();
    await this.client.request({ op: 'restart' });
    await seen;
  }

  view(): NodeView {
    return this.removed ? { ...this.lastView, removed: true } : this.lastView;
  }

  leaderTerm(): Term | undefined {
    const v = this.lastView;
    return this.up && v.role === 'leader' ? v.term : undefined;
  }

  /** Its disk is a real one in another process: nothing here can stop it inside a write. */
  crashMidWrite(): Promise<{ torn: TornWrite | null } | undefined> {
    return Promise.reject(
      new Error(
        `a crash mid-write needs nodes in this process on simulated disks: n${this.id} runs elsewhere (crash ${this.id} kills it instead)`,
      ),
    );
  }

  status(): NodeStatus {
    const v = this.lastView;
    return {
      id: this.id,
      up: this.up,
      role: v.role,
      term: v.term,
      votedFor: v.votedFor,
      leader: v.leader,
      commitIndex: v.commitIndex,
      lastApplied: v.lastApplied,
      lastIndex: v.lastIndex,
      snapshotIndex: v.snapshotIndex,
      snapshotTerm: v.snapshotTerm,
      voters: v.voters,
      learners: v.learners,
      log: this.log().slice(),
      kv: { ...v.kv },
      ...(this.removed ? { removed: true } : {}),
    };
  }

  log(): LogEntryView[] {
    return this.lastView.up ? this.mirror : [];
  }

  propose(data: string): Promise<ProposeOutcome<KvResult>> {
    return this.ask({ op: 'propose', data });
  }

  read(command: string): Promise<ProposeOutcome<KvResult>> {
    return this.ask({ op: 'read', command });
  }

  async setFaults(faults: NetworkFaults): Promise<void> {
    if (!this.client || this.client.closed) return;
    await this.client.request({ op: 'faults', faults }).catch(() => undefined);
  }

  /** Its election timer fires (the node campaigns); what follows shows in its pushed status. */
  async timeout(): Promise<string> {
    if (!this.up) throw new Error(`n${this.id} is down: restart ${this.id} first`);
    if (!(await this.campaign()))
      throw new Error(`n${this.id} is the leader: a leader has no election timer (crash leader or isolate leader instead)`);
    return `n${this.id}'s election timer fired`;
  }

  private async campaign(): Promise<boolean> {
    if (!this.client || !this.up) return false;
    return (await this.client.request({ op: 'campaign' })).ok === true;
  }

  async transferLeadership(to: NodeId): Promise<{ ok: true } | { ok: false; message: string }> {
    if (!this.client || !this.up) return { ok: false, message: `node ${this.id} is down` };
    return (await this.client.request({ op: 'transfer', to })).result as { ok: true } | { ok: false; message: string };
  }

  /** What a membership change reads of it, as it last said (undefined while it is down). */
  memberStatus(): MemberStatus | undefined {
    if (!this.up) return undefined;
    const v = this.lastView;
    return {
      id: this.id,
      lastIndex: v.lastIndex,
      commitIndex: v.commitIndex,
      voters: v.voters,
      learners: v.learners,
      configIndex: this.configIndex,
    };
  }

  /** Thesis §4.1: asks the node (the leader) to append a configuration change. */
  async proposeConfigChange(change: ConfigChange): Promise<ProposeResult> {
    if (!this.client || !this.up) return { ok: false, leader: null };
    // No answer (its connection closed meanwhile): as if it had refused; the change is tried again.
    const r = (await this.client.request({ op: 'config', change })).result as ProposeResult | undefined;
    return r ?? { ok: false, leader: null };
  }

  /** A node joined the cluster at `listen`: this one connects to it (a node that is down learns it when it restarts). */
  async addPeer(node: NodeId, listen: string): Promise<void> {
    if (this.client && this.up) await this.client.request({ op: 'add-peer', node, listen });
  }

  async compact(): Promise<void> {
    if (this.client && this.up) await this.client.request({ op: 'compact' });
  }

  async stop(): Promise<void> {
    this.client?.close();
    this.client = undefined;
  }

  /** Connects, subscribes to status, events and observations, and waits for the first status. */
  protected async connect(deadline = Date.now() + 5000, alive: () => string | undefined = () => undefined): Promise<void> {
    let lastError = '';
    for (;;) {
      const dead = alive();
      if (dead) throw new Error(`n${this.id} ${dead}`);
      try {
        this.client = await AdminClient.connect(this.admin, this.key);
        break;
      } catch (err) {
        lastError = (err as Error).message;
        if (/authentication|prove/.test(lastError) || Date.now() > deadline) throw new Error(`n${this.id}: ${lastError}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const client = this.client;
    client.onPush = (p) => this.receive(p);
    client.onClose = () => {
      if (this.client !== client) return;
      this.markDown();
      this.hooks.onDown(this.id, 'its admin connection closed');
    };
    const seen = this.waitForStatus();
    await client.request({ op: 'watch', events: true, observe: true });
    await seen;
  }

  protected markDown(): void {
    const v = this.lastView;
    this.lastView = downView(this.id, v.port, v.up ? { term: v.term, votedFor: v.votedFor, lastIndex: v.lastIndex } : v.kept);
    this.mirror = [];
  }

  private waitForStatus(): Promise<void> {
    return new Promise((resolve) => {
      this.firstStatus = resolve;
    });
  }

  private receive(p: AdminPush): void {
    if (p.push === 'status') {
      const { from, entries } = p.log;
      if (from <= 1) this.mirror = entries;
      else {
        const base = this.mirror[0]?.index ?? from;
        this.mirror.length = Math.max(0, from - base);
        for (const e of entries) this.mirror.push(e);
      }
      this.lastView = p.view;
      this.configIndex = p.configIndex;
      if (p.view.up && this.firstStatus) {
        this.firstStatus();
        this.firstStatus = undefined;
      }
    }
    this.hooks.onPush(this.id, p);
  }

  private ask(request: { op: 'propose'; data: string } | { op: 'read'; command: string }): Promise<ProposeOutcome<KvResult>> {
    const client = this.client;
    if (!client || !this.up) return Promise.resolve({ ok: false, leader: null, down: true });
    return new Promise((resolve) => {
      let settle: ((o: ApplyOutcome) => void) | undefined;
      const applied = new Promise<ApplyOutcome>((r) => (settle = r));
      client.send(request, (o) => {
        if (o.closed) {
          resolve({ ok: false, leader: null, down: true });
          settle?.({ applied: false, reason: 'crashed' });
          return;
        }
        if (typeof o.error === 'string') {
          resolve({ ok: false, leader: null, down: true });
          return;
        }
        if (o.answer) {
          const a = o.answer as ProposeAnswer;
          resolve(a.ok ? { ok: true, index: a.index, term: a.term, applied } : { ok: false, leader: a.leader, down: a.down });
          if (!a.ok) client.forget(id);
          return;
        }
        if (o.applied) {
          client.forget(id);
          settle?.(o.applied as ApplyOutcome);
        }
      });
      const id = client.lastId;
    });
  }
}

/** A node that is down, with what its files kept when it was last seen. */
export function downView(id: NodeId, port: number, kept: NodeView['kept']): NodeView {
  return {
    id,
    port,
    up: false,
    role: 'follower',
    term: kept?.term ?? 0,
    votedFor: kept?.votedFor ?? null,
    leader: null,
    commitIndex: 0,
    lastApplied: 0,
    lastIndex: kept?.lastIndex ?? 0,
    snapshotIndex: 0,
    snapshotTerm: 0,
    voters: [],
    learners: [],
    log: [],
    kv: {},
    electionProgress: null,
    electionTimeoutMs: 0,
    unreachable: [],
    partitionGroup: null,
    kept,
    counters: { sent: 0, received: 0, filtered: 0, badInput: 0 },
    progress: null,
    votes: null,
    lastContactMs: null,
    commitQuorum: null,
  };
}
