import { describe, expect, it } from 'vitest';
import { COMMANDS, helpFor, helpText } from '../../src/console/help.js';
import { parseConsoleLine } from '../../src/console/parse.js';

describe('console help', () => {
  it('lists every command with its usage, summary and example', () => {
    const text = helpText();
    for (const c of COMMANDS) {
      const row = text.split('\n').find((l) => l.startsWith(c.usage));
      expect(row, c.name).toBeDefined();
      expect(row).toContain(c.summary);
      expect(row?.trimEnd().endsWith(c.example)).toBe(true);
    }
  });

  it('has examples that parse as the command they illustrate', () => {
    for (const c of COMMANDS) {
      const parsed = parseConsoleLine(c.example, { ids: [1, 2, 3, 4, 5] });
      expect(parsed.ok, `${c.name}: ${c.example}`).toBe(true);
      if (parsed.ok && parsed.command) {
        const kind = parsed.command.kind === 'kv' ? parsed.command.op.type.toUpperCase() : parsed.command.kind;
        expect(kind).toBe(c.name);
      }
    }
  });

  it('covers every command word the parser knows', () => {
    const words = [
      'SET',
      'GET',
      'DEL',
      'CAS',
      'crash',
      'restart',
      'add',
      'remove',
      'transfer',
      'isolate',
      'rejoin',
      'partition',
      'heal',
      'compact',
      'drop',
      'dup',
      'delay',
      'latency',
      'timeout',
      'pause',
      'resume',
      'step',
      'drop-msg',
      'speed',
      'load',
      'wait',
      'say',
      'expect',
      'rewind',
      'help',
      'quit',
      'view',
      'filter',
      'save-log',
    ];
    expect(COMMANDS.map((c) => c.name).sort()).toEqual([...words].sort());
  });

  it('gives the details of one command, case-insensitively', () => {
    const crash = helpFor('CRASH');
    expect(crash).toContain('crash <id|leader|followers>');
    expect(crash).toContain('Figure 2');
    expect(crash).toContain('example: crash 2');
    expect(helpFor('nope')).toBeUndefined();
  });
});
