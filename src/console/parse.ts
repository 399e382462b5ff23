import { parseKvCommand } from '../kv/parse.js';
import type { NodeId } from '../raft/types.js';
import { COMMANDS } from './help.js';
import { parseExpectation } from './expect.js';
import { decimal, delayArg, durationArg, nodeArg, percentArg, type Arg } from './parse-args.js';
import { closestWord } from './suggest.js';
import type { ConsoleCommand, ConsoleContext, NodeRef, ParseResult } from './types.js';

/** Longest delay and wait a line may ask for. */
const MAX_DELAY_MS = 60_000;
const MAX_WAIT_MS = 3_600_000;
const MAX_LOAD = 10_000;

/** Other words people type for a command. */
const ALIASES: Record<string, string> = { exit: 'quit', '?': 'help', duplicate: 'dup', dropmsg: 'drop-msg', 'drop-message': 'drop-msg' };

const fail = (message: string): ParseResult => ({ ok: false, message });
const done = (command: ConsoleCommand): ParseResult => ({ ok: true, command });
const from = <T>(arg: Arg<T>, make: (value: T) => ConsoleCommand): ParseResult => (arg.ok ? done(make(arg.value)) : fail(arg.message));

/** The error for a command word nobody knows, with the likeliest fix. */
function unknownCommand(word: string): string {
  const guess = closestWord(word, [...COMMANDS.map((c) => c.name.toLowerCase()), ...Object.keys(ALIASES).filter((a) => a !== '?')]);
  const shown = word.length > 24 ? `${word.slice(0, 24)}…` : word;
  if (guess) return `unknown command "${shown}": did you mean "${ALIASES[guess] ?? guess}"? (type help)`;
  return `unknown command "${shown}" (type help for the list)`;
}

/** Exactly one argument, or the message naming the command's usage. */
function one(args: string[], usage: string, what: string): Arg<string> {
  const [first] = args;
  if (first === undefined) return { ok: false, message: `${usage.split(' ')[0]} needs ${what}: ${usage}` };
  if (args.length > 1) return { ok: false, message: `${usage.split(' ')[0]} takes one argument: ${usage}` };
  return { ok: true, value: first };
}

function noArgs(name: string, args: string[], command: ConsoleCommand): ParseResult {
  return args.length === 0 ? done(command) : fail(`${name} takes no arguments: ${name}`);
}

/** A node id, or `leader` / `followers` (resolved when the command runs). */
function nodeRefArg(word: string, ids: readonly NodeId[], usage: string): Arg<NodeRef> {
  const lower = word.toLowerCase();
  if (lower === 'leader' || lower === 'followers') return { ok: true, value: lower };
  return nodeArg(word, ids, usage);
}

/** A message id from the in-flight list: `12` (a # would start a comment). */
function messageIdArg(word: string, usage: string): Arg<number> {
  const m = /^(\d{1,9})$/.exec(word);
  if (!m) return { ok: false, message: `"${word}" is not a message number: ${usage}` };
  return { ok: true, value: Number(m[1]) };
}

/** `partition 1,2 | 3,4,5` (or `leader | followers`): every id valid, none twice, no empty group. */
function parsePartition(rest: string, ids: readonly NodeId[]): ParseResult {
  const usage = 'partition 1,2 | 3,4,5 (or partition leader | followers)';
  if (rest.trim() === '') return fail(`partition needs groups of nodes split by |: ${usage}`);
  const groups: NodeRef[][] = [];
  const seen = new Set<NodeRef>();
  for (const part of rest.split('|')) {
    const words = part.split(/[\s,]+/).filter((w) => w !== '');
    if (words.length === 0) return fail(`partition has an empty group: ${usage}`);
    const group: NodeRef[] = [];
    for (const w of words) {
      const id = nodeRefArg(w, ids, usage);
      if (!id.ok) return fail(id.message);
      if (seen.has(id.value)) {
        const shown = typeof id.value === 'number' ? `n${id.value}` : id.value;
        return fail(`${shown} is in two groups: a node can be in one group only`);
      }
      seen.add(id.value);
      group.push(id.value);
    }
    groups.push(group);
  }
  return done({ kind: 'partition', groups });
}

/** The target of restart: a node, `leader`, `followers` or `all`. */
function nodeOrAll(args: string[], ids: readonly NodeId[], usage: string): Arg<NodeRef | 'all'> {
  const arg = one(args, usage, 'a node id, "leader", "followers" or "all"');
  if (!arg.ok) return arg;
  if (arg.value.toLowerCase() === 'all') return { ok: true, value: 'all' };
  return nodeRefArg(arg.value, ids, usage);
}

/** One node: an id, `leader` or `followers`. */
function nodeOnly(args: string[], ids: readonly NodeId[], usage: string): Arg<NodeRef> {
  const arg = one(args, usage, 'a node id, "leader" or "followers"');
  return arg.ok ? nodeRefArg(arg.value, ids, usage) : arg;
}

