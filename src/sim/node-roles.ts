/**
 * Which nodes of a running cluster believe they lead, from the cluster's events (each node says
 * when its role changes), and which were removed: what the check's reader clients ask before
 * they send a read, as the simulator's readers ask a node's role.
 */
import type { Cluster } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';

export class NodeRoles {
  /** The nodes whose latest role is leader (a deposed leader that has not heard of it stays here). */
  private readonly leaders = new Set<NodeId>();
  private readonly removed = new Set<NodeId>();
  private readonly off: () => void;

  constructor(private readonly cluster: Cluster) {
    this.off = cluster.on('event', (e) => {
      if (e.type === 'raft' && e.event.kind === 'role') {
        if (e.event.role === 'leader') this.leaders.add(e.node);
        else this.leaders.delete(e.node);
      } else if (e.type === 'crash') {
        this.leaders.delete(e.node);
      } else if (e.type === 'membership' && e.step === 'removed') {
        // Out of the configuration: it steps down (thesis §4.2.2) and the cluster stops it.
        this.leaders.delete(e.node);
        this.removed.add(e.node);
      }
    });
  }

  /** Whether node `id` believes it leads. */
  leads(id: NodeId): boolean {
    return this.leaders.has(id);
  }

  /** The cluster's nodes, less the removed ones. */
  members(): NodeId[] {
    return this.cluster.ids.filter((id) => !this.removed.has(id));
  }

  /** Stops listening to the cluster. */
  dispose(): void {
    this.off();
  }
}
