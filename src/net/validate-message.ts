import { MAX_TERM } from '../raft/message-check.js';
import type { Entry, Message, MessageType } from '../raft/types.js';
import type { BadInputReason } from './types.js';

/** The outcome of checking one decoded line: a clean message, or why it is not one. */
export type Validation =
  | { ok: true; message: Message }
  | { ok: false; reason: Extract<BadInputReason, 'invalid-message' | 'term-too-high'>; detail: string };

type Obj = Record<string, unknown>;

/** Thrown inside the validator only, to unwind to one place with the first problem found. */
class Invalid extends Error {}

/** A term above the ceiling: refused with its own reason, since it says more than a bad shape. */
class TermTooHigh extends Error {}

/** Message terms must stay at or below MAX_TERM (see src/raft/message-check.ts for why). */
function term(o: Obj): number {
  const v = uint(o, 'term');
  if (v > MAX_TERM) {
    throw new TermTooHigh(
      `term ${v} is above the highest term a cluster may reach (${MAX_TERM}): refused, so that no node is pushed where it could never campaign again`,
    );
  }
  return v;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Counts, ids, terms and indexes: finite, whole, never negative. */
function uint(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new Invalid(`${key} must be a non-negative integer`);
  }
  return v;
}

/** Node ids start at 1. */
function nodeId(o: Obj, key: string): number {
  const v = uint(o, key);
  if (v < 1) throw new Invalid(`${key} must be a node id (1 or more)`);
  return v;
}

function bool(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new Invalid(`${key} must be a boolean`);
  return v;
}

function entry(value: unknown, at: number): Entry {
  if (!isObject(value)) throw new Invalid(`entries[${at}] must be an object`);
  const type = value.type;
  if (type !== 'normal' && type !== 'noop' && type !== 'config') throw new Invalid(`entries[${at}].type must be normal, noop or config`);
  const data = value.data;
  if (typeof data !== 'string') throw new Invalid(`entries[${at}].data must be a string`);
  return { index: uint(value, 'index'), term: uint(value, 'term'), type, data };
}

/**
 * AppendEntries entries, checked for the shape every correct leader sends: consecutive indexes
 * right after prevLogIndex, terms that never decrease (§5.3 Log Matching: a log's terms only
 * grow) and never exceed the leader's term (a leader only holds entries of its term or older).
 */
function entries(o: Obj, prevLogIndex: number, prevLogTerm: number, term: number): Entry[] {
  const list = o.entries;
  if (!Array.isArray(list)) throw new Invalid('entries must be an array');
  const out: Entry[] = [];
  let lastTerm = prevLogTerm;
  list.forEach((raw, i) => {
    const e = entry(raw, i);
    if (e.index !== prevLogIndex + 1 + i) throw new Invalid(`entries[${i}].index must be ${prevLogIndex + 1 + i}`);
    if (e.term < lastTerm) throw new Invalid(`entries[${i}].term goes backwards`);
    if (e.term > term) throw new Invalid(`entries[${i}].term is above the message term`);
    lastTerm = e.term;
    out.push(e);
  });
  return out;
}

function nodeIds(o: Obj, key: string): number[] {
  const list = o[key];
  if (!Array.isArray(list)) throw new Invalid(`${key} must be an array of node ids`);
  return list.map((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Invalid(`${key}[${i}] must be a node id (1 or more)`);
    return v;
  });
}

function text(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Invalid(`${key} must be a string`);
  return v;
}

/** An optional count: absent, or a non-negative integer. */
function optionalUint(o: Obj, key: string): { [k: string]: number } {
  return o[key] === undefined ? {} : { [key]: uint(o, key) };
}

const builders: Record<MessageType, (o: Obj, base: { from: number; to: number; term: number }) => Message> = {
  RequestVote: (o, b) => ({
    type: 'RequestVote',
    ...b,
    lastLogIndex: uint(o, 'lastLogIndex'),
    lastLogTerm: uint(o, 'lastLogTerm'),
    ...(o.transfer === undefined ? {} : { transfer: bool(o, 'transfer') }),
  }),
  PreVote: (o, b) => ({ type: 'PreVote', ...b, lastLogIndex: uint(o, 'lastLogIndex'), lastLogTerm: uint(o, 'lastLogTerm') }),
  RequestVoteResponse: (o, b) => ({ type: 'RequestVoteResponse', ...b, granted: bool(o, 'granted') }),
  PreVoteResponse: (o, b) => ({ type: 'PreVoteResponse', ...b, granted: bool(o, 'granted') }),
  AppendEntries: (o, b) => {
    const prevLogIndex = uint(o, 'prevLogIndex');
    const prevLogTerm = uint(o, 'prevLogTerm');
    return {
      type: 'AppendEntries',
      ...b,
      prevLogIndex,
      prevLogTerm,
      entries: entries(o, prevLogIndex, prevLogTerm, b.term),
      leaderCommit: uint(o, 'leaderCommit'),
      ...optionalUint(o, 'readRound'),
    };
  },
  AppendEntriesResponse: (o, b) => ({
    type: 'AppendEntriesResponse',
    ...b,
    success: bool(o, 'success'),
    index: uint(o, 'index'),
    conflictTerm: uint(o, 'conflictTerm'),
    conflictIndex: uint(o, 'conflictIndex'),
    ...optionalUint(o, 'readRound'),
  }),
  InstallSnapshot: (o, b) => ({
    type: 'InstallSnapshot',
    ...b,
    lastIncludedIndex: uint(o, 'lastIncludedIndex'),
    lastIncludedTerm: uint(o, 'lastIncludedTerm'),
    voters: nodeIds(o, 'voters'),
    learners: nodeIds(o, 'learners'),
    offset: uint(o, 'offset'),
    size: uint(o, 'size'),
    data: text(o, 'data'),
    done: bool(o, 'done'),
  }),
  InstallSnapshotResponse: (o, b) => ({
    type: 'InstallSnapshotResponse',
    ...b,
    lastIncludedIndex: uint(o, 'lastIncludedIndex'),
    lastIncludedTerm: uint(o, 'lastIncludedTerm'),
    offset: uint(o, 'offset'),
  }),
  TimeoutNow: (_o, b) => ({ type: 'TimeoutNow', ...b }),
  ReadIndex: (o, b) => ({ type: 'ReadIndex', ...b, readId: uint(o, 'readId') }),
  ReadIndexResponse: (o, b) => ({ type: 'ReadIndexResponse', ...b, readId: uint(o, 'readId'), ok: bool(o, 'ok'), index: uint(o, 'index') }),
};

/**
 * Checks that a decoded JSON value is exactly one of the Raft messages of src/raft/types.ts and
 * returns a fresh copy holding only the known fields (unknown extra fields are left behind, so
 * nothing unexpected reaches the core). It checks shape only; who sent it is the caller's check.
 */
export function validateMessage(value: unknown): Validation {
  try {
    if (!isObject(value)) throw new Invalid('not a JSON object');
    const type = value.type;
    if (typeof type !== 'string' || !Object.hasOwn(builders, type)) {
      throw new Invalid(`unknown message type ${String(JSON.stringify(type)).slice(0, 40)}`);
    }
    const build = builders[type as MessageType];
    const base = { from: nodeId(value, 'from'), to: nodeId(value, 'to'), term: term(value) };
    return { ok: true, message: build(value, base) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: 'invalid-message', detail: error.message };
    if (error instanceof TermTooHigh) return { ok: false, reason: 'term-too-high', detail: error.message };
    throw error;
  }
}
