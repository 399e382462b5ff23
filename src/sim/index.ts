/** The deterministic simulator: virtual time, seeded faults, chaos runs, speed measurement. */
export { Simulator } from './simulator.js';
export { runChaos, type ChaosOptions, type ChaosResult } from './chaos.js';
export { randomFault, scheduleFaults, scheduleProposals, type FaultPlan } from './chaos-schedule.js';
export { measureSimSpeed, type SimSpeed, type SimSpeedOptions } from './measure.js';
export { RecordingStateMachine } from './recording-state-machine.js';
export { deriveSeed } from './derive-seed.js';
export type { DurableRecord, SimBugs, SimEvent, SimNodeStatus, SimStateMachine, SimulatorOptions } from './types.js';
