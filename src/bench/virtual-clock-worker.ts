import { parentPort, workerData } from 'node:worker_threads';
import { measureVirtualClockSpeed } from './virtual-clock-speed.js';

/** Runs one virtual-clock measurement in this worker's own heap and posts the result back. */
const { simulatedMs, submits } = workerData as { simulatedMs: number; submits: boolean };
parentPort?.postMessage(await measureVirtualClockSpeed(simulatedMs, submits));
