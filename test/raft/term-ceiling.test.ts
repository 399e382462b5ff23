import { describe, expect, it } from 'vitest';
import { createRaft } from '../../src/raft/index.js';
import { MAX_TERM } from '../../src/raft/message-check.js';
import { appendMsg, configFor, drain, timeout } from './net.js';

describe('the term ceiling (MAX_TERM)', () => {
  it('leaves room: far below 2^53 − 1, yet unreachable by elections', () => {
    expect(MAX_TERM).toBe(Number.MAX_SAFE_INTEGER - 2 ** 20);
    expect(Number.isSafeInteger(MAX_TERM + 1)).toBe(true);
  });

  it('§5.1 a message above the ceiling never moves a node to its term', () => {
    for (const term of [Number.MAX_SAFE_INTEGER, MAX_TERM + 1]) {
      const core = createRaft(configFor(1, 3));
      core.step(appendMsg(2, 1, term, 0, 0));
      core.step({ type: 'RequestVote', from: 3, to: 1, term, lastLogIndex: 0, lastLogTerm: 0 });
      expect(core.status()).toMatchObject({ term: 0, leader: null, role: 'follower' });
      expect(drain(core).messages).toEqual([]);
    }
  });

  it('§5.1 a message at the ceiling is still followed', () => {
    const core = createRaft(configFor(1, 3));
    core.step(appendMsg(2, 1, MAX_TERM, 0, 0));
    expect(core.status()).toMatchObject({ term: MAX_TERM, leader: 2, role: 'follower' });
  });

  it('§5.2 a node at the ceiling does not campaign past it, with or without pre-vote', () => {
    for (const preVote of [false, true]) {
      const core = createRaft(configFor(1, 3, { preVote, hardState: { term: MAX_TERM, votedFor: null, commit: 0 } }));
      drain(core);
      timeout(core);
      expect(core.status()).toMatchObject({ term: MAX_TERM, role: 'follower' });
      expect(drain(core).messages).toEqual([]);
    }
  });

  it('§5.2 one term below the ceiling, a node still campaigns for the ceiling itself', () => {
    const core = createRaft(configFor(1, 3, { hardState: { term: MAX_TERM - 1, votedFor: null, commit: 0 } }));
    drain(core);
    timeout(core);
    expect(core.status()).toMatchObject({ term: MAX_TERM, role: 'candidate' });
  });
});
