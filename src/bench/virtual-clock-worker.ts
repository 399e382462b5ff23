import { parentPort, workerData } from 'node:worker_threads';
import { measureVirtualClockSpeed } from './virtual-clock-speed.js';

/** Runs one virtual-clock measurement in this worker's own heap and posts the result back. */
const { windowMs, windows, submits } = workerData as { windowMs: number; windows: number; submits: boolean };
parentPort?.postMessage(await measureVirtualClockSpeed(windowMs, windows, submits));
