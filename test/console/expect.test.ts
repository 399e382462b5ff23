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

  it('keeps a caption as written, # and all', () => {
    expect(parseConsoleLine('say n5 is #1 # really', { ids })).toEqual({ ok: true, command: { kind: 'say', text: 'n5 is #1 # really' } });
  });
});
