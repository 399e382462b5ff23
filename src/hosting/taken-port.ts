/**
 * How many sets of ports a process cluster tries before it gives up: a port is picked free
 * (free-port.ts) and bound only later by the node's process, and another program may take it
 * in between. Each attempt picks every port afresh.
 */
export const PORT_ATTEMPTS = 4;

/** Whether a node failed to start because its port was taken before its process could bind it. */
export function portWasTaken(err: unknown): boolean {
  return /EADDRINUSE|address already in use/.test(err instanceof Error ? err.message : String(err));
}
