import type { KvOp } from '../kv/types.js';
import type { Expectation } from './expect.js';
import type { NodeId } from '../raft/types.js';

/**
 * A node as a command names it: an id, or `leader` / `followers`, which are resolved when the
 * command runs (the leader may have changed since the line was typed).
 */
export type NodeRef = NodeId | 'leader' | 'followers';

/** One parsed console command: what a typed line or a script line asks for. */
export type ConsoleCommand =
  | {
      kind: 'kv';
      op: KvOp;
      /** Canonical, e.g. `SET x = 1`. */
      text: string;
      /** `SET x = 1 &`: submitted without waiting; the answer comes as the outcome's `later`. */
      background?: true;
    }
  | { kind: 'transfer'; id: NodeId }
  /** midWrite: in the middle of its next log write, tearing it (simulated disks only). */
  | { kind: 'crash'; target: NodeRef; midWrite?: true }
  | { kind: 'restart'; target: NodeRef | 'all' }
  | { kind: 'isolate'; id: NodeRef }
  | { kind: 'rejoin'; id: NodeRef }
  | { kind: 'timeout'; id: NodeRef }
  | { kind: 'partition'; groups: NodeRef[][] }
  | { kind: 'add' }
  | { kind: 'remove'; id: NodeRef }
  | { kind: 'heal' }
  /** §7: take a snapshot now, of one node or (no id) of every node that is up. */
  | { kind: 'compact'; id?: NodeRef }
  | { kind: 'drop'; percent: number }
  | { kind: 'dup'; percent: number }
  | { kind: 'delay' /** null: no delay. */; rangeMs: [number, number] | null }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'step' /** A MessageView id; absent: the next one due. */; message?: number }
  | { kind: 'drop-msg'; id: number }
  | { kind: 'latency' /** [0, 0]: off. */; rangeMs: [number, number] }
  | { kind: 'speed'; factor: number }
  | { kind: 'load' /** 0: off. */; perSecond: number }
  | { kind: 'help'; topic?: string }
  | { kind: 'view'; view: DashboardView }
  | { kind: 'save-log'; file: string }
  | { kind: 'filter' /** null: show every line. */; text: string | null }
  | { kind: 'quit' }
  | { kind: 'wait'; for: 'ms'; ms: number }
  | { kind: 'wait'; for: 'leader' | 'commit' }
  /** `wait until <condition>`: until an `expect` condition holds. */
  | { kind: 'wait'; for: 'condition'; condition: Expectation }
  | { kind: 'say' /** The caption, as written. */; text: string }
  | { kind: 'rewind'; ms: number }
  | { kind: 'expect'; condition: Expectation };

export type ConsoleCommandKind = ConsoleCommand['kind'];

/** What parsing one line gave: a command, a blank or comment line (null), or what is wrong. */
export type ParseResult = { ok: true; command: ConsoleCommand | null } | { ok: false; message: string };

/** What the parser needs to know about the cluster. */
export interface ConsoleContext {
  ids: readonly NodeId[];
}

/** What running one command gave, worded for a one-line result area. */
export interface CommandOutcome {
  ok: boolean;
  message: string;
  /** The command asked to leave. */
  quit?: boolean;
  /** The command asked for help: the text to show. */
  help?: string;
  /** `say`: the caption to show until the next one (empty: clear it). */
  caption?: string;
  /** Dashboard only: show this view in place of the node panels. */
  view?: DashboardView;
  /** Dashboard only: write the event history to this file. */
  saveLog?: string;
  /** Dashboard only: show only event lines containing this text (null: every line). */
  filter?: string | null;
  /** A command sent in the background (`SET x = 1 &`): its answer, when it comes. Never rejects. */
  later?: Promise<CommandOutcome>;
}

/** What the dashboard shows above the events: a panel per node, or every log in one grid. */
export type DashboardView = 'nodes' | 'log';
