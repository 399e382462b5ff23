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

  it('keeps its rings as wide as the span of indexes recorded, wherever that span starts', () => {
    // A node restarting from a snapshot at a million writes its records there: no ring down to 1.
    const r = new IndexRecords<number>(64);
    for (let i = 1_000_001; i <= 1_000_100; i++) r.set(i, i, 1, 2);
    expect(r.capacity).toBe(128);
    expect(r.first).toBe(1);
    // Another node's log reaches lower: the span grows downward, and every record stays.
    for (let i = 999_951; i <= 1_000_000; i++) r.set(i, -i, 3, 1);
    expect(r.capacity).toBe(256);
    for (let i = 999_951; i <= 1_000_000; i++) expect([r.value(i), r.node(i), r.term(i)]).toEqual([-i, 3, 1]);
    for (let i = 1_000_001; i <= 1_000_100; i++) expect([r.value(i), r.node(i), r.term(i)]).toEqual([i, 1, 2]);
    expect([r.value(999_950), r.value(1_000_101), r.value(1)]).toEqual([undefined, undefined, undefined]);
    // Dropping below part of the span keeps the rest; below the floor nothing is recorded again.
    r.dropBelow(1_000_050);
    expect([r.value(1_000_049), r.value(1_000_050)]).toEqual([undefined, 1_000_050]);
    r.set(1_000_000, 5, 5, 5);
    expect(r.value(1_000_000)).toBeUndefined();
    // Everything dropped: the next record starts a new span, and the old slots are empty.
    r.dropBelow(2_000_000);
    r.set(2_000_000 + 256 * 3, 7, 7, 7);
    expect(r.capacity).toBe(256);
    for (let i = 2_000_000; i < 2_000_000 + 256 * 3; i++) expect(r.value(i)).toBeUndefined();
    expect(r.value(2_000_000 + 256 * 3)).toBe(7);
  });
});