/**
 * Parses one console line (typed at the prompt or read from a script). Blank lines and `#`
 * comments give a null command. Command words are case-insensitive. Errors name the problem
 * and the fix; nothing is run here, so a bad line changes nothing.
 */
export function parseConsoleLine(line: string, ctx: ConsoleContext): ParseResult {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { ok: true, command: null };
  // `/text` filters the event pane (as in less and vim); a lone `/` shows every line again.
  if (trimmed.startsWith('/')) return done({ kind: 'filter', text: trimmed.slice(1).trim() || null });
  const space = trimmed.search(/\s/);
  const first = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  if (first === 'set' || first === 'get' || first === 'del' || first === 'cas') {
    // Key-value commands keep the whole line: a value may contain anything, # included. A
    // trailing ` &` (as in a shell) sends it in the background; quote a value that ends in &.
    const background = /\s&$/.test(trimmed);
    const kv = parseKvCommand(background ? trimmed.slice(0, -1).trimEnd() : trimmed);
    if (!kv.ok) return fail(kv.message);
    return done({ kind: 'kv', op: kv.op, text: kv.text, ...(background ? { background: true as const } : {}) });
  }
  // A caption is said as written, # and all.
  if (first === 'say') return done({ kind: 'say', text: space < 0 ? '' : trimmed.slice(space).trim() });
  // Elsewhere a # starts a comment, so script lines can explain themselves.
  const hash = trimmed.indexOf('#');
  const body = (hash < 0 ? trimmed : trimmed.slice(0, hash)).trim();
  const rest = space < 0 ? '' : body.slice(space).trim();
  const args = rest === '' ? [] : rest.split(/\s+/);
  const word = ALIASES[first] ?? first;
  const ids = ctx.ids;
  switch (word) {
    case 'crash': {
      const usage = 'crash 2 (or crash leader, crash followers)';
      if (args.length === 2 && args[1]!.toLowerCase() === 'mid-write')
        return from(nodeOnly(args.slice(0, 1), ids, usage), (target) => ({ kind: 'crash', target, midWrite: true }));
      return from(nodeOnly(args, ids, usage), (target) => ({ kind: 'crash', target }));
    }
    case 'restart':
      return from(nodeOrAll(args, ids, 'restart 2 (or restart all)'), (target) => ({ kind: 'restart', target }));
    case 'timeout':
      return from(nodeOnly(args, ids, 'timeout 2 (or timeout followers)'), (id) => ({ kind: 'timeout', id }));
    case 'isolate':
      return from(nodeOnly(args, ids, 'isolate 3'), (id) => ({ kind: 'isolate', id }));
    case 'rejoin':
      return from(nodeOnly(args, ids, 'rejoin 3'), (id) => ({ kind: 'rejoin', id }));
    case 'add':
      return noArgs('add', args, { kind: 'add' });
    case 'remove':
      return from(nodeOnly(args, ids, 'remove 3'), (id) => ({ kind: 'remove', id }));
    case 'transfer': {
      // A transfer names one node to hand leadership to: `leader` and `followers` make no sense here.
      const arg = nodeOnly(args, ids, 'transfer 3');
      if (arg.ok && typeof arg.value !== 'number') return fail('transfer takes one node id, e.g. transfer 3');
      return from(arg, (id) => ({ kind: 'transfer', id: id as NodeId }));
    }
    case 'partition':
      return parsePartition(rest, ids);
    case 'heal':
      return noArgs('heal', args, { kind: 'heal' });
    case 'compact':
      if (args.length === 0) return done({ kind: 'compact' });
      return from(nodeOnly(args, ids, 'compact 2 (or compact for every node)'), (id) => ({ kind: 'compact', id }));
    case 'drop':
    case 'dup': {
      const usage = `${word} 20 (a percentage; ${word} 0 turns it off)`;
      const arg = one(args, usage, 'a percentage');
      return arg.ok ? from(percentArg(arg.value, usage), (percent) => ({ kind: word, percent })) : fail(arg.message);
    }
    case 'delay': {
      const usage = 'delay 20-200ms (or delay off)';
      if (rest === '') return fail(`delay needs a range: ${usage}`);
      return from(delayArg(rest, usage, MAX_DELAY_MS), (rangeMs) => ({ kind: 'delay', rangeMs }));
    }
    case 'pause':
    case 'resume':
      return noArgs(word, args, { kind: word });
    case 'step': {
      const usage = 'step (the next message due) or step 12 (message #12)';
      if (args.length === 0) return done({ kind: 'step' });
      const arg = one(args, usage, 'a message number');
      if (!arg.ok) return fail(arg.message);
      return from(messageIdArg(arg.value, usage), (message) => ({ kind: 'step', message }));
    }
    case 'drop-msg': {
      const usage = 'drop-msg 12 (message #12 of the in-flight list)';
      const arg = one(args, usage, 'a message number');
      if (!arg.ok) return fail(arg.message);
      return from(messageIdArg(arg.value, usage), (id) => ({ kind: 'drop-msg', id }));
    }
    case 'latency': {
      const usage = 'latency 10-20ms (or latency off)';
      if (rest === '') return fail(`latency needs a range: ${usage}`);
      return from(delayArg(rest, usage, MAX_DELAY_MS), (range) => ({ kind: 'latency', rangeMs: range ?? [0, 0] }));
    }
    case 'speed': {
      const usage = 'speed 0.5 (a factor from 0.01 to 100)';
      const arg = one(args, usage, 'a factor');
      if (!arg.ok) return fail(arg.message);
      const factor = decimal(arg.value.replace(/x$/i, ''));
      if (factor === undefined || factor < 0.01 || factor > 100) return fail(`"${arg.value}" is not a speed from 0.01 to 100: ${usage}`);
      return done({ kind: 'speed', factor });
    }
    case 'load': {
      const usage = 'load 20 (SETs per second; load off stops it)';
      const arg = one(args, usage, 'a rate');
      if (!arg.ok) return fail(arg.message);
      if (arg.value.toLowerCase() === 'off') return done({ kind: 'load', perSecond: 0 });
      const perSecond = decimal(arg.value.replace(/\/s$/i, ''));
      if (perSecond === undefined || perSecond > MAX_LOAD)
        return fail(`"${arg.value}" is not a rate from 0 to ${MAX_LOAD} per second: ${usage}`);
      return done({ kind: 'load', perSecond });
    }
    case 'help': {
      if (args.length === 0) return done({ kind: 'help' });
      const topic = args[0]!.toLowerCase();
      const known = COMMANDS.find((c) => c.name.toLowerCase() === (ALIASES[topic] ?? topic));
      if (args.length > 1 || !known) {
        const guess = closestWord(
          topic,
          COMMANDS.map((c) => c.name.toLowerCase()),
        );
        return fail(`no help for "${args.join(' ')}"${guess ? `: did you mean "help ${guess}"?` : ' (type help for the list)'}`);
      }
      return done({ kind: 'help', topic: known.name });
    }
    case 'quit':
      return noArgs('quit', args, { kind: 'quit' });
    case 'view': {
      const usage = 'view log (every log in one grid) or view nodes (a panel per node)';
      const arg = one(args, usage, '"log" or "nodes"');
      if (!arg.ok) return fail(arg.message);
      const v = arg.value.toLowerCase();
      if (v === 'log' || v === 'logs') return done({ kind: 'view', view: 'log' });
      if (v === 'nodes' || v === 'panels' || v === 'node') return done({ kind: 'view', view: 'nodes' });
      return fail(`"${arg.value}" is not a view: ${usage}`);
    }
    case 'save-log': {
      // The file name is the rest of the line: it may hold spaces.
      if (rest === '') return fail('save-log needs a file name: save-log events.txt');
      return done({ kind: 'save-log', file: rest });
    }
    case 'filter': {
      if (rest === '') return fail('filter needs a text: filter vote (or /vote; filter off shows every line)');
      return done({ kind: 'filter', text: rest.toLowerCase() === 'off' ? null : rest });
    }
    case 'wait': {
      const usage = 'wait 500ms, wait leader or wait commit';
      if (args[0]?.toLowerCase() === 'until') {
        const condition = parseExpectation(rest.slice(5), ids);
        return condition.ok
          ? done({ kind: 'wait', for: 'condition', condition: condition.value })
          : fail(`wait until: ${condition.message}`);
      }
      const arg = one(args, usage, 'a time, "leader" or "commit"');
      if (!arg.ok) return fail(arg.message);
      const what = arg.value.toLowerCase();
      if (what === 'leader' || what === 'commit') return done({ kind: 'wait', for: what });
      return from(durationArg(arg.value, usage, MAX_WAIT_MS), (ms) => ({ kind: 'wait', for: 'ms', ms }));
    }
    case 'rewind': {
      const usage = 'rewind 5 (seconds of cluster time; --sim only)';
      const arg = one(args, usage, 'a number of seconds');
      if (!arg.ok) return fail(arg.message);
      const seconds = decimal(arg.value.replace(/s$/i, ''));
      if (seconds === undefined || seconds <= 0 || seconds > 3600)
        return fail(`"${arg.value}" is not a number of seconds from 0 to 3600: ${usage}`);
      return done({ kind: 'rewind', ms: Math.round(seconds * 1000) });
    }
    case 'expect':
      return from(parseExpectation(rest, ids), (condition) => ({ kind: 'expect', condition }));
    default:
      return fail(unknownCommand(first));
  }
}
