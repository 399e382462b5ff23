import type {
  Cluster,
  ClusterEvent,
  ClusterSnapshot,
  MessageView,
  NodeStatus,
  NodeView,
  SubmitOptions,
  SubmitResult,
} from '../../src/cluster/types.js';
import type { NetworkFaults } from '../../src/net/types.js';
import { noFaults } from '../../src/net/fault-filter.js';
import type { NodeId, Role } from '../../src/raft/types.js';

interface FakeNode {
  id: NodeId;
  up: boolean;
  role: Role;
  term: number;
  votedFor: NodeId | null;
  lastIndex: number;
  snapshotIndex?: number;
}

/**
 * A stand-in for the cluster that records every call the console makes and answers from a
 * small state the test sets up: which nodes are up, who leads, the faults, what submit says.
 * `virtual: true` makes it accept advance() (a virtual clock); otherwise advance() throws as a
 * real-clock cluster does.
 */
export class FakeCluster implements Cluster {
  readonly ids: NodeId[];
  readonly calls: string[] = [];
  nodes: FakeNode[];
  faults: NetworkFaults = noFaults();
  paused = false;
  commitIndex = 0;
  /** What submit answers; the default commits at the next index in term 1. */
  answer: (command: string) => SubmitResult | Promise<SubmitResult> = () => ({ ok: true, index: ++this.commitIndex, term: 1 });
  /** Virtual time advanced so far. */
  advanced = 0;
  /** Run on each advance() of virtual time (e.g. to elect a leader after some time). */
  onAdvance: (totalMs: number) => void = () => {};
  private readonly listeners = new Set<(e: ClusterEvent) => void>();

  get clock(): 'real' | 'virtual' {
    return this.virtual ? 'virtual' : 'real';
  }

  constructor(
    size = 5,
    private readonly virtual = false,
  ) {
    this.ids = Array.from({ length: size }, (_, i) => i + 1);
    this.nodes = this.ids.map((id) => ({ id, up: true, role: 'follower', term: 1, votedFor: null, lastIndex: 0 }));
  }

