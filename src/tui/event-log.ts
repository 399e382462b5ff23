/**
 * The event pane's memory: the last few hundred sentences, with floods collapsed. An election
 * becomes a handful of lines ("n1 n2 n4 voted for n3 in term 4"), a burst of commits one range
 * line, a repeated line a count — so what matters stays on screen.
 */
import type { ClusterEvent } from '../cluster/types.js';
import type { Index, NodeId } from '../raft/types.js';
import { commandText, describeEventFor, nodeList, type DescribeContext, type Tone } from './describe-event.js';

/** A line's look: the event tones, plus typed commands and their outcomes. */
export type LineTone = Tone | 'command' | 'ok' | 'error';

/** One line of the event pane. */
export interface EventLine {
  /** Increases with every new line; lets the view key lines. */
  id: number;
  /** When the first event of this line happened (the event's own clock). */
  at: number;
  text: string;
  tone: LineTone;
  /** How many times this exact line happened in a row (shown as "×3"). */
  repeat: number;
}

/** Events that several nodes do alike within this window (ms) share one line. */
const MERGE_WINDOW_MS = 1500;
/** How far back a line may be to still take in a like event. */
const MERGE_LOOKBACK = 6;

interface Mergeable {
  key: string;
  at: number;
  subjects: NodeId[];
  event: ClusterEvent;
  /** For commit ranges. */
  first?: Index;
  last?: Index;
  count?: number;
}

export class EventLog {
  private readonly max: number;
  private nextId = 1;
  private list: EventLine[] = [];
  /** Merge state per line id, for the last few lines only. */
  private readonly merging = new Map<number, Mergeable>();
  /** Once the cluster reports commits with their command, the core's bare commit events are redundant. */
  private richCommits = false;
  private highestCommitted: Index = 0;

  constructor(maxLines = 200) {
    this.max = maxLines;
  }

  /** The lines, oldest first. A new array whenever something changed. */
  lines(): readonly EventLine[] {
    return this.list;
  }

  /** Takes in one batch of cluster events. Returns whether any line changed. */
  add(events: readonly ClusterEvent[], context: DescribeContext = {}): boolean {
    if (!this.richCommits && events.some((e) => e.type === 'committed')) this.richCommits = true;
    const before = this.list;
    for (const e of events) this.addOne(e, context);
    return this.list !== before;
  }

  /**
   * Adds a line of the dashboard's own (a typed command, its outcome, a script line). Returns
   * its id, or undefined when it only counted as a repeat of the line before.
   */
  note(text: string, tone: LineTone, at: number): number | undefined {
    return this.push({ text, tone, at });
  }

  /**
   * Rewrites line `id` if nothing has been said since it: a command's answer joins the command
   * when no event already told what happened. Returns whether it did.
   */
  amendLast(id: number, text: string): boolean {
    const last = this.list[this.list.length - 1];
    if (!last || last.id !== id) return false;
    this.replace(id, { ...last, text });
    return true;
  }

  private addOne(e: ClusterEvent, context: DescribeContext): void {
    if (e.type === 'raft' && e.event.kind === 'commit' && this.richCommits) return;
    if (e.type === 'committed') {
      // Several nodes may report one commit: say it once.
      if (e.index <= this.highestCommitted) return;
      this.highestCommitted = e.index;
      if (this.mergeCommit(e)) return;
      const d = describeEventFor(e, [e.node], context);
      const id = d ? this.push({ text: d.text, tone: d.tone, at: e.at }) : undefined;
      if (id !== undefined) {
        this.merging.set(id, { key: 'commit', at: e.at, subjects: [e.node], event: e, first: e.index, last: e.index, count: 1 });
      }
      return;
    }
    const key = mergeKey(e);
    if (key !== undefined && e.node !== undefined && this.mergeLike(key, e, context)) return;
    const d = describeEventFor(e, e.node !== undefined ? [e.node] : [], context);
    if (!d) return;
    const id = this.push({ text: d.text, tone: d.tone, at: e.at });
    if (id !== undefined && key !== undefined) {
      this.merging.set(id, { key, at: e.at, subjects: e.node !== undefined ? [e.node] : [], event: e });
    }
  }

