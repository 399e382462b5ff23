/**
 * The nemesis: injects faults of chosen kinds at random times and undoes each after a random
 * while — partitions and one-way cuts, crashes and restarts, message loss, duplication and
 * delay. It drives anything that implements {@link NemesisTarget}: the deterministic simulator
 * or a real TCP cluster.
 */
import type { Rng } from '../raft/rng.js';
import type { NodeId } from '../raft/types.js';
import { FAULT_KINDS, FAULT_SLOTS, type FaultKind, type FaultSlot } from './nemesis-kinds.js';
import {
  bridge,
  deaf,
  halves,
  isolate,
  majoritiesRing,
  mute,
  strand,
  strandAfterHandoff,
  type Cut,
  type Links,
} from './nemesis-topology.js';
import { pick, shuffled } from './random-choice.js';

/** Message faults, as the fault filter takes them. */
export interface MessageFaults {
  dropRate: number;
  duplicateRate: number;
  delayMs: [number, number] | null;
}

/** What the nemesis needs of a cluster. */
export interface NemesisTarget {
  readonly ids: readonly NodeId[];
  /** Current time in ms (virtual or wall). */
  now(): number;
  /** Runs `fn` after `ms`. */
  later(ms: number, fn: () => void): void;
  leader(): NodeId | undefined;
  isUp(id: NodeId): boolean;
  crash(id: NodeId): void;
  restart(id: NodeId): void;
  /** Replaces the partition and every one-way cut; message faults stay as they are. */
  setLinks(links: Links): void;
  /** Replaces drop / duplicate / delay; links stay as they are. */
  setMessages(faults: MessageFaults): void;
  /** Thesis §3.10: asks the leader `from` to hand leadership to `to` (it may be refused). */
  transfer(from: NodeId, to: NodeId): void;
  /** Thesis ch. 4: adds and removes nodes; without it, `add-node` and `remove-node` do nothing. */
  membership?: MembershipTarget;
}

/** What the nemesis needs to change the configuration (one change at a time, thesis §4.1). */
export interface MembershipTarget {
  /** The voters of the latest committed configuration. */
  voters(): NodeId[];
  /** Nodes running that stay in the cluster (not removed, not being removed). */
  members(): NodeId[];
  /** Starts a new node and adds it (learner, then voter); returns what it did, in words. */
  add(): string;
  /** Removes `node`; it stops once that commits, or runs on for `keepRunningMs` first. */
  remove(node: NodeId, keepRunningMs: number | null): string;
  /** Stops every removed node still running. */
  retireLingering(): void;
}

export interface NemesisOptions {
  /** The kinds to draw from; empty: the nemesis does nothing. */
  kinds: readonly FaultKind[];
  /** Time from one fault to the next, uniform in [min, max] ms. */
  everyMs: [number, number];
  /** How long a fault lasts before it is undone, uniform in [min, max] ms. */
  lastsMs: [number, number];
  /** The cluster's election timeout range: long delays are drawn in multiples of its maximum. */
  electionTimeoutMs: [number, number];
}

/** One thing the nemesis did, for traces. */
export interface NemesisNote {
  at: number;
  /** The fault started, or `heal` / `restart` when one is undone. */
  kind: FaultKind | 'heal-links' | 'heal-messages' | 'restart';
  text: string;
}

const NO_MESSAGE_FAULTS: MessageFaults = { dropRate: 0, duplicateRate: 0, delayMs: null };

function describeCuts(cuts: readonly Cut[]): string {
  return cuts.map((c) => `${c.from}→${c.to}`).join(' ');
}

/**
 * Draws faults from one seeded RNG, so a run replays exactly. Faults share three slots (links,
 * crashes, messages): a new link or message fault replaces the one in its slot; crashes add up
 * (only nodes that are up are crashed) and each crashed node restarts when its fault ends.
 */
export class Nemesis {
  /** Faults injected so far, per kind. */
  readonly injected: Record<FaultKind, number>;
  private readonly generation: Record<FaultSlot, number> = { links: 0, crash: 0, messages: 0, leadership: 0, membership: 0 };
  private stopped = false;
  /** A stranded leader's partition stays up until then: no other link fault replaces it. */
  private linksHeldUntil = -Infinity;

  constructor(
    private readonly target: NemesisTarget,
    private readonly rng: Rng,
    private readonly options: NemesisOptions,
    private readonly note?: (n: NemesisNote) => void,
  ) {
    this.injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  }

  /** Schedules faults from now until `untilMs` (the target's clock). */
  start(untilMs: number): void {
    if (this.options.kinds.length === 0) return;
    const step = (): void => {
      if (this.stopped || this.target.now() >= untilMs) return;
      this.inject(pick(this.rng, this.options.kinds));
      this.target.later(this.draw(this.options.everyMs), step);
    };
    this.target.later(this.draw(this.options.everyMs), step);
  }

