import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

describe('cli', () => {
  it('exports main', () => {
    expect(typeof main).toBe('function');
  });
});
