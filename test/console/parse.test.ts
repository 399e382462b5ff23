import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../src/console/parse.js';
import type { ConsoleCommand } from '../../src/console/types.js';

const ctx = { ids: [1, 2, 3, 4, 5] };

function command(line: string): ConsoleCommand | null {
  const parsed = parseConsoleLine(line, ctx);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(line)} to parse: ${parsed.message}`);
  return parsed.command;
}

function error(line: string, ids = ctx.ids): string {
  const parsed = parseConsoleLine(line, { ids });
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(line)} to be rejected, got ${JSON.stringify(parsed.command)}`);
  return parsed.message;
}

describe('parseConsoleLine: blanks, comments and key-value commands', () => {
  it('gives no command for blank lines and # comments', () => {
    expect(command('')).toBeNull();
    expect(command('   \t')).toBeNull();
    expect(command('# crash the leader next')).toBeNull();
  });

  it('parses key-value commands with their canonical text, # kept in values', () => {
    expect(command('set x=1')).toEqual({ kind: 'kv', op: { type: 'set', key: 'x', value: '1' }, text: 'SET x = 1' });
    expect(command('SET tag = #1')).toEqual({ kind: 'kv', op: { type: 'set', key: 'tag', value: '#1' }, text: 'SET tag = #1' });
    expect(command('get x')).toEqual({ kind: 'kv', op: { type: 'get', key: 'x' }, text: 'GET x' });
    expect(command('CAS x 1 2')).toMatchObject({ kind: 'kv', text: 'CAS x 1 2' });
  });

  it('reads a trailing & as "send in the background"; a quoted & is part of the value', () => {
    expect(command('SET x = 1 &')).toEqual({ kind: 'kv', op: { type: 'set', key: 'x', value: '1' }, text: 'SET x = 1', background: true });
    expect(command('del x &')).toMatchObject({ kind: 'kv', text: 'DEL x', background: true });
    expect(command('SET x = "a &"')).toEqual({ kind: 'kv', op: { type: 'set', key: 'x', value: 'a &' }, text: 'SET x = a &' });
    expect(command('SET x = a&')).not.toHaveProperty('background');
    expect(error('SET x &')).toMatch(/SET/);
  });

  it('passes on the key-value parser errors', () => {
    expect(error('SET')).toBe('SET needs a key and a value: SET x = 1');
  });
});

