import { describe, expect, it } from 'vitest';
import { decodeInput, encodeKey } from '../../src/tui/keys.js';
import { commandFor, KEYMAP } from '../../src/tui/keymap.js';

describe('decodeInput', () => {
  it('keeps a pasted line with its Enter intact', () => {
    expect(decodeInput('SET x = 1\r')).toEqual([{ text: 'SET x = 1' }, { key: 'enter' }]);
  });

  it('decodes F-keys of xterm, rxvt and the Linux console alike', () => {
    for (const seq of ['\x1bOQ', '\x1b[12~', '\x1b[[B']) expect(decodeInput(seq)).toEqual([{ key: 'f2' }]);
  });

  it('decodes Shift-Tab, arrows, Escape, Backspace and Ctrl-letters', () => {
    expect(decodeInput('\x1b[Z')).toEqual([{ key: 'shift-tab' }]);
    expect(decodeInput('\x1b[A')).toEqual([{ key: 'up' }]);
    expect(decodeInput('\x1b')).toEqual([{ key: 'escape' }]);
    expect(decodeInput('ab\x7f')).toEqual([{ text: 'ab' }, { key: 'backspace' }]);
    expect(decodeInput('\x03')).toEqual([{ key: 'ctrl-c' }]);
    expect(decodeInput('\x18')).toEqual([{ key: 'ctrl-x' }]);
  });

  it('drops unknown escape sequences instead of typing them', () => {
    expect(decodeInput('\x1b[1;5C')).toEqual([]);
    expect(decodeInput('\x1bx')).toEqual([]);
  });

  it('round-trips the keys the e2e driver sends', () => {
    for (const key of ['enter', 'tab', 'shift-tab', 'f1', 'f2', 'f3', 'up', 'escape', 'ctrl-c'] as const) {
      expect(decodeInput(encodeKey(key))).toEqual([{ key }]);
    }
  });
});

describe('keymap', () => {
  const empty = { lineEmpty: true, helpOpen: false };
  const typed = { lineEmpty: false, helpOpen: false };

  it('selects nodes with arrows only while nothing is typed', () => {
    expect(commandFor('right', empty)).toBe('select-next');
    expect(commandFor('right', typed)).toBe('cursor-right');
    expect(commandFor('tab', typed)).toBe('select-next');
  });

  it('opens help with ? only on an empty line, and F1 always', () => {
    expect(commandFor({ char: '?' }, empty)).toBe('toggle-help');
    expect(commandFor({ char: '?' }, typed)).toBeUndefined();
    expect(commandFor('f1', typed)).toBe('toggle-help');
  });

  it('closes help with Escape before Escape clears the line', () => {
    expect(commandFor('escape', { lineEmpty: false, helpOpen: true })).toBe('close-help');
    expect(commandFor('escape', typed)).toBe('clear-line');
  });

  it('binds cluster actions to F-keys and Ctrl-letters, never to plain letters', () => {
    expect(commandFor('f2', typed)).toBe('toggle-crash');
    expect(commandFor('ctrl-x', typed)).toBe('toggle-crash');
    expect(commandFor('f3', typed)).toBe('toggle-isolate');
    for (const b of KEYMAP)
      for (const k of b.keys) if (k.startsWith('char:')) expect(b.when === 'line-empty' || b.when === 'help-open').toBe(true);
  });
});
