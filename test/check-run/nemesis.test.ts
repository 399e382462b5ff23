import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/raft/rng.js';
import type { NodeId } from '../../src/raft/types.js';
import {
  FAULT_DESCRIPTIONS,
  FAULT_KINDS,
  FAULT_SLOTS,
  formatFaultList,
  parseFaultList,
  type FaultKind,
} from '../../src/sim/nemesis-kinds.js';
import { bridge, deaf, halves, isolate, majoritiesRing, mute, viewsOf, type Links } from '../../src/sim/nemesis-topology.js';
import { Nemesis } from '../../src/sim/nemesis.js';
import { FakeNemesisTarget } from '../helpers/fake-nemesis-target.js';

const range = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => i + 1);
const majority = (n: number): number => Math.floor(n / 2) + 1;
/** Whether `a` can send to `b` under `links`. */
const reaches = (links: Links, ids: NodeId[], a: NodeId, b: NodeId): boolean => viewsOf(links, ids).get(b)!.includes(a);

describe('link layouts', () => {
  for (const n of [3, 5, 7, 9]) {
    it(`majorities ring, ${n} nodes: every node hears a majority, and no two hear the same one`, () => {
      const ids = range(n);
      const order = [...ids].reverse();
      const views = viewsOf(majoritiesRing(order), ids);
      const seen = new Set<string>();
      for (const id of ids) {
        const view = views.get(id)!;
        expect(view.length, `n${id} hears ${view}`).toBeGreaterThanOrEqual(majority(n));
        expect(view.length, `n${id} hears everyone`).toBeLessThan(n);
        seen.add([...view].sort().join(','));
      }
      expect(seen.size).toBe(n);
    });
  }

  it('majorities ring, 5 nodes: symmetric, each node linked to its two ring neighbours', () => {
    const ids = range(5);
    const links = majoritiesRing(ids);
    for (const a of ids) for (const b of ids) expect(reaches(links, ids, a, b)).toBe(reaches(links, ids, b, a));
    expect(viewsOf(links, ids).get(1)!.sort()).toEqual([1, 2, 5]);
  });

  for (const n of [3, 5, 7]) {
    it(`bridge, ${n} nodes: the two sides cannot talk, the bridge talks to both, each side plus the bridge is a majority`, () => {
      const ids = range(n);
      const order = [3, ...ids.filter((id) => id !== 3)];
      const links = bridge(order);
      const rest = order.slice(1);
      const a = rest.slice(0, Math.floor(rest.length / 2));
      const b = rest.slice(Math.floor(rest.length / 2));
      for (const x of a) for (const y of b) expect(reaches(links, ids, x, y) || reaches(links, ids, y, x)).toBe(false);
      for (const id of ids) expect(reaches(links, ids, 3, id) && reaches(links, ids, id, 3)).toBe(true);
      expect(b.length + 1).toBeGreaterThanOrEqual(majority(n));
    });
  }

  it('halves: a minority and a majority; isolate: one node alone', () => {
    expect(halves([4, 2, 5, 1, 3]).partition).toEqual([
      [4, 2],
      [5, 1, 3],
    ]);
    const iso = isolate(2, range(5));
    expect(iso.partition).toEqual([[2], [1, 3, 4, 5]]);
    expect(viewsOf(iso, range(5)).get(2)).toEqual([2]);
  });

  it('deaf and mute nodes: one-way', () => {
    const ids = range(3);
    expect(reaches(deaf(1, ids), ids, 1, 2)).toBe(true);
    expect(reaches(deaf(1, ids), ids, 2, 1)).toBe(false);
    expect(reaches(mute(1, ids), ids, 1, 2)).toBe(false);
    expect(reaches(mute(1, ids), ids, 2, 1)).toBe(true);
  });
});

describe('--faults lists', () => {
  it('takes kinds and groups, in any case and order, and writes back the shortest list', () => {
    expect(parseFaultList('Drop, halves,drop')).toEqual({ ok: true, kinds: ['halves', 'drop'] });
    expect(parseFaultList('crashes')).toEqual({ ok: true, kinds: ['crash-one', 'crash-minority', 'crash-majority', 'crash-all'] });
    expect(parseFaultList('none')).toEqual({ ok: true, kinds: [] });
    const all = parseFaultList('partitions,crashes,messages,leadership,membership');
    expect(all.ok && all.kinds).toEqual([...FAULT_KINDS]);
    expect(formatFaultList(FAULT_KINDS)).toBe('all');
    expect(formatFaultList(['halves', 'drop', 'duplicate', 'reorder', 'long-delay'])).toBe('messages,halves');
    expect(formatFaultList([])).toBe('none');
    for (const text of ['bridge', 'crashes,bridge', 'long-delay,one-way']) {
      const p = parseFaultList(text);
      expect(p.ok).toBe(true);
      if (p.ok) expect(parseFaultList(formatFaultList(p.kinds))).toEqual(p);
    }
  });

  it('names the unknown word and what is accepted', () => {
    const r = parseFaultList('halves,earthquake');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('"earthquake"');
      expect(r.message).toContain('majorities-ring');
    }
    expect(parseFaultList(' , ').ok).toBe(false);
  });

  it('every kind has a description and a slot', () => {
    for (const k of FAULT_KINDS) {
      expect(FAULT_DESCRIPTIONS[k].length).toBeGreaterThan(10);
      expect(['links', 'crash', 'messages', 'leadership', 'membership']).toContain(FAULT_SLOTS[k]);
    }
  });
});

