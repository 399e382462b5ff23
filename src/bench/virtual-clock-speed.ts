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

/** One measured stretch of the loop: simulated ms, and the wall and CPU ms they took. */
export interface ClockWindow {
  simulatedMs: number;
  wallMs: number;
  cpuMs: number;
}

/**
 * The public API's virtual clock: a 5-node cluster (memory transport, virtual clock, live
 * safety checker on) driven by `advance(10)` in a loop with one `submit` per advance — 100
 * per simulated second, each awaited by its caller — after {@link WARM_UP_MS} of warm-up (the
 * cluster, not the JIT and the heap sizing), measured in `windows` consecutive stretches of
 * `windowMs` simulated ms each. With `submits: false`, the same loop with no submits: the cost
 * of time passing alone (ticks, heartbeats, the turns between timers), the floor under the figure.
 */
export async function measureVirtualClockSpeed(
  windowMs: number,
  windows: number,
  submits = true,
): Promise<{ windows: ClockWindow[]; ok: number; failed: number }> {
  const cluster = await createCluster({ nodes: 5, transport: 'memory', clock: 'virtual', seed: 11 });
  let ok = 0;
  let failed = 0;
  let t = 0;
  const loop = async (ms: number): Promise<void> => {
    for (const end = t + ms; t < end; t += 10) {
      if (submits) void cluster.submit(`SET k${t % 16} = ${t}`).then((r) => (r.ok ? ok++ : failed++));
      await cluster.advance(10);
    }
  };
  await loop(WARM_UP_MS);
  ok = 0;
  failed = 0;
  const measured: ClockWindow[] = [];
  for (let i = 0; i < windows; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await loop(windowMs);
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    // CPU time too: on a machine shared with other work, wall time also counts the waiting.
    measured.push({ simulatedMs: windowMs, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  await cluster.stop();
  return { windows: measured, ok, failed };
}

type Measured = Awaited<ReturnType<typeof measureVirtualClockSpeed>>;

/**
 * {@link measureVirtualClockSpeed} in a worker thread: a heap of its own, as a program running
 * a virtual cluster has, not one the bench's earlier rows filled (their old objects make every
 * collection here cost more: the row read about a quarter lower when it ran after them).
 */
function measureInFreshHeap(windowMs: number, windows: number, submits: boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./virtual-clock-worker.js', import.meta.url), { workerData: { windowMs, windows, submits } });
    worker.once('message', (m: Measured) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`virtual-clock measurement worker exited with code ${code}`));
    });
  });
}

/** Simulated s per wall (or CPU) s of one window. */
const rateOf = (w: ClockWindow, by: 'wallMs' | 'cpuMs'): number => w.simulatedMs / w[by];

/** The middle value (the lower middle of an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * The `npm run bench` row: the median of five one-minute windows. One window lasts about a
 * twentieth of a wall second here, so a stall of the machine or an old-generation collection
 * moves a single window by a sixth or more; the median of five, with their range, is the
 * steadier figure (a long run pays for those collections too: they fall in some windows).
 */
export async function virtualClockSpeedFigure(quick: boolean): Promise<{ what: string; result: string; target: string }> {
  const windowMs = quick ? 10_000 : 60_000;
  const windows = quick ? 1 : 5;
  const r = await measureInFreshHeap(windowMs, windows, true);
  const idle = await measureInFreshHeap(windowMs, windows, false);
  const wall = r.windows.map((w) => rateOf(w, 'wallMs'));
  const cpu = r.windows.map((w) => rateOf(w, 'cpuMs'));
  const over = windows > 1 ? `, median of ${windows} one-minute windows (${fmt(Math.min(...wall))}–${fmt(Math.max(...wall))})` : '';
  const failed = r.failed > 0 ? `, ${r.failed} submits failed` : '';
  return {
    what: 'virtual clock (public API): 5 nodes, advance(10) loop, 100 submits/s',
    result: `${fmt(median(wall))} simulated s per wall s${over}; ${fmt(median(cpu))} per CPU s; with no submits ${fmt(median(idle.windows.map((w) => rateOf(w, 'wallMs'))))}${failed}`,
    target: '≥ 1,000',
  };
}
