import { describe, expect, it } from 'vitest';
import { checkExpectation, parseExpectation } from '../../src/console/expect.js';
import { parseConsoleLine } from '../../src/console/parse.js';
import { FakeCluster } from './fake-cluster.js';

const ids = [1, 2, 3, 4, 5];

function parsed(text: string) {
  const r = parseExpectation(text, ids);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('expect conditions', () => {
  it('parses every form the help names', () => {
    expect(parsed('leader n3')).toEqual({ what: 'leader', among: [3] });
    expect(parsed('leader in 3,4,5')).toEqual({ what: 'leader', among: [3, 4, 5] });
    expect(parsed('no leader')).toEqual({ what: 'leader', among: 'none' });
    expect(parsed('x = 1 on all')).toEqual({ what: 'value', key: 'x', value: '1', on: 'all' });
    expect(parsed('x=1')).toEqual({ what: 'value', key: 'x', value: '1', on: 'leader' });
    expect(parsed('x unset on n2')).toEqual({ what: 'value', key: 'x', value: null, on: [2] });
    expect(parsed('committed 7')).toEqual({ what: 'number', field: 'commit', node: null, op: '=', n: 7 });
    expect(parsed('term > 2')).toEqual({ what: 'number', field: 'term', node: null, op: '>', n: 2 });
    expect(parsed('last n1 >= 4')).toEqual({ what: 'number', field: 'last', node: 1, op: '>=', n: 4 });
    expect(parsed('role n1 follower')).toEqual({ what: 'role', node: 1, role: 'follower' });
    expect(parsed('logs match')).toEqual({ what: 'logs-match' });
  });

  it('refuses what it does not know, naming the forms it does', () => {
    const r = parseExpectation('leader n9', ids);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/unknown node 9/) });
    expect(parseExpectation('role n1 king', ids)).toMatchObject({ ok: false, message: expect.stringMatching(/"king" is not a role/) });
    expect(parseExpectation('the moon is full', ids)).toMatchObject({ ok: false, message: expect.stringMatching(/expect leader n3 \|/) });
    expect(parseConsoleLine('expect', { ids })).toMatchObject({ ok: false });
  });

  it('checks against the cluster and says what was seen instead', () => {
    const fake = new FakeCluster(5);
    fake.elect(2, 4);
    const s = fake.snapshot();
    expect(checkExpectation(s, parsed('leader n2'))).toEqual({ ok: true });
    expect(checkExpectation(s, parsed('leader in 3,4,5'))).toEqual({ ok: false, seen: 'n2 leads (term 4)' });
    expect(checkExpectation(s, parsed('term > 2'))).toEqual({ ok: true });
    expect(checkExpectation(s, parsed('term 3'))).toEqual({ ok: false, seen: 'the term is 4' });
    expect(checkExpectation(s, parsed('role n1 leader'))).toEqual({ ok: false, seen: 'n1 is follower in term 4' });
  });

  it('checks an entry on given nodes, and what the leader knows a follower stores (match)', () => {
    expect(parsed('entry 3 t2 on 1,2,3')).toEqual({ what: 'entry', index: 3, term: 2, on: [1, 2, 3] });
    expect(parsed('entry 4 none on n3')).toEqual({ what: 'entry', index: 4, term: null, on: [3] });
    expect(parsed('match n3 >= 3')).toEqual({ what: 'match', node: 3, op: '>=', n: 3 });
    const fake = new FakeCluster(5);
    fake.elect(1, 4);
    const base = fake.snapshot();
    const log = (...terms: number[]) => terms.map((term, i) => ({ index: i + 1, term, command: '' }));
    const s = {
      ...base,
      nodes: base.nodes.map((n) => ({
        ...n,
        log: n.id <= 2 ? log(1, 2, 2, 4) : n.id === 3 ? log(1, 2, 2) : log(1, 2),
        progress:
          n.id === 1
            ? [2, 3, 4, 5].map((peer) => ({
                peer,
                match: peer === 2 ? 4 : peer === 3 ? 3 : 0,
                next: 5,
                inflight: 0,
                state: 'replicate' as const,
              }))
            : null,
      })),
    };
    expect(checkExpectation(s, parsed('entry 3 t2 on 1,2,3'))).toEqual({ ok: true });
    expect(checkExpectation(s, parsed('entry 3 t2 on 3,4'))).toEqual({ ok: false, seen: 'n4 has no entry at 3' });
    expect(checkExpectation(s, parsed('entry 4 t4 on 2,3'))).toEqual({ ok: false, seen: 'n3 has no entry at 4' });
    expect(checkExpectation(s, parsed('entry 2 t3 on 1'))).toEqual({ ok: false, seen: 'n1 has term 2 at 2' });
    expect(checkExpectation(s, parsed('entry 4 none on 3,4'))).toEqual({ ok: true });
    expect(checkExpectation(s, parsed('match n3 = 3'))).toEqual({ ok: true });
    expect(checkExpectation(s, parsed('match n3 >= 4'))).toEqual({ ok: false, seen: 'n1 knows n3 up to index 3' });
    const leaderless = { ...s, leader: undefined };
    expect(checkExpectation(leaderless, parsed('match n3 = 3'))).toEqual({ ok: false, seen: 'there is no leader' });
  });

  it('wait until <condition> parses the condition, and refuses a bad one', () => {
    expect(parseConsoleLine('wait until match n3 >= 3', { ids })).toEqual({
      ok: true,
      command: { kind: 'wait', for: 'condition', condition: { what: 'match', node: 3, op: '>=', n: 3 } },
    });
    expect(parseConsoleLine('wait until the moon', { ids })).toMatchObject({ ok: false, message: expect.stringMatching(/^wait until: /) });
  });

  it('keeps a caption as written, # and all', () => {
    expect(parseConsoleLine('say n5 is #1 # really', { ids })).toEqual({ ok: true, command: { kind: 'say', text: 'n5 is #1 # really' } });
  });
});
