import type { ClusterSecret } from '../net/cluster-secret.js';
import type { FaultFilter } from '../net/fault-filter.js';
import { TcpTransport } from '../net/tcp-transport.js';
import type { Transport } from '../net/types.js';
import { createRng, type Rng } from '../raft/rng.js';
import type { NodeId } from '../raft/types.js';
import type { InFlightMessages } from './in-flight.js';
import { InProcessNetwork } from './in-process-network.js';
import type { Scheduler } from './scheduler.js';

/**
 * Each inline node's endpoint on the cluster's network: loopback TCP (authenticated by the
 * cluster secret) or the in-process network, both behind the one fault filter, and each wrapped
 * by the in-flight queue (latency, pause and step).
 */
export class NodeTransports {
  private readonly network: InProcessNetwork | undefined;
  /** What nodes prove to each other on every TCP connection; never printed, never in a snapshot. */
  secret: ClusterSecret | undefined;

  constructor(
    kind: 'tcp' | 'memory',
    private readonly filter: FaultFilter,
    private readonly rng: Rng,
    scheduler: Scheduler,
    private readonly inFlight: InFlightMessages,
    private readonly ctx: {
      /** Every node id (a TCP endpoint connects to these). */
      ids: NodeId[];
      onBadInput(id: NodeId, reason: string): void;
    },
  ) {
    if (kind === 'memory') this.network = new InProcessNetwork(filter, rng, scheduler);
  }

  make(id: NodeId, port: number): Transport {
    return this.inFlight.wrap(this.makeReal(id, port));
  }

  /** Tells every TCP endpoint where its peers listen. */
  sharePorts(endpoints: Iterable<{ id: NodeId; port: number; transport: Transport }>): void {
    const list = [...endpoints];
    const ports = new Map<NodeId, number>();
    for (const e of list) if (e.port !== 0) ports.set(e.id, e.port);
    for (const e of list) e.transport.setPeerPorts?.(ports);
  }

  private makeReal(id: NodeId, port: number): Transport {
    if (this.network) return this.network.transport(id);
    return new TcpTransport({
      id,
      secret: this.secret!,
      peers: this.ctx.ids,
      port,
      filter: this.filter,
      rng: createRng(this.rng.int(0, 2 ** 31)),
      onBadInput: (reason, detail) => this.ctx.onBadInput(id, `${reason}: ${detail}`),
    });
  }
}
