/**
 * The event pane's history: sentences in the order things happened. A line, once printed, never
 * changes. Floods are kept readable by grouping before printing, never after: like events that
 * arrive close together (several nodes voting alike, a burst of commits) wait a moment and are
 * printed as one line; a line said again and again is printed once, then a count line.
 */
import type { ClusterEvent } from '../cluster/types.js';
import type { Index, NodeId, Role } from '../raft/types.js';
import { commandText, describeEventFor, nodeList, type DescribeContext, type Tone } from './describe-event.js';

/** A line's look: the event tones, plus typed commands and their outcomes. */
export type LineTone = Tone | 'command' | 'ok' | 'error';

/** One line of the event pane. Never changed once made. */
export interface EventLine {
  /** Increases with every new line. */
  readonly id: number;
  /** When it happened (the store's clock). */
  readonly at: number;
  readonly text: string;
  readonly tone: LineTone;
}

/** How long like events wait to be printed together (ms on the store's clock). */
export const GROUP_WINDOW_MS = 400;

/** Like events waiting to become one line. */
interface Group {
  key: string;
  /** When the first event of the group happened: the line's time, and the deadline's start. */
  at: number;
  subjects: NodeId[];
  event: ClusterEvent;
  context: DescribeContext;
  /** For commit ranges. */
  first?: Index;
  last?: Index;
}

export class EventLog {
  private readonly max: number;
  private nextId = 1;
  private list: EventLine[] = [];
  private group: Group | undefined;
  /** The last line printed and how many times it came again since (printed as one count line). */
  private repeats = 0;
  private repeatAt = 0;
  /** Once the cluster reports commits with their command, the core's bare commit events are redundant. */
  private richCommits = false;
  private highestCommitted: Index = 0;
  /** Each node's role as the events told it: "now follower" is said only of nodes that were not. */
  private readonly roles = new Map<NodeId, Role>();

  constructor(maxLines = 2000) {
    this.max = maxLines;
  }

  /** The lines, oldest first. A new array whenever a line was added. */
  lines(): readonly EventLine[] {
    return this.list;
  }

  /**
   * Takes in one batch of cluster events at `now`. Returns whether a line was printed. Like
   * events may wait up to GROUP_WINDOW_MS: call `tick` (see `deadline`) to print them.
   */
  add(events: readonly ClusterEvent[], context: DescribeContext = {}, now = events[events.length - 1]?.at ?? 0): boolean {
    if (!this.richCommits && events.some((e) => e.type === 'committed')) this.richCommits = true;
    const before = this.list;
    for (const e of events) this.addOne(e, context);
    this.tick(now);
    return this.list !== before;
  }

  /** When the waiting group must be printed (undefined: nothing waits). */
  deadline(): number | undefined {
    if (this.group) return this.group.at + GROUP_WINDOW_MS;
    if (this.repeats > 0) return this.repeatAt + GROUP_WINDOW_MS;
    return undefined;
  }

  /** Prints what has waited long enough. Returns whether a line was printed. */
  tick(now: number): boolean {
    const before = this.list;
    if (this.group && now - this.group.at >= GROUP_WINDOW_MS) this.printGroup();
    if (this.repeats > 0 && now - this.repeatAt >= GROUP_WINDOW_MS) this.printRepeats();
    return this.list !== before;
  }

  /** Adds a line of the dashboard's own (a typed command, its outcome, a script line). */
  note(text: string, tone: LineTone, at: number): void {
    this.printGroup();
    this.push({ text, tone, at });
  }

  /** The whole history as plain text, one line each with its time (`save-log`). */
  text(clock: (at: number) => string): string {
    return this.list.map((l) => `${clock(l.at)} ${l.text}\n`).join('');
  }

