/**
 * The dashboard's colours and words. Every colour has words or a marker beside it (roles are
 * named, uncommitted entries marked), so the screen reads the same with NO_COLOR.
 */
import type { Role, Term } from '../raft/types.js';
import type { LineTone } from './event-log.js';

export const ROLE_LABEL: Record<Role, string> = {
  leader: 'LEADER',
  follower: 'FOLLOWER',
  candidate: 'CANDIDATE',
  precandidate: 'PRE-CANDIDATE',
};

export const ROLE_COLOR: Record<Role, string> = {
  leader: 'green',
  follower: 'white',
  candidate: 'yellow',
  precandidate: 'magenta',
};

export const DOWN_COLOR = 'red';
export const SELECTED_COLOR = 'cyan';

/** Log entries take the colour of their term, so a term change in a log stands out. */
const TERM_PALETTE = ['cyan', 'magenta', 'yellow', 'blueBright', 'green', 'redBright'];

export function termColor(term: Term): string {
  return TERM_PALETTE[term % TERM_PALETTE.length] ?? 'white';
}

export const TONE_COLOR: Record<LineTone, string | undefined> = {
  info: undefined,
  good: 'green',
  warn: 'yellow',
  bad: 'red',
  quiet: 'gray',
  command: 'cyan',
  ok: 'green',
  error: 'red',
};

/** Marks in front of log entries: committed, or stored but not yet committed. */
export const COMMITTED_MARK = '✓';
export const UNCOMMITTED_MARK = '○';

/** "1 node", "3 nodes": a count with its noun, singular when it is one. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** "950", "1.2k", "3.4M". */
export function count(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