  /** Folds a like event into a recent line with the same key; false when there is none. */
  private mergeLike(key: string, e: ClusterEvent, context: DescribeContext): boolean {
    const found = this.findMergeable(key, e.at);
    if (!found) return false;
    const { line, m } = found;
    const node = e.node as NodeId;
    if (m.subjects.includes(node)) return true; // the same node saying it again
    m.subjects.push(node);
    m.subjects.sort((a, b) => a - b);
    const d = describeEventFor(m.event, m.subjects, context);
    if (d) this.replace(line.id, { ...line, text: d.text });
    return true;
  }

  /** Folds a commit into the last line when it continues a commit range. */
  private mergeCommit(e: Extract<ClusterEvent, { type: 'committed' }>): boolean {
    const last = this.list[this.list.length - 1];
    if (!last) return false;
    const m = this.merging.get(last.id);
    if (m?.key !== 'commit' || e.at - m.at > MERGE_WINDOW_MS || m.last === undefined) return false;
    if (e.index !== m.last + 1) return false;
    m.last = e.index;
    m.count = (m.count ?? 1) + 1;
    const majority = e.quorum.length > 0 ? ` (majority ${nodeList(e.quorum)})` : '';
    const text = `${m.count} entries committed at indexes ${m.first}-${m.last}, the last: ${commandText(e.command)}${majority}`;
    this.replace(last.id, { ...last, text });
    return true;
  }

  private findMergeable(key: string, at: number): { line: EventLine; m: Mergeable } | undefined {
    for (let i = this.list.length - 1; i >= 0 && i >= this.list.length - MERGE_LOOKBACK; i--) {
      const line = this.list[i];
      if (!line) continue;
      const m = this.merging.get(line.id);
      if (m && m.key === key && at - m.at <= MERGE_WINDOW_MS) return { line, m };
    }
    return undefined;
  }

  private push(l: { text: string; tone: LineTone; at: number }): number | undefined {
    const last = this.list[this.list.length - 1];
    if (last && last.text === l.text && last.tone === l.tone) {
      this.replace(last.id, { ...last, repeat: last.repeat + 1 });
      return undefined;
    }
    const id = this.nextId++;
    const next = [...this.list, { id, at: l.at, text: l.text, tone: l.tone, repeat: 1 }];
    const cut = next.length > this.max ? next.slice(next.length - this.max) : next;
    this.list = cut;
    // Forget merge state of lines that can no longer take in events.
    const oldest = cut[Math.max(0, cut.length - MERGE_LOOKBACK)]?.id ?? id;
    for (const k of this.merging.keys()) if (k < oldest) this.merging.delete(k);
    return id;
  }

  private replace(id: number, line: EventLine): void {
    this.list = this.list.map((l) => (l.id === id ? line : l));
  }
}

/** Events that different nodes do alike share a key; others have none. */
function mergeKey(e: ClusterEvent): string | undefined {
  if (e.type === 'bad-input') return `bad:${e.reason}`;
  if (e.type !== 'raft') return undefined;
  const ev = e.event;
  if (ev.kind === 'vote' && ev.granted) return `vote:${ev.preVote}:${ev.candidate}:${ev.term}`;
  if (ev.kind === 'vote') {
    // Refusals merge only when their evidence reads the same.
    const evidence =
      ev.reason === 'log-behind'
        ? JSON.stringify([ev.candidateLast, ev.ourLast])
        : ev.reason === 'already-voted'
          ? String(ev.votedFor)
          : '';
    return `refuse:${ev.preVote}:${ev.candidate}:${ev.term}:${ev.reason}:${evidence}`;
  }
  if (ev.kind === 'role' && ev.reason === 'leader-found') return `found:${ev.term}:${ev.from ?? ''}`;
  if (ev.kind === 'role' && ev.reason === 'higher-term') return `higher:${ev.term}:${ev.from ?? ''}`;
  return undefined;
}
