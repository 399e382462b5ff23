import { afterEach, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import type { Cluster, ClusterEvent, ClusterOptions, MessageView } from '../../src/cluster/types.js';
import { waitFor } from '../helpers/wait-for.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function virtual(options: ClusterOptions = {}): Promise<Cluster> {
  cluster = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 3, ...options });
  return cluster;
}

/** Advances 1 ms at a time until something is in flight (bounded). */
async function untilInFlight(c: Cluster, limitMs = 2000): Promise<MessageView[]> {
  for (let t = 0; t < limitMs; t++) {
    if (c.inFlight().length > 0) return c.inFlight();
    await c.advance(1);
  }
  throw new Error('nothing went in flight');
}

const shape = (views: MessageView[]) => views.map((v) => `${v.from}→${v.to} ${v.summary}`).sort();

describe('messages take time: latencyMs on the cluster clock', () => {
  it('a message arrives exactly its latency after it was sent, not before', async () => {
    const c = await virtual({ latencyMs: [10, 10] });
    const delivered: ClusterEvent[] = [];
    c.on('event', (e) => {
      if (e.type === 'deliver') delivered.push(e);
    });
    const [first] = await untilInFlight(c);
    expect(first!.deliverAt - first!.sentAt).toBe(10);
    const now = c.snapshot().takenAt;
    await c.advance(first!.deliverAt - now - 1);
    expect(c.inFlight().map((v) => v.id)).toContain(first!.id);
    expect(delivered.some((e) => e.type === 'deliver' && e.message.id === first!.id)).toBe(false);
    await c.advance(1);
    expect(c.inFlight().map((v) => v.id)).not.toContain(first!.id);
    const arrival = delivered.find((e) => e.type === 'deliver' && e.message.id === first!.id);
    expect(arrival?.at).toBe(first!.deliverAt);
  });

  it('keeps each link in order and draws each delay from the range', async () => {
    const c = await virtual({ latencyMs: [5, 40] });
    await c.advance(3000);
    const seen: MessageView[] = [];
    c.on('event', (e) => {
      if (e.type === 'deliver') seen.push(e.message);
    });
    await c.advance(2000);
    expect(seen.length).toBeGreaterThan(20);
    const byLink = new Map<string, MessageView[]>();
    for (const v of seen) {
      expect(v.deliverAt - v.sentAt).toBeGreaterThanOrEqual(5);
      const list = byLink.get(`${v.from}-${v.to}`) ?? [];
      list.push(v);
      byLink.set(`${v.from}-${v.to}`, list);
    }
    for (const list of byLink.values()) for (let i = 1; i < list.length; i++) expect(list[i]!.id).toBeGreaterThan(list[i - 1]!.id);
  });

  it('heal keeps the latency (it is not a fault); setLatency changes it; the snapshot says it', async () => {
    const c = await virtual({ latencyMs: [10, 10] });
    c.setLatency([7, 7]);
    c.partition([[1], [2, 3]]);
    c.heal();
    expect(c.snapshot().latencyMs).toEqual([7, 7]);
    const [first] = await untilInFlight(c);
    expect(first!.deliverAt - first!.sentAt).toBe(7);
    expect(() => c.setLatency([5, 2])).toThrow(/0 <= min <= max/);
  });

  it('without latency nothing is ever in flight (the default API behaves as before)', async () => {
    const c = await virtual();
    let seen = 0;
    for (let t = 0; t < 1000; t += 5) {
      await c.advance(5);
      seen += c.inFlight().length;
    }
    expect(c.leader()).toBeDefined();
    expect(seen).toBe(0);
  });
});

