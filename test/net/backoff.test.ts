import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/net/backoff.js';

describe('Backoff', () => {
  it('doubles from the base up to the cap', () => {
    const b = new Backoff(20, 1000);
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([20, 40, 80, 160, 320, 640, 1000, 1000]);
  });

  it('starts over after a connection that lasted, but not after one cut short', () => {
    const b = new Backoff(20, 1000);
    b.next();
    b.next();
    b.connectionLasted(5);
    expect(b.next()).toBe(80);
    b.connectionLasted(1000);
    expect(b.next()).toBe(20);
  });
});
