import { Worker } from 'node:worker_threads';
import { createCluster } from '../cluster/create-cluster.js';

/**
 * Simulated ms run before measuring. A fresh process runs this workload several times slower
 * at first — 100-400 simulated s per wall s over its first minute or two here — while the JIT
 * compiles it and V8 grows its young generation to the working size (each scavenge then copies
 * the same survivors far less often); after about two simulated minutes it holds steady. The
 * row measures that steady state, as a long simulation sees it; 180 s cost about half a wall s.
 */
const WARM_UP_MS = 180_000;

/**
 * The public API's virtual clock: a 5-node cluster (memory transport, virtual clock, live
 * safety checker on) driven by `advance(10)` in a loop with one `submit` per advance — 100
 * per simulated second, each awaited by its caller — reported as simulated s per wall s, after
 * {@link WARM_UP_MS} of warm-up (the cluster, not the JIT and the heap sizing). With
 * `submits: false`, the same loop with no submits: the cost of time passing alone (ticks,
 * heartbeats, the turns between timers), the floor under the figure.
 */
export async function measureVirtualClockSpeed(
  simulatedMs: number,
  submits = true,
): Promise<{ simulatedMs: number; wallMs: number; cpuMs: number; ok: number; failed: number }> {
  const cluster = await createCluster({ nodes: 5, transport: 'memory', clock: 'virtual', seed: 11 });
  let ok = 0;
  let failed = 0;
  const loop = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 10) {
      if (submits) void cluster.submit(`SET k${t % 16} = ${t}`).then((r) => (r.ok ? ok++ : failed++));
      await cluster.advance(10);
    }
  };
  await loop(WARM_UP_MS);
  ok = 0;
  failed = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await loop(simulatedMs);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  await cluster.stop();
  // CPU time too: on a machine shared with other work, wall time also counts the waiting.
  return { simulatedMs, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ok, failed };
}

type Measured = Awaited<ReturnType<typeof measureVirtualClockSpeed>>;

/**
 * {@link measureVirtualClockSpeed} in a worker thread: a heap of its own, as a program running
 * a virtual cluster has, not one the bench's earlier rows filled (their old objects make every
 * collection here cost more: the row read about a quarter lower when it ran after them).
 */
function measureInFreshHeap(simulatedMs: number, submits: boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./virtual-clock-worker.js', import.meta.url), { workerData: { simulatedMs, submits } });
    worker.once('message', (m: Measured) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`virtual-clock measurement worker exited with code ${code}`));
    });
  });
}

/** The `npm run bench` row. */
export async function virtualClockSpeedFigure(quick: boolean): Promise<{ what: string; result: string; target: string }> {
  // A minute: long enough to take in the old-generation collections a long run pays for too.
  const r = await measureInFreshHeap(quick ? 10_000 : 60_000, true);
  const idle = await measureInFreshHeap(quick ? 10_000 : 60_000, false);
  const failed = r.failed > 0 ? `, ${r.failed} submits failed` : '';
  const rate = (x: { simulatedMs: number; wallMs: number }) => Math.round(x.simulatedMs / x.wallMs).toLocaleString('en-US');
  return {
    what: 'virtual clock (public API): 5 nodes, advance(10) loop, 100 submits/s',
    result: `${rate(r)} simulated s per wall s (${Math.round(r.simulatedMs / r.cpuMs).toLocaleString('en-US')} per CPU s; with no submits ${rate(idle)})${failed}`,
    target: '≥ 1,000',
  };
}