  private addOne(e: ClusterEvent, context: DescribeContext): void {
    if (e.type === 'raft' && e.event.kind === 'commit' && this.richCommits) return;
    if (e.type === 'committed') {
      // Several nodes may report one commit: say it once.
      if (e.index <= this.highestCommitted) return;
      this.highestCommitted = e.index;
      const g = this.group;
      if (g?.key === 'commit' && g.last !== undefined && e.index === g.last + 1) {
        g.last = e.index;
        g.event = e;
        return;
      }
      this.startGroup({ key: 'commit', at: e.at, subjects: [e.node], event: e, context, first: e.index, last: e.index });
      return;
    }
    const previous = e.node !== undefined ? this.roles.get(e.node) : undefined;
    const roleBefore = previous ?? (e.node !== undefined ? context.roleBefore?.(e.node) : undefined);
    if (e.type === 'raft' && e.event.kind === 'role') this.roles.set(e.node, e.event.role);
    if (e.type === 'crash') this.roles.delete(e.node);
    const ctx: DescribeContext = { ...context, roleBefore: () => roleBefore };
    const key = groupKey(e, roleBefore);
    if (key !== undefined && e.node !== undefined) {
      const g = this.group;
      if (g?.key === key && !g.subjects.includes(e.node)) {
        g.subjects.push(e.node);
        return;
      }
      if (g?.key === key) return; // the same node saying it again
      this.startGroup({ key, at: e.at, subjects: [e.node], event: e, context: ctx });
      return;
    }
    const d = describeEventFor(e, e.node !== undefined ? [e.node] : [], ctx);
    if (!d) return;
    this.printGroup();
    this.push({ text: d.text, tone: d.tone, at: e.at });
  }

  private startGroup(g: Group): void {
    this.printGroup();
    this.group = g;
  }

  /** Prints the waiting group as one line. */
  private printGroup(): void {
    const g = this.group;
    if (!g) return;
    this.group = undefined;
    if (g.key === 'commit' && g.event.type === 'committed' && g.first !== undefined && g.last !== undefined && g.last > g.first) {
      const e = g.event;
      const majority = e.quorum.length > 0 ? ` (majority ${nodeList(e.quorum)})` : '';
      const count = g.last - g.first + 1;
      const text = `${count} entries committed at indexes ${g.first}-${g.last}, the last: ${commandText(e.command)}${majority}`;
      this.push({ text, tone: 'good', at: g.at });
      return;
    }
    const d = describeEventFor(
      g.event,
      [...g.subjects].sort((a, b) => a - b),
      g.context,
    );
    if (d) this.push({ text: d.text, tone: d.tone, at: g.at });
  }

  private printRepeats(): void {
    if (this.repeats === 0) return;
    const n = this.repeats;
    this.repeats = 0;
    this.append({ text: `  ↑ the line above, ${n} more ${n === 1 ? 'time' : 'times'}`, tone: 'quiet', at: this.repeatAt });
  }

  private push(l: { text: string; tone: LineTone; at: number }): void {
    const last = this.list[this.list.length - 1];
    if (last && last.text === l.text && last.tone === l.tone) {
      this.repeats++;
      this.repeatAt = l.at;
      return;
    }
    this.printRepeats();
    this.append(l);
  }

  private append(l: { text: string; tone: LineTone; at: number }): void {
    const line: EventLine = { id: this.nextId++, at: l.at, text: l.text, tone: l.tone };
    const next = [...this.list, line];
    this.list = next.length > this.max ? next.slice(next.length - this.max) : next;
  }
}

/** Events that different nodes do alike share a key; others have none. */
function groupKey(e: ClusterEvent, roleBefore: Role | undefined): string | undefined {
  if (e.type === 'bad-input') return `bad:${e.reason}`;
  if (e.type !== 'raft') return undefined;
  const ev = e.event;
  if (ev.kind === 'vote' && ev.granted) return `vote:${ev.preVote}:${ev.candidate}:${ev.term}`;
  if (ev.kind === 'vote') {
    // Refusals group only when their evidence reads the same.
    const evidence =
      ev.reason === 'log-behind'
        ? JSON.stringify([ev.candidateLast, ev.ourLast])
        : ev.reason === 'already-voted'
          ? String(ev.votedFor)
          : '';
    return `refuse:${ev.preVote}:${ev.candidate}:${ev.term}:${ev.reason}:${evidence}`;
  }
  if (ev.kind === 'role' && ev.reason === 'leader-found') return `found:${ev.term}:${ev.from ?? ''}`;
  if (ev.kind === 'role' && ev.reason === 'higher-term') return `higher:${ev.term}:${ev.from ?? ''}:${roleBefore === 'follower'}`;
  return undefined;
}
