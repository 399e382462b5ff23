import type { Message, NodeId } from '../raft/types.js';

/**
 * The network faults one filter applies, for both the TCP transport and the simulator's
 * in-memory network.
 */
export interface NetworkFaults {
  /** Groups that can talk among themselves only; a node not named is alone. null: no partition. */
  partition: NodeId[][] | null;
  /** One-way cuts: messages from `from` to `to` are lost (the other way still works). */
  cuts: { from: NodeId; to: NodeId }[];
  /** Probability 0..1 that a message is lost. */
  dropRate: number;
  /** Probability 0..1 that a message is delivered twice. */
  duplicateRate: number;
  /** Each message is held for a uniform delay in [min, max] ms (reordering follows). null: none. */
  delayMs: [number, number] | null;
}

/**
 * Why bytes arriving on a port (or, for `bad-proof` and `handshake-timeout`, on a connection
 * this node opened) were dropped or a connection closed; counted per node.
 */
export type BadInputReason =
  /** The first line is not a hello of our protocol and version. */
  | 'bad-hello'
  /** The hello names a node that is not our peer, or is meant for another node. */
  | 'unknown-node'
  /** The other side did not prove it holds the cluster secret (either direction). */
  | 'bad-proof'
  /** The handshake did not finish within its deadline. */
  | 'handshake-timeout'
  /** Too many connections were waiting to authenticate: the oldest was closed. */
  | 'too-many-pending'
  /** An authenticated link sent nothing, not even a keepalive, for the idle deadline. */
  | 'idle-timeout'
  | 'invalid-json'
  | 'invalid-message'
  /** A message whose term is above the ceiling (MAX_TERM): it would leave no room to campaign. */
  | 'term-too-high'
  | 'wrong-sender'
  | 'line-too-long';

export interface TransportStats {
  sent: number;
  received: number;
  /** Dropped by the fault filter (partition, cut, drop rate). */
  filtered: number;
  badInput: Partial<Record<BadInputReason, number>>;
  /**
   * Lost on this side for reasons other than faults: peer not connected, its socket backed up,
   * or the transport stopped. Optional: a transport that never loses messages leaves it out.
   */
  dropped?: number;
  /** Connections the listener could not accept (e.g. EMFILE: no file descriptor left). Optional. */
  acceptErrors?: number;
  /** Peers with an open outbound connection right now. */
  connectedPeers: NodeId[];
}

/**
 * How one node host talks to its peers. `send` never throws and never blocks: messages to an
 * unreachable peer are dropped (Raft retries). Incoming messages arrive through `onMessage`
 * already validated (shape and sender).
 */
export interface Transport {
  readonly id: NodeId;
  /** Starts listening; resolves with the port (TCP) or 0 (memory). */
  start(): Promise<number>;
  send(messages: readonly Message[]): void;
  onMessage(handler: (message: Message) => void): void;
  /** Closes the listener and every connection; pending messages are dropped. */
  stop(): Promise<void>;
  stats(): TransportStats;
  /**
   * Tells this node where its peers listen (TCP, whose ports are ephemeral by default: start
   * every transport first, then hand each the others' ports). Absent on transports without ports.
   */
  setPeerPorts?(ports: ReadonlyMap<NodeId, number>): void;
  /** Nodes that joined the cluster after this transport started (a membership change). */
  addPeers?(ids: readonly NodeId[]): void;
}
