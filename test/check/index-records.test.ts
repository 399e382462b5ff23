import { describe, expect, it } from 'vitest';
import { IndexRecords } from '../../src/check/index-records.js';

describe('IndexRecords: one record per log index, kept as columns', () => {
  it('keeps a value, node and term per index, and replaces the value or the term alone', () => {
    const r = new IndexRecords<string>();
    r.set(1, 'a', 3, 7);
    r.set(2, 'b', 4, 8);
    expect([r.value(1), r.node(1), r.term(1)]).toEqual(['a', 3, 7]);
    expect([r.value(2), r.node(2), r.term(2)]).toEqual(['b', 4, 8]);
    expect(r.value(3)).toBeUndefined();
    r.setValue(2, 'B');
    r.setTerm(2, 5);
    expect([r.value(2), r.node(2), r.term(2)]).toEqual(['B', 4, 5]);
  });

  it('forgets every index below the floor, and what remains keeps its own record', () => {
    const r = new IndexRecords<number>();
    for (let i = 1; i <= 10; i++) r.set(i, i * 10, i, i + 100);
    r.dropBelow(6);
    expect(r.first).toBe(6);
    for (let i = 1; i < 6; i++) expect(r.value(i)).toBeUndefined();
    for (let i = 6; i <= 10; i++) expect([r.value(i), r.node(i), r.term(i)]).toEqual([i * 10, i, i + 100]);
    r.set(3, 1, 1, 1); // below the floor: ignored
    expect(r.value(3)).toBeUndefined();
    r.set(11, 110, 11, 111);
    expect([r.value(11), r.node(11), r.term(11)]).toEqual([110, 11, 111]);
  });

  it('keeps a span wider than its first size, across the wrap of its ring, and drops in steps', () => {
    const r = new IndexRecords<number>(4);
    for (let i = 1; i <= 3; i++) r.set(i, i, 1, 1);
    r.dropBelow(3); // the next records wrap around the ring
    for (let i = 4; i <= 50; i++) r.set(i, i * 10, i % 5, i + 100);
    expect([r.value(1), r.value(2), r.value(3)]).toEqual([undefined, undefined, 3]);
    for (let i = 4; i <= 50; i++) expect([r.value(i), r.node(i), r.term(i)]).toEqual([i * 10, i % 5, i + 100]);
    expect(r.value(51)).toBeUndefined();
    r.dropBelow(45);
    for (let i = 3; i < 45; i++) expect(r.value(i)).toBeUndefined();
    expect(r.value(45)).toBe(450);
    // Far above what is kept: no slot is shared with a kept index.
    r.set(1000, 1, 2, 3);
    expect([r.value(1000), r.value(45), r.value(50), r.value(999)]).toEqual([1, 450, 500, undefined]);
  });
});
