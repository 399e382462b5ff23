import { describe, expect, it } from 'vitest';
import { formatKvOp, formatValue, parseKvCommand } from '../../src/kv/parse.js';
import type { KvOp } from '../../src/kv/types.js';

function op(text: string): { op: KvOp; text: string } {
  const parsed = parseKvCommand(text);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${parsed.message}`);
  return { op: parsed.op, text: parsed.text };
}

function error(text: string): string {
  const parsed = parseKvCommand(text);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected, got ${parsed.text}`);
  return parsed.message;
}

describe('parseKvCommand: the accepted forms', () => {
  it('reads SET key = value, SET key value and set key=value as the same operation', () => {
    for (const text of ['SET x = 1', 'SET x 1', 'set x=1', 'Set   x =   1  ', 'set x= 1', 'SET x =1']) {
      expect(op(text)).toEqual({ op: { type: 'set', key: 'x', value: '1' }, text: 'SET x = 1' });
    }
  });

  it('takes the rest of the line as a SET value, spaces included', () => {
    expect(op('SET greeting = hello  big world ')).toEqual({
      op: { type: 'set', key: 'greeting', value: 'hello  big world' },
      text: 'SET greeting = hello  big world',
    });
  });

  it('keeps a second = as part of the value', () => {
    expect(op('SET eq == 3').op).toEqual({ type: 'set', key: 'eq', value: '= 3' });
  });

  it('reads GET, DEL and CAS with case-insensitive verbs', () => {
    expect(op('get x')).toEqual({ op: { type: 'get', key: 'x' }, text: 'GET x' });
    expect(op('DeL x')).toEqual({ op: { type: 'del', key: 'x' }, text: 'DEL x' });
    expect(op('cas x 1 2')).toEqual({ op: { type: 'cas', key: 'x', expected: '1', value: '2' }, text: 'CAS x 1 2' });
  });

  it('accepts quoted CAS values with spaces and writes them quoted', () => {
    const parsed = op('CAS x "a b" "say \\"hi\\""');
    expect(parsed.op).toEqual({ type: 'cas', key: 'x', expected: 'a b', value: 'say "hi"' });
    expect(parsed.text).toBe('CAS x "a b" "say \\"hi\\""');
  });

  it('unquotes a SET value written as one string literal', () => {
    expect(op('SET x = "  padded "').op).toEqual({ type: 'set', key: 'x', value: '  padded ' });
    expect(op('SET x = "a" and "b"').op).toEqual({ type: 'set', key: 'x', value: '"a" and "b"' });
  });

  it('accepts a 64-character key and a 1024-character value', () => {
    const key = 'k'.repeat(64);
    const value = 'v'.repeat(1024);
    expect(op(`SET ${key} = ${value}`).op).toEqual({ type: 'set', key, value });
  });

  it('writes a canonical text that parses back to the same operation', () => {
    const ops: KvOp[] = [
      { type: 'set', key: 'x', value: 'hello world' },
      { type: 'set', key: 'x', value: '"quoted"' },
      { type: 'set', key: 'x', value: ' lead' },
      { type: 'set', key: 'x', value: 'tab\there' },
      { type: 'set', key: 'x', value: '= 3' },
      { type: 'cas', key: 'y', expected: 'a b', value: '"' },
      { type: 'cas', key: 'y', expected: 'x\\y', value: 'z' },
      { type: 'get', key: 'ünï' },
      { type: 'del', key: 'a.b/c' },
    ];
    for (const o of ops) {
      const parsed = parseKvCommand(formatKvOp(o));
      expect(parsed.ok && parsed.op).toEqual(o);
    }
  });
});

