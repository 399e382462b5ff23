import { describe, expect, it } from 'vitest';
import { resultLine } from '../../src/tui/command-lines.js';
import { plain } from '../../src/tui/spans.js';

describe('the result line', () => {
  it('names a key-value command once, in its canonical form, before its answer', () => {
    const text = plain(resultLine({ status: 'ok', line: 'set x 1', message: 'SET x = 1 → committed at index 2 (term 1)' }, 100));
    expect(text).toContain('ok SET x = 1 → committed at index 2 (term 1)');
    expect(text).not.toContain('set x 1');
  });

  it('shows the typed line before a message that does not repeat it, with the outcome in words', () => {
    const text = plain(resultLine({ status: 'error', line: 'crash 7', message: 'unknown node 7: this cluster has nodes 1-5' }, 100));
    expect(text).toContain('error crash 7 → unknown node 7: this cluster has nodes 1-5');
  });
});