  node(id: NodeId): FakeNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`fake: no node ${id}`);
    return n;
  }

  /** Makes `id` the leader (everyone else follows). */
  elect(id: NodeId, term = 2): void {
    for (const n of this.nodes) {
      n.role = n.id === id ? 'leader' : 'follower';
      n.term = term;
    }
  }

  emit(event: ClusterEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  async submit(command: string, options?: SubmitOptions): Promise<SubmitResult> {
    this.calls.push(`submit ${command}${options ? ` ${JSON.stringify(options)}` : ''}`);
    return this.answer(command);
  }
  async crash(id: NodeId): Promise<void> {
    this.calls.push(`crash ${id}`);
    const n = this.node(id);
    n.up = false;
    n.role = 'follower';
  }
  async restart(id: NodeId): Promise<void> {
    this.calls.push(`restart ${id}`);
    this.node(id).up = true;
  }
  async transferLeadership(to: NodeId): Promise<{ ok: true; leader: NodeId } | { ok: false; message: string }> {
    this.calls.push(`transfer ${to}`);
    if (!this.node(to).up) return { ok: false, message: `node ${to} is down` };
    this.elect(to, this.node(to).term + 1);
    return { ok: true, leader: to };
  }
  async addNode(): Promise<NodeId> {
    const id = Math.max(...this.ids) + 1;
    this.calls.push('add');
    this.ids.push(id);
    this.nodes.push({ id, up: true, role: 'follower', term: 1, votedFor: null, lastIndex: 0 });
    return id;
  }
  async removeNode(id: NodeId): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.node(id).up = false;
  }
  partition(groups: NodeId[][]): void {
    this.calls.push(`partition ${JSON.stringify(groups)}`);
    this.faults = { ...this.faults, partition: groups.map((g) => [...g]) };
  }
  heal(): void {
    this.calls.push('heal');
    this.faults = noFaults();
  }
  setNetwork(faults: { dropRate?: number; duplicateRate?: number; delayMs?: [number, number] | null }): void {
    this.calls.push(`setNetwork ${JSON.stringify(faults)}`);
    this.faults = { ...this.faults, ...faults } as NetworkFaults;
  }
  cut(from: NodeId, to: NodeId): void {
    this.calls.push(`cut ${from} ${to}`);
    this.faults = { ...this.faults, cuts: [...this.faults.cuts, { from, to }] };
  }
  status(): NodeStatus[] {
    return this.snapshot().nodes;
  }
  leader(): NodeId | undefined {
    return this.nodes.find((n) => n.up && n.role === 'leader')?.id;
  }
  async advance(ms: number): Promise<void> {
    if (!this.virtual) throw new Error("advance() needs clock: 'virtual'");
    this.advanced += ms;
    this.onAdvance(this.advanced);
  }
  on(_event: 'event', listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async compact(id?: NodeId): Promise<void> {
    this.calls.push(id === undefined ? 'compact' : `compact ${id}`);
    for (const n of this.nodes) if (n.up && (id === undefined || n.id === id)) n.snapshotIndex = this.commitIndex;
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  snapshot(): ClusterSnapshot {
    const nodes: NodeView[] = this.nodes.map((n) => ({
      id: n.id,
      up: n.up,
      role: n.role,
      term: n.term,
      votedFor: n.votedFor,
      leader: this.leader() ?? null,
      commitIndex: this.commitIndex,
      lastApplied: this.commitIndex,
      lastIndex: n.lastIndex,
      log: [],
      kv: {},
      port: 0,
      electionProgress: null,
      electionTimeoutMs: 300,
      unreachable: [],
      partitionGroup: null,
      kept: n.up ? null : { term: n.term, votedFor: n.votedFor, lastIndex: n.lastIndex },
      counters: { sent: 0, received: 0, filtered: 0, badInput: 0 },
      progress: null,
      votes: null,
      snapshotIndex: n.snapshotIndex ?? 0,
      snapshotTerm: n.snapshotIndex ? n.term : 0,
      voters: [...this.ids],
      learners: [],
    }));
    return {
      version: 1,
      takenAt: 0,
      nodes,
      leader: this.leader(),
      term: Math.max(...this.nodes.map((n) => n.term)),
      commitIndex: this.commitIndex,
      speed: 1,
      paused: this.paused,
      faults: this.faults,
      load: 0,
      messages: { sent: 0, received: 0, filtered: 0 },
      transport: 'memory',
      safety: { checks: 0, violations: 0, first: null },
      inFlight: [],
    };
  }
  onSnapshot(): () => void {
    return () => {};
  }
  pause(): void {
    this.calls.push('pause');
    this.paused = true;
  }
  resume(): void {
    this.calls.push('resume');
    this.paused = false;
  }
  async step(which?: number): Promise<string> {
    this.calls.push(which === undefined ? 'step' : `step ${which}`);
    return 'delivered #1 n1 → n2 AppendEntries prev 0/t0 heartbeat commit 0 — n2 accepted: its log matches up to 0';
  }
  /** What inFlight() answers. */
  flying: MessageView[] = [];
  inFlight(): MessageView[] {
    return this.flying;
  }
  dropMessage(id: number): void {
    this.calls.push(`dropMessage ${id}`);
    if (!this.flying.some((m) => m.id === id)) throw new Error(`no message #${id} is in flight (see the in-flight list)`);
  }
  setLatency(ms: [number, number]): void {
    this.calls.push(`setLatency ${JSON.stringify(ms)}`);
  }
  async timeout(id: NodeId): Promise<string> {
    this.calls.push(`timeout ${id}`);
    if (this.node(id).role === 'leader') throw new Error(`n${id} is the leader: a leader has no election timer`);
    return `n${id}'s election timer fired`;
  }
  setSpeed(speed: number): void {
    this.calls.push(`setSpeed ${speed}`);
  }
  setLoad(perSecond: number): void {
    this.calls.push(`setLoad ${perSecond}`);
  }
  safety(): ClusterSnapshot['safety'] {
    return { checks: 0, violations: 0, first: null };
  }
}