const options = (kinds: readonly FaultKind[]) => ({
  kinds,
  everyMs: [10, 20] as [number, number],
  lastsMs: [100, 100] as [number, number],
  electionTimeoutMs: [150, 300] as [number, number],
});

describe('Nemesis', () => {
  it('transfer-leader asks the leader to hand leadership to another node that is up (thesis §3.10)', () => {
    const t = new FakeNemesisTarget();
    const n = new Nemesis(t, createRng(3), options(['transfer-leader']));
    t.up.delete(4);
    for (let i = 0; i < 20; i++) n.inject('transfer-leader');
    expect(t.transfers).toHaveLength(20);
    for (const [from, to] of t.transfers) {
      expect(from).toBe(2);
      expect([1, 3, 5]).toContain(to);
    }
    t.up.delete(2); // no leader: nothing to transfer
    n.inject('transfer-leader');
    expect(t.transfers).toHaveLength(20);
  });

  it('isolate-leader cuts the leader off, and the links heal when the fault ends', () => {
    const t = new FakeNemesisTarget();
    const n = new Nemesis(t, createRng(1), options([]));
    n.inject('isolate-leader');
    expect(t.links.partition).toEqual([[2], [1, 3, 4, 5]]);
    t.advance(99);
    expect(t.links.partition).not.toBeNull();
    t.advance(1);
    expect(t.links).toEqual({ partition: null, cuts: [] });
  });

  it('a later fault in the same slot replaces the earlier one, whose end then leaves it alone', () => {
    const t = new FakeNemesisTarget();
    const n = new Nemesis(t, createRng(2), options([]));
    n.inject('halves');
    t.advance(50);
    n.inject('bridge');
    const bridged = t.links;
    expect(bridged.cuts.length).toBeGreaterThan(0);
    t.advance(50); // the halves fault ends here: it must not heal the bridge
    expect(t.links).toBe(bridged);
    t.advance(50);
    expect(t.links).toEqual({ partition: null, cuts: [] });
  });

  it('crash faults take down one, a minority, a majority or all, and restart them when they end', () => {
    const expected: Record<string, (k: number) => boolean> = {
      'crash-one': (k) => k === 1,
      'crash-minority': (k) => k >= 1 && k <= 2,
      'crash-majority': (k) => k >= 3 && k <= 4,
      'crash-all': (k) => k === 5,
    };
    for (const [kind, ok] of Object.entries(expected)) {
      for (let seed = 1; seed <= 20; seed++) {
        const t = new FakeNemesisTarget();
        new Nemesis(t, createRng(seed), options([])).inject(kind as FaultKind);
        expect(ok(t.crashes.length), `${kind}: crashed ${t.crashes}`).toBe(true);
        t.advance(100);
        expect(t.up.size, kind).toBe(5);
      }
    }
  });

  it('message faults set drop / duplicate / delay; long delays go far beyond the election timeout', () => {
    const t = new FakeNemesisTarget();
    const n = new Nemesis(t, createRng(3), options([]));
    n.inject('drop');
    expect(t.messages.dropRate).toBeGreaterThan(0);
    n.inject('duplicate');
    expect(t.messages).toMatchObject({ dropRate: 0, duplicateRate: expect.any(Number) });
    expect(t.messages.duplicateRate).toBeGreaterThan(0);
    n.inject('reorder');
    expect(t.messages.delayMs![1]).toBeLessThanOrEqual(60);
    n.inject('long-delay');
    expect(t.messages.delayMs![1]).toBeGreaterThanOrEqual(2 * 300);
  });

  it('start() draws only the chosen kinds until the end time; healAll() mends everything and stops', () => {
    const t = new FakeNemesisTarget();
    const notes: string[] = [];
    const n = new Nemesis(t, createRng(4), options(['crash-one', 'halves']), (note) => notes.push(note.kind));
    n.start(1000);
    t.advance(500);
    const injected = Object.entries(n.injected)
      .filter(([, c]) => c > 0)
      .map(([k]) => k);
    expect(injected.sort()).toEqual(['crash-one', 'halves']);
    n.healAll();
    expect(t.up.size).toBe(5);
    expect(t.links).toEqual({ partition: null, cuts: [] });
    const total = Object.values(n.injected).reduce((a, b) => a + b, 0);
    t.advance(5000);
    expect(Object.values(n.injected).reduce((a, b) => a + b, 0)).toBe(total);
    expect(notes).toContain('heal-links');
  });
});
