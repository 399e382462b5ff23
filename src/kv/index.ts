/** The replicated key-value store: command parsing, client envelopes and the state machine. */
export * from './types.js';
export { parseKvCommand, parseKvOp, formatKvOp, formatValue, keyProblem, type ParsedKvOp } from './parse.js';
export { encodeEnvelope, decodeEnvelope, isEnvelope, commandOf } from './envelope.js';
export { KvStateMachine, type KvStateMachineOptions } from './state-machine.js';
