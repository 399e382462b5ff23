import type { NodeId } from '../raft/types.js';
import type { NemesisTarget } from './nemesis.js';
import type { SimMembership } from './sim-membership.js';
import type { Simulator } from './simulator.js';

/**
 * The simulator as the nemesis's target: virtual time, faults through the simulator's own
 * controls. `onCrash` hears of each crash (the clients waiting on that node); `membership`
 * adds and removes nodes.
 */
export function simulatorTarget(sim: Simulator, onCrash?: (id: NodeId) => void, membership?: SimMembership): NemesisTarget {
  return {
    ...(membership && {
      membership: {
        voters: () => membership.voters(),
        members: () => membership.members(),
        add: () => membership.add(),
        remove: (node, keepRunningMs) => membership.remove(node, keepRunningMs),
        retireLingering: () => membership.retireLingering(),
      },
    }),
    ids: sim.ids,
    now: () => sim.now,
    later: (ms, fn) => sim.schedule(sim.now + ms, fn),
    leader: () => sim.leader(),
    isUp: (id) => sim.isUp(id),
    crash: (id) => {
      if (!sim.isUp(id)) return;
      sim.crash(id);
      onCrash?.(id);
    },
    restart: (id) => sim.restart(id),
    setLinks: (links) => sim.setLinks(links.partition, links.cuts),
    setMessages: (faults) => sim.setNetwork(faults),
    transfer: (from, to) => sim.transfer(from, to),
  };
}