describe('parseConsoleLine: cluster commands', () => {
  it('reads crash with an id, n-prefixed id or leader, any case', () => {
    expect(command('crash 2')).toEqual({ kind: 'crash', target: 2 });
    expect(command('CRASH n3')).toEqual({ kind: 'crash', target: 3 });
    expect(command('crash Leader')).toEqual({ kind: 'crash', target: 'leader' });
  });

  it('reads crash 2 mid-write (simulated disks), and refuses another second word', () => {
    expect(command('crash 2 mid-write')).toEqual({ kind: 'crash', target: 2, midWrite: true });
    expect(command('crash leader MID-WRITE')).toEqual({ kind: 'crash', target: 'leader', midWrite: true });
    expect(error('crash 2 gently')).toMatch(/^crash takes one argument/);
  });

  it('reads restart with an id or all', () => {
    expect(command('restart 4')).toEqual({ kind: 'restart', target: 4 });
    expect(command('restart all')).toEqual({ kind: 'restart', target: 'all' });
  });

  it('reads isolate and rejoin', () => {
    expect(command('isolate 3')).toEqual({ kind: 'isolate', id: 3 });
    expect(command('rejoin 3')).toEqual({ kind: 'rejoin', id: 3 });
  });

  it('reads partition groups split by |, with commas or spaces', () => {
    expect(command('partition 1,2 | 3,4,5')).toEqual({
      kind: 'partition',
      groups: [
        [1, 2],
        [3, 4, 5],
      ],
    });
    expect(command('partition 1 2|3, 4')).toEqual({
      kind: 'partition',
      groups: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(command('partition n1,n2 | n3')).toEqual({ kind: 'partition', groups: [[1, 2], [3]] });
  });

  it('reads heal, pause, resume, step and quit (exit too)', () => {
    expect(command('heal')).toEqual({ kind: 'heal' });
    expect(command('Pause')).toEqual({ kind: 'pause' });
    expect(command('resume')).toEqual({ kind: 'resume' });
    expect(command('step')).toEqual({ kind: 'step' });
    expect(command('quit')).toEqual({ kind: 'quit' });
    expect(command('exit')).toEqual({ kind: 'quit' });
  });

  it('reads drop and dup percentages, with or without %', () => {
    expect(command('drop 20')).toEqual({ kind: 'drop', percent: 20 });
    expect(command('drop 12.5%')).toEqual({ kind: 'drop', percent: 12.5 });
    expect(command('dup 0')).toEqual({ kind: 'dup', percent: 0 });
    expect(command('dup off')).toEqual({ kind: 'dup', percent: 0 });
  });

  it('reads delay ranges, fixed delays and off', () => {
    expect(command('delay 20-200ms')).toEqual({ kind: 'delay', rangeMs: [20, 200] });
    expect(command('delay 20ms-200ms')).toEqual({ kind: 'delay', rangeMs: [20, 200] });
    expect(command('delay 20 - 200')).toEqual({ kind: 'delay', rangeMs: [20, 200] });
    expect(command('delay 50ms')).toEqual({ kind: 'delay', rangeMs: [50, 50] });
    expect(command('delay 1-2s')).toEqual({ kind: 'delay', rangeMs: [1000, 2000] });
    expect(command('delay off')).toEqual({ kind: 'delay', rangeMs: null });
  });

  it('reads speed and load', () => {
    expect(command('speed 0.1')).toEqual({ kind: 'speed', factor: 0.1 });
    expect(command('speed 2x')).toEqual({ kind: 'speed', factor: 2 });
    expect(command('load 20')).toEqual({ kind: 'load', perSecond: 20 });
    expect(command('load 5/s')).toEqual({ kind: 'load', perSecond: 5 });
    expect(command('load off')).toEqual({ kind: 'load', perSecond: 0 });
  });

  it('reads help with and without a topic', () => {
    expect(command('help')).toEqual({ kind: 'help' });
    expect(command('help CRASH')).toEqual({ kind: 'help', topic: 'crash' });
    expect(command('help set')).toEqual({ kind: 'help', topic: 'SET' });
    expect(command('?')).toEqual({ kind: 'help' });
  });

  it('reads wait for a time, a leader or a commit', () => {
    expect(command('wait 500')).toEqual({ kind: 'wait', for: 'ms', ms: 500 });
    expect(command('wait 250ms')).toEqual({ kind: 'wait', for: 'ms', ms: 250 });
    expect(command('wait 1.5s')).toEqual({ kind: 'wait', for: 'ms', ms: 1500 });
    expect(command('wait leader')).toEqual({ kind: 'wait', for: 'leader' });
    expect(command('wait commit')).toEqual({ kind: 'wait', for: 'commit' });
  });

  it('ignores a trailing # comment on cluster commands', () => {
    expect(command('crash 2   # the old leader')).toEqual({ kind: 'crash', target: 2 });
  });
});

describe('parseConsoleLine: errors name the problem and the fix', () => {
  it('names unknown nodes and the nodes that exist', () => {
    expect(error('crash 7')).toBe('unknown node 7: this cluster has nodes 1-5');
    expect(error('isolate 0')).toBe('unknown node 0: this cluster has nodes 1-5');
    expect(error('crash 4', [1, 2, 3])).toBe('unknown node 4: this cluster has nodes 1-3');
    expect(error('crash 2', [1])).toBe('unknown node 2: this cluster has node 1');
  });

  it('suggests the command a typo meant', () => {
    expect(error('crsh 2')).toBe('unknown command "crsh": did you mean "crash"? (type help)');
    expect(error('partiton 1 | 2')).toBe('unknown command "partiton": did you mean "partition"? (type help)');
    expect(error('hael')).toBe('unknown command "hael": did you mean "heal"? (type help)');
    expect(error('part 1|2')).toBe('unknown command "part": did you mean "partition"? (type help)');
    expect(error('frobnicate')).toBe('unknown command "frobnicate" (type help for the list)');
  });

  it('asks for missing arguments and refuses extra ones', () => {
    expect(error('crash')).toBe('crash needs a node id, "leader" or "followers": crash 2 (or crash leader, crash followers)');
    expect(error('crash 1 2')).toBe('crash takes one argument: crash 2 (or crash leader, crash followers)');
    expect(error('restart')).toContain('restart 2 (or restart all)');
    expect(error('isolate')).toBe('isolate needs a node id, "leader" or "followers": isolate 3');
    expect(error('heal now')).toBe('heal takes no arguments: heal');
    expect(error('wait')).toContain('wait 500ms, wait leader or wait commit');
  });

  it('refuses words that are not node ids', () => {
    expect(error('crash two')).toBe('"two" is not a node id: crash 2 (or crash leader, crash followers)');
  });

  it('refuses bad partitions', () => {
    expect(error('partition')).toBe('partition needs groups of nodes split by |: partition 1,2 | 3,4,5 (or partition leader | followers)');
    expect(error('partition 1,2 |')).toBe('partition has an empty group: partition 1,2 | 3,4,5 (or partition leader | followers)');
    expect(error('partition 1,2 | 2,3')).toBe('n2 is in two groups: a node can be in one group only');
    expect(error('partition 1,2 | 3,9')).toBe('unknown node 9: this cluster has nodes 1-5');
  });

  it('refuses out-of-range numbers', () => {
    expect(error('drop 120')).toContain('not a percentage from 0 to 100');
    expect(error('drop -5')).toContain('not a percentage from 0 to 100');
    expect(error('speed 0')).toContain('not a speed from 0.01 to 100');
    expect(error('speed 1e3')).toContain('not a speed');
    expect(error('load lots')).toContain('not a rate');
    expect(error('delay 200-20ms')).toBe('the delay range 200-20ms runs backwards: delay 20-200ms');
    expect(error('delay 1-2-3')).toContain('not a delay');
    expect(error('delay 5-90s')).toContain('too long');
    expect(error('wait forever')).toContain('not a duration');
  });

  it('refuses help for commands that do not exist, with a suggestion', () => {
    expect(error('help crsh')).toBe('no help for "crsh": did you mean "help crash"?');
  });
});

describe('parseConsoleLine: dashboard views', () => {
  it('parses view log and view nodes, and refuses other views', () => {
    expect(command('view log')).toEqual({ kind: 'view', view: 'log' });
    expect(command('VIEW nodes')).toEqual({ kind: 'view', view: 'nodes' });
    expect(error('view grid')).toBe('"grid" is not a view: view log (every log in one grid) or view nodes (a panel per node)');
  });

  it('parses /text as a filter of the event pane, and a lone / as none', () => {
    expect(command('/voted for')).toEqual({ kind: 'filter', text: 'voted for' });
    expect(command('/')).toEqual({ kind: 'filter', text: null });
    expect(command('filter off')).toEqual({ kind: 'filter', text: null });
  });

  it('takes the rest of the line as the save-log file name', () => {
    expect(command('save-log my events.txt')).toEqual({ kind: 'save-log', file: 'my events.txt' });
    expect(error('save-log')).toBe('save-log needs a file name: save-log events.txt');
  });
});
