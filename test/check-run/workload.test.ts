import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../src/check/linearizability.js';
import { HistoryRecorder } from '../../src/check/linearizability-recorder.js';
import { decodeEnvelope, isEnvelope } from '../../src/kv/envelope.js';
import { createRng } from '../../src/raft/rng.js';
import { runCheckSeed } from '../../src/sim/check-run.js';
import { defaultSettings, seedSettings } from '../../src/sim/check-run-settings.js';
import type { FaultKind } from '../../src/sim/nemesis-kinds.js';
import { Nemesis } from '../../src/sim/nemesis.js';
import { simulatorTarget } from '../../src/sim/nemesis-sim-target.js';
import { Simulator } from '../../src/sim/simulator.js';
import { SimWorkload, type WorkloadOptions } from '../../src/sim/workload.js';
import type { KvSimStateMachine } from '../../src/sim/workload-state-machine.js';

/** A simulator with the check's clients (and, if asked, a nemesis) wired in. */
function setup(seed: number, nodes: number, workload: WorkloadOptions = {}) {
  let sim: Simulator | undefined;
  const history = new HistoryRecorder(() => sim?.now ?? 0);
  const clients = new SimWorkload(createRng(seed), history, workload);
  sim = new Simulator({ nodes, seed, stateMachine: clients.stateMachine });
  clients.attach(sim);
  return { sim, history, clients };
}

/** Client requests (client, seq) that were committed at more than one index of `log`. */
function committedTwice(sim: Simulator, node: number): string[] {
  const at = new Map<string, number>();
  const twice: string[] = [];
  for (let i = 1; i <= sim.commitIndex(node); i++) {
    const data = sim.entryAt(node, i)!.data;
    if (!isEnvelope(data)) continue;
    const d = decodeEnvelope(data);
    if (!d.ok) continue;
    const id = `${d.envelope.client}/${d.envelope.seq}`;
    at.set(id, (at.get(id) ?? 0) + 1);
    if (at.get(id) === 2) twice.push(id);
  }
  return twice;
}

describe('the check clients', () => {
  it('without faults: every operation is answered through the log and the history is linearizable', () => {
    const { sim, history, clients } = setup(5, 5, { clients: 4 });
    clients.start(5000);
    sim.runFor(5000);
    expect(sim.runUntil(() => clients.inFlight === 0, 2000)).toBe(true);
    expect(clients.stats.invoked).toBeGreaterThan(100);
    expect(clients.stats.ok).toBe(clients.stats.invoked);
    expect(clients.stats.indeterminate + clients.stats.failed).toBe(0);
    const ops = history.history();
    expect(ops).toHaveLength(clients.stats.invoked);
    expect(new Set(ops.map((o) => o.op.type))).toEqual(new Set(['set', 'get', 'cas', 'del']));
    expect(checkLinearizability(ops)).toMatchObject({ ok: true, keys: 3 });
    // The answers came from real state: once followers learn the last commit (a heartbeat
    // later), every node holds the same store.
    sim.runFor(500);
    const stores = sim.ids.map((id) => {
      const sm = sim.stateMachine(id) as KvSimStateMachine;
      return ['k0', 'k1', 'k2'].map((k) => sm.read(k)).join(',');
    });
    expect(new Set(stores).size).toBe(1);
  });

  it('retries keep the client id and sequence number: a request committed twice is applied once, and the history stays linearizable', () => {
    const faults: FaultKind[] = ['isolate-leader', 'crash-one', 'drop', 'long-delay'];
    let duplicates = 0;
    let retries = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const { sim, history, clients } = setup(seed, 3, { clients: 5, attemptTimeoutMs: 300 });
      const nemesis = new Nemesis(
        simulatorTarget(sim, (id) => clients.nodeCrashed(id)),
        createRng(seed + 100),
        { kinds: faults, everyMs: [50, 300], lastsMs: [100, 800], electionTimeoutMs: [150, 300] },
      );
      nemesis.start(8000);
      clients.start(8000);
      sim.runFor(8000);
      nemesis.healAll();
      sim.runUntil(() => clients.inFlight === 0, 10_000);
      clients.finish();
      sim.runFor(1000);
      retries += clients.stats.retries;
      duplicates += committedTwice(sim, 1).length;
      const verdict = checkLinearizability(history.history());
      expect(verdict.ok, `seed ${seed}: ${verdict.ok ? '' : verdict.message}`).toBe(true);
    }
    expect(retries).toBeGreaterThan(0);
    expect(duplicates, 'no retried request reached the log twice').toBeGreaterThan(0);
  });

  it('an operation accepted by a leader that can no longer commit is indeterminate; one nobody accepts has failed', () => {
    const { sim, history, clients } = setup(8, 3, { clients: 3, opTimeoutMs: 1000, thinkMs: [0, 10] });
    expect(sim.runUntil(() => sim.leader() !== undefined, 2000)).toBe(true);
    const leader = sim.leader()!;
    clients.start(3000);
    sim.runFor(100);
    for (const id of sim.ids) {
      if (id !== leader) {
        sim.crash(id);
        clients.nodeCrashed(id);
      }
    }
    sim.runFor(3000);
    sim.runUntil(() => clients.inFlight === 0, 2000);
    expect(clients.stats.ok).toBeGreaterThan(0);
    expect(clients.stats.indeterminate).toBeGreaterThan(0);
    expect(clients.stats.failed).toBeGreaterThan(0);
    const ops = history.history();
    // Definite failures are left out; indeterminate ones stay in with no return.
    expect(ops).toHaveLength(clients.stats.ok + clients.stats.indeterminate);
    expect(ops.filter((o) => o.return === Infinity)).toHaveLength(clients.stats.indeterminate);
  });

  it('stale reads from a leader that does not go through the log are caught by linearizability alone', () => {
    let found: ReturnType<typeof runCheckSeed> | undefined;
    for (let seed = 1; seed <= 20 && !found; seed++) {
      const r = runCheckSeed(seedSettings(seed, { ...defaultSettings('stale-read'), timeMs: 5000 }));
      if (r.failure) found = r;
    }
    expect(found, 'no seed in 1-20 showed a stale read').toBeDefined();
    // The logs are fine: only what the clients saw is wrong.
    expect(found!.violations).toEqual([]);
    expect(found!.failure!.kind).toBe('linearizability');
    expect(found!.failure!.message).toMatch(/GET k\d → /);
  });
});