describe('parseKvCommand: errors name the problem and the fix', () => {
  it('asks for a key and a value on a bare SET', () => {
    expect(error('SET')).toBe('SET needs a key and a value: SET x = 1');
  });

  it('asks for a value when only a key is given', () => {
    expect(error('SET x')).toBe('SET x needs a value: SET x = 1');
    expect(error('SET x =')).toBe('SET x needs a value: SET x = 1');
  });

  it('asks for a key before =', () => {
    expect(error('SET = 1')).toContain("SET needs a key before '='");
  });

  it('refuses GET and DEL without exactly one key', () => {
    expect(error('GET')).toBe('GET needs a key: GET x');
    expect(error('GET x y')).toBe('GET takes one key: GET x');
    expect(error('DEL')).toBe('DEL needs a key: DEL x');
  });

  it('refuses CAS without three arguments', () => {
    expect(error('CAS x 1')).toContain('CAS needs a key, the value it expects and the new value: CAS x 1 2');
    expect(error('CAS x 1 2 3')).toContain('quote values with spaces');
    expect(error('CAS x "unterminated 2')).toContain('quoted value');
  });

  it('refuses keys that are too long or hold = or quotes', () => {
    expect(error(`GET ${'k'.repeat(65)}`)).toContain('keys are at most 64');
    expect(error('GET a=b')).toContain("cannot contain '='");
    expect(error('GET "x"')).toContain("cannot contain '='");
  });

  it('refuses the same keys in SET as in GET', () => {
    expect(error(`SET ${'k'.repeat(65)} = 1`)).toContain('keys are at most 64');
    expect(error('SET "x" = 1')).toBe(`a key cannot contain '=' or '"': SET x = 1`);
    expect(error('SET a"b 1')).toBe(`a key cannot contain '=' or '"': SET x = 1`);
    expect(error('SET k\u0001 = 1')).toBe('a key cannot contain control characters');
    expect(error('SET k\u007f = 1')).toBe('a key cannot contain control characters');
    expect(op(`SET ${'k'.repeat(64)} = 1`).op).toEqual({ type: 'set', key: 'k'.repeat(64), value: '1' });
  });

  it('refuses values over 1024 characters', () => {
    expect(error(`SET x = ${'v'.repeat(1025)}`)).toContain('values are at most 1024');
  });

  it('refuses empty, multi-line and unknown commands', () => {
    expect(error('   ')).toContain('empty command');
    expect(error('SET x = 1\nSET y = 2')).toBe('a command is one line');
    expect(error('PUT x 1')).toBe('unknown command "PUT": type SET x = 1, GET x, DEL x or CAS x 1 2');
  });
});

describe('parseKvCommand: the canonical text', () => {
  it('is the text as written only when it is exactly the canonical form', () => {
    const cases: [string, string][] = [
      ['SET x = 1', 'SET x = 1'],
      ['SET x =\t1', 'SET x = 1'],
      ['SET x =\u00a01', 'SET x = 1'],
      ['SET x\t= 1', 'SET x = 1'],
      ['SET\tx = 1', 'SET x = 1'],
      ['SET  x = 1', 'SET x = 1'],
      ['SeT x = 1', 'SET x = 1'],
      ['SET x = "1"', 'SET x = 1'],
      ['SET x = " 1"', 'SET x = " 1"'],
      ['SET x = a\u0001b', 'SET x = "a\\u0001b"'],
      ['GET x', 'GET x'],
      ['get x', 'GET x'],
      ['GET\u00a0x', 'GET x'],
      ['DEL x', 'DEL x'],
      ['Del x', 'DEL x'],
      ['CAS x 1 2', 'CAS x 1 2'],
      ['CAS x "1" 2', 'CAS x 1 2'],
    ];
    for (const [text, canonical] of cases) {
      expect(op(text).text, JSON.stringify(text)).toBe(canonical);
      expect(op(text).text, JSON.stringify(text)).toBe(formatKvOp(op(text).op));
    }
  });

  it('upper-cases verbs as String.prototype.toUpperCase does, non-ASCII letters included', () => {
    // 'ſ' (long s) upper-cases to 'S': the verb is SET, and the text is not canonical.
    expect(op('ſet x = 1')).toEqual({ op: { type: 'set', key: 'x', value: '1' }, text: 'SET x = 1' });
    expect(op('ſET x 2')).toEqual({ op: { type: 'set', key: 'x', value: '2' }, text: 'SET x = 2' });
    expect(error('SĒT x = 1')).toContain('unknown command "SĒT"');
  });

  it('quotes values as the regular-expression rules say, for every UTF-16 code unit', () => {
    const control = /[\u0000-\u001f\u007f]/;
    const space = /\s/;
    // Mismatches are collected and compared once: an expect per case made this test slow
    // enough (262,144 of them) to pass its time limit on a busy machine.
    const wrong: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const value of [ch, `a${ch}b`]) {
        const plain = value.charCodeAt(0) !== 34 && !space.test(value[0]!) && !space.test(value.at(-1)!) && !control.test(value);
        if ((formatValue(value) === value) !== plain) wrong.push(`U+${c.toString(16)} in ${JSON.stringify(value)}`);
        if ((formatValue(value, true) === value) !== (plain && !space.test(value)))
          wrong.push(`U+${c.toString(16)} in ${JSON.stringify(value)}, CAS`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