describe('inFlight, step, drop-msg and timeout', () => {
  it('inFlight lists exactly the sent, undelivered messages, with summaries', async () => {
    const c = await virtual({ latencyMs: [5, 5], preVote: false });
    const views = await untilInFlight(c);
    const candidate = views[0]!.from;
    const others = c.ids.filter((id) => id !== candidate);
    expect(shape(views)).toEqual(others.map((to) => `${candidate}→${to} RequestVote term 1 last 0/t0`));
    expect(views.every((v) => v.type === 'RequestVote' && v.term === 1)).toBe(true);
  });

  it('step <id> delivers that message and only it, and says what the receiver did', async () => {
    const c = await virtual({ latencyMs: [5, 5], preVote: false });
    const views = await untilInFlight(c);
    const [a, b] = views;
    const said = await c.step(b!.id);
    expect(said).toBe(
      `delivered #${b!.id} n${b!.from} → n${b!.to} RequestVote term 1 last 0/t0 — n${b!.to} saw term 1: now follower; n${b!.to} granted its vote to n${b!.from} for term 1`,
    );
    expect(shape(c.inFlight())).toEqual(
      [`${a!.from}→${a!.to} RequestVote term 1 last 0/t0`, `${b!.to}→${b!.from} RequestVoteResponse granted term 1`].sort(),
    );
    expect(c.status().find((s) => s.id === b!.to)?.votedFor).toBe(b!.from);
    expect(c.status().find((s) => s.id === a!.to)?.votedFor).toBe(null);
    await expect(c.step(9999)).rejects.toThrow(/no message #9999 is in flight/);
  });

  it('drop-msg loses the message: it never arrives, and shows as lost for a moment', async () => {
    const c = await virtual({ latencyMs: [5, 5], preVote: false });
    const [a] = await untilInFlight(c);
    c.dropMessage(a!.id);
    expect(c.inFlight().map((v) => v.id)).not.toContain(a!.id);
    expect(c.snapshot().inFlight.find((v) => v.id === a!.id)?.lost?.reason).toBe('dropped by hand');
    await c.advance(50);
    // The candidate still wins with the other vote; the dropped request's receiver never voted.
    expect(c.leader()).toBe(a!.from);
    expect(c.status().find((s) => s.id === a!.to)?.votedFor).toBe(null);
    await c.advance(1000);
    expect(c.snapshot().inFlight.some((v) => v.id === a!.id)).toBe(false);
    expect(() => c.dropMessage(a!.id)).toThrow(/no message #\d+ is in flight/);
  });

  it('step with nothing in flight jumps to the next timer that fires, in one call', async () => {
    const c = await virtual({ latencyMs: [5, 5] });
    const first = Math.min(...c.snapshot().nodes.map((n) => n.electionTimeoutMs));
    expect(c.inFlight()).toEqual([]);
    const said = await c.step();
    expect(said).toMatch(/^time moved \d+ ms to n\d's election timeout \(n\d is precandidate in term 0\); 2 messages in flight$/);
    expect(c.snapshot().takenAt).toBe(first);
    expect(c.inFlight().map((v) => v.type)).toEqual(['PreVote', 'PreVote']);
  });

  it('timeout <id> fires that node’s election timer now: a pre-candidate, or a candidate without pre-vote', async () => {
    const c = await virtual({ latencyMs: [5, 5] });
    expect(await c.timeout(2)).toMatch(/^n2's election timer fired: precandidate, asking for pre-votes for term 1$/);
    expect(c.status().find((s) => s.id === 2)?.role).toBe('precandidate');
    expect(shape(c.inFlight())).toEqual(['2→1 PreVote term 1 last 0/t0', '2→3 PreVote term 1 last 0/t0']);
    expect(c.snapshot().takenAt).toBe(0);

    const d = await createCluster({ nodes: 3, transport: 'memory', clock: 'virtual', seed: 3, preVote: false, latencyMs: [5, 5] });
    try {
      await d.timeout(3);
      expect(d.status().find((s) => s.id === 3)).toMatchObject({ role: 'candidate', term: 1, votedFor: 3 });
      await d.advance(20);
      expect(d.leader()).toBe(3);
      await expect(d.timeout(3)).rejects.toThrow(/n3 is the leader/);
      await d.crash(1);
      await expect(d.timeout(1)).rejects.toThrow(/n1 is down/);
    } finally {
      await d.stop();
    }
  });
});

describe('what the snapshot shows while Raft works', () => {
  it('a candidate’s tally: granted and refused, and the refusal’s reason in the step narration', async () => {
    const c = await virtual({ latencyMs: [5, 5], preVote: false });
    await c.timeout(2);
    await c.timeout(3);
    expect(c.snapshot().nodes.find((n) => n.id === 2)?.votes).toEqual({ granted: [2], refused: [] });
    const toThree = c.inFlight().find((v) => v.from === 2 && v.to === 3)!;
    expect(await c.step(toThree.id)).toMatch(/— n3 refused the vote: already voted for n3 in term 1$/);
    const answer = c.inFlight().find((v) => v.from === 3 && v.to === 2 && v.type === 'RequestVoteResponse')!;
    expect(answer.summary).toBe('RequestVoteResponse refused term 1');
    expect(await c.step(answer.id)).toMatch(/— n2 has votes 1\/2: n2 · refused by n3$/);
    expect(c.snapshot().nodes.find((n) => n.id === 2)?.votes).toEqual({ granted: [2], refused: [3] });
    expect(c.snapshot().nodes.find((n) => n.id === 1)?.votes).toBe(null);
  });

  it('the leader’s progress per follower and its commit quorum; followers’ last contact', async () => {
    const c = await virtual({ latencyMs: [5, 5] });
    await c.advance(1000);
    const leader = c.leader()!;
    const pending = c.submit('SET x = 1');
    await c.advance(200);
    expect(await pending).toMatchObject({ ok: true, index: 2 });
    const snap = c.snapshot();
    const lead = snap.nodes.find((n) => n.id === leader)!;
    expect(lead.progress?.map((p) => [p.peer, p.match, p.next, p.state])).toEqual(
      c.ids.filter((id) => id !== leader).map((id) => [id, 2, 3, 'replicate']),
    );
    expect(lead.commitQuorum?.length).toBeGreaterThanOrEqual(2);
    expect(lead.commitQuorum).toContain(leader);
    for (const f of snap.nodes.filter((n) => n.id !== leader)) {
      // Heartbeats every 50 ms, each 5 ms on the way: never more than one interval plus a tick.
      expect(f.lastContactMs).toBeGreaterThanOrEqual(0);
      expect(f.lastContactMs).toBeLessThanOrEqual(60);
      expect(f.progress).toBe(null);
    }
  });

  it('narrates each delivery: a follower behind rejects AppendEntries with the index and the hint', async () => {
    const c = await virtual({ latencyMs: [5, 5] });
    const outcomes: string[] = [];
    c.on('event', (e) => {
      if (e.type === 'deliver') outcomes.push(`${e.message.summary} — ${e.outcome}`);
    });
    await c.advance(1000);
    const leader = c.leader()!;
    const behind = c.ids.find((id) => id !== leader)!;
    // Lose the AppendEntries carrying entry 2 to one follower: the next one does not match.
    void c.submit('SET a = 1');
    await c.advance(0);
    const carrying = c.inFlight().find((v) => v.from === leader && v.to === behind && v.summary.includes('entry 2'))!;
    c.dropMessage(carrying.id);
    void c.submit('SET b = 2');
    await c.advance(100);
    expect(
      outcomes.some((o) => new RegExp(`— n${behind} rejected AppendEntries: no entry at 2 \\(its log ends at 1\\); hint 2$`).test(o)),
    ).toBe(true);
    expect(outcomes.some((o) => new RegExp(`— n${leader} moves n${behind}'s next index back to 2 \\(probe\\)$`).test(o))).toBe(true);
    expect(outcomes.some((o) => /^PreVote term \d+ last \d+\/t\d+ — n\d (granted|refused) (its|the) pre-vote/.test(o))).toBe(true);
  });
});

describe('pause and step on the real clock, over real TCP', () => {
  it('messages over TCP take their latency; while paused they stay in flight until stepped', async () => {
    cluster = await createCluster({ nodes: 3, electionTimeoutMs: [150, 300], heartbeatMs: 30, latencyMs: [20, 20] });
    const c = cluster;
    const deliveries: Extract<ClusterEvent, { type: 'deliver' }>[] = [];
    c.on('event', (e) => {
      if (e.type === 'deliver') deliveries.push(e);
    });
    await waitFor('a leader', () => c.leader(), 10_000);
    await waitFor('some deliveries', () => deliveries.length >= 10);
    // Cluster time from send to arrival: the latency, plus the socket (a real clock runs late).
    for (const d of deliveries) expect(d.at - d.message.sentAt).toBeGreaterThanOrEqual(20);
    c.pause();
    // Between heartbeats nothing may be on the way: one step moves time to the next one.
    if (c.inFlight().length === 0) expect(await c.step()).toMatch(/^time moved \d+ ms to n\d's heartbeat/);
    const held = c.inFlight()[0]!;
    expect(held).toBeDefined();
    const before = c.inFlight().map((v) => v.id);
    const said = await c.step(held.id);
    expect(said).toMatch(new RegExp(`^delivered #${held.id} n${held.from} → n${held.to} `));
    const after = c.inFlight().map((v) => v.id);
    expect(after).not.toContain(held.id);
    for (const id of before) if (id !== held.id) expect(after).toContain(id);
    c.resume();
    await waitFor('the held messages delivered', () => !c.inFlight().some((v) => before.includes(v.id)));
  });
});
