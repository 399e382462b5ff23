import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/raft/types.js';
import { validateMessage } from '../../src/net/validate-message.js';
import { MAX_TERM } from '../../src/raft/message-check.js';

const valid: Message[] = [
  { type: 'RequestVote', from: 1, to: 2, term: 3, lastLogIndex: 4, lastLogTerm: 2 },
  { type: 'RequestVoteResponse', from: 2, to: 1, term: 3, granted: true },
  { type: 'PreVote', from: 1, to: 2, term: 4, lastLogIndex: 0, lastLogTerm: 0 },
  { type: 'PreVoteResponse', from: 2, to: 1, term: 4, granted: false },
  {
    type: 'AppendEntries',
    from: 1,
    to: 2,
    term: 3,
    prevLogIndex: 4,
    prevLogTerm: 2,
    entries: [
      { index: 5, term: 2, type: 'normal', data: 'SET x = 1' },
      { index: 6, term: 3, type: 'noop', data: '' },
    ],
    leaderCommit: 4,
  },
  { type: 'AppendEntriesResponse', from: 2, to: 1, term: 3, success: false, index: 4, conflictTerm: 1, conflictIndex: 2 },
];

/** Round-trips through JSON as the wire does, then validates. */
const check = (value: unknown) => validateMessage(JSON.parse(JSON.stringify(value)));

describe('validateMessage', () => {
  it.each(valid.map((m) => [m.type, m] as const))('accepts a well-formed %s unchanged', (_, m) => {
    expect(check(m)).toEqual({ ok: true, message: m });
  });

  it('leaves unknown extra fields behind', () => {
    const r = check({ ...valid[1], extra: 'x' });
    expect(r).toEqual({ ok: true, message: valid[1] });
  });

  it.each([
    ['a non-object', 42],
    ['an array', [1, 2]],
    ['null', null],
    ['an unknown type', { type: 'InstallSnapshot', from: 1, to: 2, term: 1 }],
    ['a missing type', { from: 1, to: 2, term: 1 }],
    ['an inherited type name', { type: 'toString', from: 1, to: 2, term: 1 }],
  ])('rejects %s', (_, value) => {
    expect(check(value).ok).toBe(false);
  });

  const vote = valid[0]!;
  const append = valid[4]! as Extract<Message, { type: 'AppendEntries' }>;
  it.each([
    ['a string term', { ...vote, term: '3' }],
    ['a negative term', { ...vote, term: -1 }],
    ['a fractional index', { ...vote, lastLogIndex: 1.5 }],
    ['a huge unsafe integer', { ...vote, lastLogIndex: 2 ** 60 }],
    ['node id 0', { ...vote, from: 0 }],
    ['a missing field', { type: 'RequestVote', from: 1, to: 2, term: 3, lastLogIndex: 4 }],
    ['granted as a number', { ...valid[1], granted: 1 }],
    ['entries not an array', { ...append, entries: {} }],
    ['an entry with an unknown type', { ...append, entries: [{ index: 5, term: 2, type: 'weird', data: '' }] }],
    ['an entry with non-string data', { ...append, entries: [{ index: 5, term: 2, type: 'normal', data: 7 }] }],
    ['an entry missing its term', { ...append, entries: [{ index: 5, type: 'normal', data: '' }] }],
    ['entries that skip an index', { ...append, entries: [{ index: 6, term: 2, type: 'normal', data: '' }] }],
    ['entries whose terms go backwards', { ...append, entries: [{ index: 5, term: 1, type: 'normal', data: '' }] }],
    ['an entry from a term above the leader', { ...append, entries: [{ index: 5, term: 9, type: 'normal', data: '' }] }],
    ['a missing conflictIndex', { type: 'AppendEntriesResponse', from: 2, to: 1, term: 3, success: true, index: 4, conflictTerm: 0 }],
  ])('rejects a message with %s', (_, value) => {
    const r = check(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail.length).toBeGreaterThan(0);
  });
});

describe('the term ceiling on the wire', () => {
  it('refuses a message whose term is above MAX_TERM, with its own reason', () => {
    for (const term of [Number.MAX_SAFE_INTEGER, MAX_TERM + 1]) {
      const r = validateMessage({ ...valid[0], term });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('term-too-high');
        expect(r.detail).toContain('campaign');
      }
    }
  });

  it('accepts a message at exactly MAX_TERM', () => {
    expect(validateMessage({ ...valid[0], term: MAX_TERM }).ok).toBe(true);
  });
});