  /** Stops injecting, heals every link and message fault and restarts every node that is down. */
  healAll(): void {
    this.stopped = true;
    this.target.membership?.retireLingering();
    this.target.setLinks({ partition: null, cuts: [] });
    this.target.setMessages(NO_MESSAGE_FAULTS);
    for (const id of this.target.ids) if (!this.target.isUp(id)) this.target.restart(id);
    this.tell('heal-links', 'heal: every link up, no message faults, every node restarted');
  }

  /** Injects one fault of `kind` now and schedules its end. */
  inject(kind: FaultKind): void {
    const slot = FAULT_SLOTS[kind];
    if (slot === 'links' && this.target.now() < this.linksHeldUntil) return;
    this.injected[kind]++;
    const generation = ++this.generation[slot];
    const lasts = kind === 'strand-leader' ? this.strandMs() : this.draw(this.options.lastsMs);
    if (kind === 'strand-leader') this.linksHeldUntil = this.target.now() + lasts;
    if (slot === 'membership') {
      this.tell(kind, this.changeMembership(kind, lasts));
    } else if (slot === 'leadership') {
      // Nothing to undo: the new leader leads until something else changes it.
      const from = this.target.leader();
      const others = this.target.ids.filter((id) => id !== from && this.target.isUp(id));
      if (from === undefined || others.length === 0) {
        this.tell(kind, 'transfer: no leader, or no other node up');
        return;
      }
      const to = pick(this.rng, others);
      this.target.transfer(from, to);
      this.tell(kind, `transfer leadership n${from} → n${to}`);
    } else if (slot === 'links') {
      const { links, text } = this.links(kind);
      this.target.setLinks(links);
      this.tell(kind, `${text} for ${lasts} ms`);
      this.target.later(lasts, () => {
        if (this.stopped || this.generation.links !== generation) return;
        this.target.setLinks({ partition: null, cuts: [] });
        this.tell('heal-links', 'links healed');
      });
    } else if (slot === 'messages') {
      const { faults, text } = this.messages(kind);
      this.target.setMessages(faults);
      this.tell(kind, `${text} for ${lasts} ms`);
      this.target.later(lasts, () => {
        if (this.stopped || this.generation.messages !== generation) return;
        this.target.setMessages(NO_MESSAGE_FAULTS);
        this.tell('heal-messages', 'message faults off');
      });
    } else {
      const victims = this.victims(kind);
      for (const id of victims) this.target.crash(id);
      this.tell(kind, `crash ${victims.length ? victims.map((id) => `n${id}`).join(', ') : 'nobody (all down already)'} for ${lasts} ms`);
      this.target.later(lasts, () => {
        if (this.stopped) return;
        const back = victims.filter((id) => !this.target.isUp(id));
        for (const id of back) this.target.restart(id);
        if (back.length) this.tell('restart', `restart ${back.map((id) => `n${id}`).join(', ')}`);
      });
    }
  }

  /**
   * Thesis ch. 4: adds a node, or removes a voter (the leader half the time: §4.2.2), which then
   * stops at once or, half the time, runs on for `lasts` ms outside the configuration (§4.2.3).
   * The cluster drifts back towards 3-5 voters: the more nodes run, the likelier an add is
   * skipped (always below 6, half the time at 6, a quarter at 7, an eighth at 8, never at 9).
   */
  private changeMembership(kind: FaultKind, lasts: number): string {
    const m = this.target.membership;
    if (!m) return `${kind}: this cluster cannot change its membership here`;
    if (kind === 'add-node') {
      const members = m.members().length;
      if (members > 5 && !this.rng.chance(1 / 2 ** (members - 5))) return `add: ${members} nodes are enough for now`;
      return m.add();
    }
    const voters = m.voters();
    const leader = this.target.leader();
    const node = leader !== undefined && voters.includes(leader) && this.rng.chance(0.5) ? leader : pick(this.rng, voters);
    return m.remove(node, this.rng.chance(0.5) ? lasts : null);
  }

