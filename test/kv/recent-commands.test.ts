import { describe, expect, it } from 'vitest';
import { decodeEntry } from '../../src/kv/decoded-entries.js';
import { encodeEnvelope } from '../../src/kv/envelope.js';
import { parseKvCommand, parseKvOp } from '../../src/kv/parse.js';
import { RecentCommands } from '../../src/kv/recent-commands.js';

describe('RecentCommands', () => {
  it('finds a remembered command inside entry data, and only one with exactly that text', () => {
    const recent = new RecentCommands();
    const parsed = parseKvOp('SET x = 12');
    recent.remember('SET x = 12', parsed);
    expect(recent.find('@c1 4 3 SET x = 12', 8)).toBe(parsed);
    expect(recent.find('SET x = 12', 0)).toBe(parsed);
    // Same tail, same length, different text; a longer text; a shorter one.
    expect(recent.find('@c1 4 3 SET y = 12', 8)).toBeUndefined();
    expect(recent.find('@c1 4 3 SET xx = 12', 8)).toBeUndefined();
    expect(recent.find('@c1 4 3 SET x = 12', 9)).toBeUndefined();
    expect(recent.find('@c1 4 3 ', 8)).toBeUndefined();
  });

  it('forgets a command when a newer one takes its slot', () => {
    const recent = new RecentCommands();
    const first = parseKvOp('SET x = 1');
    recent.remember('SET x = 1', first);
    for (let i = 0; i < 1000; i++) recent.remember(`SET k${i} = ${i}`, parseKvOp(`SET k${i} = ${i}`));
    const found = recent.find('SET x = 1', 0);
    expect(found === undefined || found === first).toBe(true);
    expect(recent.find('SET k999 = 999', 0)).toEqual(parseKvOp('SET k999 = 999'));
  });
});

describe('the apply side reuses the submit side parse', () => {
  it('gives a submitted command its parse from submit time, equal to parsing it again', () => {
    const submitted = parseKvCommand('SET reused = 41');
    if (!submitted.ok) throw new Error(submitted.message);
    const d = decodeEntry(encodeEnvelope({ client: 'c1', seq: 1, ack: 0, cmd: submitted.text }));
    expect(d).toEqual({ envelope: true, client: 'c1', seq: 1, ack: 0, parsed: parseKvOp('SET reused = 41') });
    expect('parsed' in d && d.parsed.ok && d.parsed.op).toBe(submitted.op);
  });

  it('parses afresh a command whose canonical text was not what was written', () => {
    const submitted = parseKvCommand('set fresh=41');
    if (!submitted.ok) throw new Error(submitted.message);
    expect(submitted.text).toBe('SET fresh = 41');
    const d = decodeEntry(encodeEnvelope({ client: 'c1', seq: 1, ack: 0, cmd: submitted.text }));
    expect(d).toEqual({ envelope: true, client: 'c1', seq: 1, ack: 0, parsed: parseKvOp('SET fresh = 41') });
    expect('parsed' in d && d.parsed.ok && d.parsed.op).not.toBe(submitted.op);
  });
});
