import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/raft/rng.js';
import type { NodeId } from '../../src/raft/types.js';
import { runCheckSeed, type CheckRunResult } from '../../src/sim/check-run.js';
import { defaultSettings, seedSettings, type SeedSettings } from '../../src/sim/check-run-settings.js';
import { viewsOf } from '../../src/sim/nemesis-topology.js';
import { Nemesis } from '../../src/sim/nemesis.js';
import { FakeNemesisTarget } from '../helpers/fake-nemesis-target.js';

/** Seeds 1..n of `raft-tui check` for `timeMs`, with `--bug read-without-quorum` or without. */
function runs(n: number, timeMs: number, bug: boolean): CheckRunResult[] {
  const out: CheckRunResult[] = [];
  for (let seed = 1; seed <= n; seed++) {
    const s: SeedSettings = seedSettings(seed, { ...defaultSettings(bug ? 'read-without-quorum' : undefined), timeMs });
    out.push(runCheckSeed(s));
  }
  return out;
}

describe('stale-read windows in raft-tui check (thesis §6.4)', () => {
  it('strand-leader leaves the leader in a minority, or hands leadership over as it cuts it off, for 3-8 election timeouts, and no other link fault replaces it meanwhile', () => {
    let handoffs = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const t = new FakeNemesisTarget(3);
      const n = new Nemesis(t, createRng(seed), { kinds: [], everyMs: [10, 20], lastsMs: [50, 50], electionTimeoutMs: [150, 300] });
      n.inject('strand-leader');
      const stranded = t.links;
      const views = viewsOf(stranded, t.ids);
      if (t.transfers.length > 0) {
        // Handed over: the heir gets the TimeoutNow; the old leader hears no one and reaches no one else.
        handoffs++;
        const [[from, heir]] = t.transfers as [[NodeId, NodeId]];
        expect(from).toBe(3);
        expect(views.get(3)).toEqual([3]);
        for (const id of t.ids) if (id !== 3) expect(views.get(id)!.includes(3), `n${id} hears n3`).toBe(id === heir);
      } else {
        const [minority, majority] = stranded.partition!;
        expect(minority![0]).toBe(3);
        expect(minority!.length).toBeLessThan(majority!.length);
        expect([...minority!, ...majority!].sort()).toEqual(t.ids);
      }
      // Another partition drawn while the leader is stranded leaves it be.
      t.advance(100);
      n.inject('halves');
      expect(t.links).toBe(stranded);
      expect(n.injected.halves).toBe(0);
      t.advance(3 * 300 - 100 - 1);
      expect(t.links).toBe(stranded);
      t.advance(5 * 300 + 1);
      expect(t.links).toEqual({ partition: null, cuts: [] });
      n.inject('halves');
      expect(n.injected.halves).toBe(1);
    }
    expect(handoffs).toBeGreaterThan(3);
    expect(handoffs).toBeLessThan(17);
  });

  it('reader clients only GET, by ReadIndex, from the node that leads', () => {
    const lines: string[] = [];
    const s = seedSettings(1, { ...defaultSettings(undefined), timeMs: 3000, faults: [] });
    const r = runCheckSeed(s, { trace: (_at, text) => lines.push(text) });
    expect(r.failure).toBeNull();
    const calls = lines.filter((l) => /^r\d+ calls /.test(l));
    expect(calls.length).toBeGreaterThan(20);
    for (const l of calls) expect(l).toMatch(/^r\d+ calls #\d+ GET k\d /);
    const leaders = new Set(lines.flatMap((l) => /^n(\d+) becomes leader/.exec(l)?.[1] ?? []));
    const served = lines.filter((l) => /^r\d+ #\d+ returns /.test(l));
    expect(served.length).toBeGreaterThan(20);
    for (const l of served) {
      const node = /read by ReadIndex on n(\d+)/.exec(l)?.[1];
      expect(node, l).toBeDefined();
      expect(leaders.has(node!), l).toBe(true);
    }
  });

  it('--bug read-without-quorum (reads answered without the heartbeat majority) is caught, and the same seeds pass without it', {
    timeout: 30_000,
  }, () => {
    const broken = runs(8, 10_000, true);
    const caught = broken.filter((r) => r.failure !== null);
    expect(caught.length, 'no seed in 1-8 caught the stale reads').toBeGreaterThan(0);
    for (const r of caught) {
      // The logs are perfect: only what a client read is wrong.
      expect(r.violations).toEqual([]);
      expect(r.failure!.kind).toBe('linearizability');
      expect(r.failure!.message).toMatch(/GET k\d → /);
    }
    // The report names the read, the value, the node that served it and the write it missed
    // (a history whose stale read shows only through several writes gets the general report).
    const named = caught.filter((r) =>
      /^key k\d is not linearizable: stale read #\d+ GET k\d → .+ missed write #\d+ /.test(r.failure!.message),
    );
    expect(named.length, 'no caught seed named its stale read').toBeGreaterThan(0);
    for (const r of named) expect(r.failure!.message).toMatch(/#\d+ r\d called GET k\d at \d+ and got .+ \(read by ReadIndex on n\d\)/);
    for (const r of runs(8, 10_000, false)) expect(r.failure, `seed ${r.seed} without the bug`).toBeNull();
  });
});