  private links(kind: FaultKind): { links: Links; text: string } {
    const ids = this.target.ids;
    const order = shuffled(this.rng, ids);
    switch (kind) {
      case 'isolate-leader': {
        const node = this.target.leader() ?? pick(this.rng, ids);
        return { links: isolate(node, ids), text: `isolate n${node}${this.target.leader() === node ? ' (the leader)' : ''}` };
      }
      case 'strand-leader': {
        const leader = this.target.leader();
        // Half the time the leader hands over as it is cut off: a successor is elected at once,
        // so the window in which the old leader still believes it leads opens with check-quorum
        // on too (it lasts until check-quorum steps it down).
        const heirs = ids.filter((id) => id !== leader && this.target.isUp(id));
        if (leader !== undefined && heirs.length > 0 && this.rng.chance(0.5)) {
          const heir = pick(this.rng, heirs);
          this.target.transfer(leader, heir);
          return {
            links: strandAfterHandoff(leader, heir, ids),
            text: `strand n${leader} (the leader) as it hands leadership to n${heir}`,
          };
        }
        // A minority around the leader: alone, or with up to ⌊(n - 1)/2⌋ - 1 followers.
        const node = leader ?? pick(this.rng, ids);
        const others = order.filter((id) => id !== node).slice(0, this.rng.int(0, Math.floor((ids.length - 1) / 2) - 1));
        const links = strand(node, others, ids);
        return {
          links,
          text: `strand n${node}${leader === node ? ' (the leader)' : ''} in a minority: ${links.partition!.map((g) => g.join(',')).join(' | ')}`,
        };
      }
      case 'halves': {
        const links = halves(order);
        return { links, text: `partition ${links.partition!.map((g) => g.join(',')).join(' | ')}` };
      }
      case 'bridge':
        return { links: bridge(order), text: `bridge: n${order[0]} joins ${groupsText(order.slice(1))}` };
      case 'majorities-ring':
        return { links: majoritiesRing(order), text: `majorities ring ${order.join('-')}` };
      default: {
        const node = this.rng.chance(0.5) ? (this.target.leader() ?? pick(this.rng, ids)) : pick(this.rng, ids);
        const r = this.rng.next();
        if (r < 0.35) return { links: deaf(node, ids), text: `n${node} hears no one (it can still send)` };
        if (r < 0.6) return { links: mute(node, ids), text: `n${node} reaches no one (it can still hear)` };
        const cuts: Cut[] = [];
        const count = this.rng.int(1, ids.length);
        for (let i = 0; i < count; i++) {
          const from = pick(this.rng, ids);
          const to = pick(
            this.rng,
            ids.filter((id) => id !== from),
          );
          cuts.push({ from, to });
        }
        return { links: { partition: null, cuts }, text: `one-way cuts ${describeCuts(cuts)}` };
      }
    }
  }

  private messages(kind: FaultKind): { faults: MessageFaults; text: string } {
    const rng = this.rng;
    switch (kind) {
      case 'drop': {
        const dropRate = 0.05 + rng.next() * 0.35;
        return { faults: { ...NO_MESSAGE_FAULTS, dropRate }, text: `drop ${percent(dropRate)} of messages` };
      }
      case 'duplicate': {
        const duplicateRate = 0.05 + rng.next() * 0.25;
        return { faults: { ...NO_MESSAGE_FAULTS, duplicateRate }, text: `duplicate ${percent(duplicateRate)} of messages` };
      }
      case 'reorder': {
        const hi = rng.int(10, 60);
        return { faults: { ...NO_MESSAGE_FAULTS, delayMs: [0, hi] }, text: `delay messages 0-${hi} ms (reordering)` };
      }
      default: {
        // Far above the election timeout: a message can arrive after several elections.
        const hi = rng.int(2, 10) * this.options.electionTimeoutMs[1];
        return { faults: { ...NO_MESSAGE_FAULTS, delayMs: [0, hi] }, text: `delay messages 0-${hi} ms (long reordering)` };
      }
    }
  }

  private victims(kind: FaultKind): NodeId[] {
    const ids = this.target.ids;
    const n = ids.length;
    const up = ids.filter((id) => this.target.isUp(id));
    const order = shuffled(this.rng, up);
    let count: number;
    switch (kind) {
      case 'crash-one': {
        // Half the time the leader: the crash that matters most.
        const leader = this.target.leader();
        if (leader !== undefined && this.rng.chance(0.5)) return [leader];
        count = 1;
        break;
      }
      case 'crash-minority':
        count = this.rng.int(1, Math.max(1, Math.floor((n - 1) / 2)));
        break;
      case 'crash-majority':
        count = this.rng.int(Math.floor(n / 2) + 1, Math.max(Math.floor(n / 2) + 1, n - 1));
        break;
      default:
        count = n;
    }
    return order.slice(0, count);
  }

  /**
   * How long a stranded leader stays cut off: 3-8 election timeouts, long enough for the
   * majority to elect a leader and commit writes while clients still ask the old one, and for a
   * leader without check-quorum to keep believing it leads (thesis §6.4, §9.6).
   */
  private strandMs(): number {
    return this.rng.int(3, 8) * this.options.electionTimeoutMs[1];
  }

  private draw([min, max]: [number, number]): number {
    return this.rng.int(min, max);
  }

  private tell(kind: NemesisNote['kind'], text: string): void {
    this.note?.({ at: this.target.now(), kind, text });
  }
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

function groupsText(rest: readonly NodeId[]): string {
  const half = Math.floor(rest.length / 2);
  return `${rest.slice(0, half).join(',')} | ${rest.slice(half).join(',')}`;
}
