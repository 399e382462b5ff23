import { readFileSync } from 'node:fs';

/**
 * Who a process is, beyond its pid: pids are reused, so a lock that names only a pid could make a
 * live, unrelated process look like its owner. The start time (Linux: field 22 of
 * /proc/<pid>/stat, in clock ticks since boot) tells the original process from a later one with
 * the same pid.
 */
export interface ProcessIdentity {
  pid: number;
  /** Null where the platform does not say (then only the pid is compared). */
  start: string | null;
}

/** The start time of process `pid`, or null when this platform cannot tell or it is gone. */
export function processStartTime(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall; fields[0] is field 3
  } catch {
    return null;
  }
}

/** This process. */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: processStartTime(process.pid) };
}

/**
 * Whether the process a lock names still runs: 'this' (this very process), 'alive', or 'gone'
 * (no such pid, or the pid now belongs to a process that started at another time).
 */
export function processState(owner: ProcessIdentity): 'this' | 'alive' | 'gone' {
  const me = currentProcess();
  if (owner.pid === me.pid && (owner.start === null || owner.start === me.start)) return 'this';
  if (owner.pid === me.pid) return 'gone'; // an earlier process that had our pid
  try {
    process.kill(owner.pid, 0); // signal 0: only checks
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  if (owner.start === null) return 'alive'; // nothing more to compare: assume it is the owner
  const start = processStartTime(owner.pid);
  return start === null || start === owner.start ? 'alive' : 'gone';
}
