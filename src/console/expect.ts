/**
 * `expect <condition>`: a check a script makes on the cluster as it is at that moment, so a
 * script can be a lesson that checks itself. Parsed here into plain data; checked against a
 * snapshot, with what was seen instead when it does not hold.
 */
import type { ClusterSnapshot, NodeView } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { nodeArg, type Arg } from './parse-args.js';

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A condition `expect` checks. */
export type Expectation =
  | { what: 'leader'; among: NodeId[] | 'none' | 'any' }
  | { what: 'role'; node: NodeId; role: 'leader' | 'follower' | 'candidate' | 'precandidate' | 'down' | 'up' }
  | { what: 'value'; key: string; value: string | null; on: NodeId[] | 'all' | 'leader' }
  | { what: 'number'; field: 'term' | 'commit' | 'last'; node: NodeId | null; op: Comparison; n: number }
  /** The leader's matchIndex for a follower (§5.3): what it KNOWS that follower stores. */
  | { what: 'match'; node: NodeId; op: Comparison; n: number }
  /** The entry at `index` on each node: of term `term`, or (null) absent. */
  | { what: 'entry'; index: number; term: number | null; on: NodeId[] }
  | { what: 'logs-match' }
  | { what: 'safety' };

export const EXPECT_USAGE =
  'expect leader n3 | leader in 3,4,5 | no leader | x = 1 on all | x unset on n2 | committed 7 | term > 2 | last n1 >= 4 | role n1 follower | match n3 >= 4 | entry 3 t2 on 1,2,3 | entry 4 none on 3 | logs match | safety ok';

const ROLES = ['leader', 'follower', 'candidate', 'precandidate', 'down', 'up'] as const;

const ok = <T>(value: T): Arg<T> => ({ ok: true, value });
const bad = <T>(message: string): Arg<T> => ({ ok: false, message: `${message}: ${EXPECT_USAGE}` });

function ids(text: string, all: readonly NodeId[]): Arg<NodeId[]> {
  const out: NodeId[] = [];
  for (const w of text.split(/[\s,]+/).filter(Boolean)) {
    const id = nodeArg(w, all, EXPECT_USAGE);
    if (!id.ok) return id;
    out.push(id.value);
  }
  return out.length > 0 ? ok(out) : bad('no nodes named');
}

/** `committed 7`, `term > 2`, `last n1 >= 4`: a field, maybe a node, maybe an operator, a number. */
function parseNumber(field: 'term' | 'commit' | 'last', rest: string, all: readonly NodeId[]): Arg<Expectation> {
  const m = /^(n?\d+\s+)?(>=|<=|!=|=|<|>)?\s*(\d+)$/i.exec(rest.trim());
  if (!m) return bad(`"${rest.trim()}" is not a comparison with a number`);
  let node: NodeId | null = null;
  if (m[1]) {
    const id = nodeArg(m[1].trim(), all, EXPECT_USAGE);
    if (!id.ok) return id;
    node = id.value;
  }
  return ok({ what: 'number', field, node, op: (m[2] ?? '=') as Comparison, n: Number(m[3]) });
}

/** Parses the text after `expect`. */
export function parseExpectation(text: string, all: readonly NodeId[]): Arg<Expectation> {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return bad('expect needs a condition');
  const lower = t.toLowerCase();
  if (lower === 'no leader' || lower === 'leader none') return ok({ what: 'leader', among: 'none' });
  if (lower === 'leader' || lower === 'a leader') return ok({ what: 'leader', among: 'any' });
  if (lower === 'logs match') return ok({ what: 'logs-match' });
  if (lower === 'safety ok' || lower === 'safety') return ok({ what: 'safety' });
  let m = /^leader (in )?(.+)$/i.exec(t);
  if (m) {
    const among = ids(m[2]!, all);
    return among.ok ? ok({ what: 'leader', among: among.value }) : among;
  }
  m = /^role (\S+) (\S+)$/i.exec(t);
  if (m) {
    const node = nodeArg(m[1]!, all, EXPECT_USAGE);
    if (!node.ok) return node;
    const role = m[2]!.toLowerCase().replace('-', '') as (typeof ROLES)[number];
    if (!ROLES.includes(role)) return bad(`"${m[2]}" is not a role (${ROLES.join(', ')})`);
    return ok({ what: 'role', node: node.value, role });
  }
  m = /^match (n?\d+) ?(>=|<=|!=|=|<|>)? ?(\d+)$/i.exec(t);
  if (m) {
    const node = nodeArg(m[1]!, all, EXPECT_USAGE);
    return node.ok ? ok({ what: 'match', node: node.value, op: (m[2] ?? '=') as Comparison, n: Number(m[3]) }) : node;
  }
  m = /^entry (\d+) (?:t(?:erm ?)?(\d+)|none) on (.+)$/i.exec(t);
  if (m) {
    const on = ids(m[3]!, all);
    return on.ok ? ok({ what: 'entry', index: Number(m[1]), term: m[2] === undefined ? null : Number(m[2]), on: on.value }) : on;
  }
  m = /^(term|committed|commit|last)\b(.*)$/i.exec(t);
  if (m) {
    const word = m[1]!.toLowerCase();
    return parseNumber(word === 'committed' ? 'commit' : (word as 'term' | 'commit' | 'last'), m[2]!, all);
  }
  m = /^([A-Za-z_][\w.-]*) (?:= ?(.+?)|unset)(?: on (.+))?$/i.exec(t) ?? /^([A-Za-z_][\w.-]*) ?= ?(.+?)(?: on (.+))?$/i.exec(t);
  if (m) {
    const value = m[2] === undefined ? null : m[2].replace(/^"(.*)"$/, '$1');
    const where = (m[3] ?? 'leader').toLowerCase();
    if (where === 'all' || where === 'leader') return ok({ what: 'value', key: m[1]!, value, on: where });
    const on = ids(where, all);
    return on.ok ? ok({ what: 'value', key: m[1]!, value, on: on.value }) : on;
  }
  return bad(`"${t}" is not a condition expect knows`);
}

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function roleOf(n: NodeView): string {
  return n.up ? n.role : 'down';
}

function nodesText(list: readonly NodeId[]): string {
  return list.map((id) => `n${id}`).join(', ');
}

/** The condition in words, for the success line: `leader is n3`, `x = 1 on all`. */
export function describeExpectation(e: Expectation): string {
  switch (e.what) {
    case 'leader':
      return e.among === 'none' ? 'no leader' : e.among === 'any' ? 'a leader' : `leader in ${nodesText(e.among)}`;
    case 'role':
      return `n${e.node} is ${e.role}`;
    case 'value': {
      const where = Array.isArray(e.on) ? nodesText(e.on) : e.on === 'all' ? 'every node up' : 'the leader';
      return `${e.key} ${e.value === null ? 'unset' : `= ${e.value}`} on ${where}`;
    }
    case 'number':
      return `${e.field === 'last' ? 'last index' : e.field}${e.node === null ? '' : ` of n${e.node}`} ${e.op} ${e.n}`;
    case 'match':
      return `the leader's match index for n${e.node} ${e.op} ${e.n}`;
    case 'entry':
      return `entry ${e.index} ${e.term === null ? 'absent' : `of term ${e.term}`} on ${nodesText(e.on)}`;
    case 'logs-match':
      return 'every log up matches';
    case 'safety':
      return 'safety ok';
  }
}

/** Whether the condition holds in `s`; when it does not, what was seen instead. */
export function checkExpectation(s: ClusterSnapshot, e: Expectation): { ok: true } | { ok: false; seen: string } {
  const node = (id: NodeId): NodeView | undefined => s.nodes.find((n) => n.id === id);
  const leaderText = s.leader === undefined ? 'there is no leader' : `n${s.leader} leads (term ${s.term})`;
  switch (e.what) {
    case 'leader': {
      const holds =
        e.among === 'none' ? s.leader === undefined : e.among === 'any' ? s.leader !== undefined : e.among.includes(s.leader ?? -1);
      return holds ? { ok: true } : { ok: false, seen: leaderText };
    }
    case 'role': {
      const n = node(e.node);
      const role = n ? roleOf(n) : 'unknown';
      const holds = e.role === 'up' ? n?.up === true : role === e.role;
      return holds ? { ok: true } : { ok: false, seen: `n${e.node} is ${role}${n?.up ? ` in term ${n.term}` : ''}` };
    }
    case 'value': {
      const on =
        e.on === 'all'
          ? s.nodes.filter((n) => n.up)
          : e.on === 'leader'
            ? s.nodes.filter((n) => n.id === s.leader)
            : e.on.map((id) => node(id)).filter((n): n is NodeView => n !== undefined);
      if (e.on === 'leader' && on.length === 0) return { ok: false, seen: 'there is no leader to ask' };
      const wrong = on.filter((n) => !n.up || (n.kv[e.key] ?? null) !== e.value);
      if (wrong.length === 0) return { ok: true };
      const seen = wrong.map((n) =>
        n.up ? `n${n.id} has ${n.kv[e.key] === undefined ? `${e.key} unset` : `${e.key} = ${n.kv[e.key]}`}` : `n${n.id} is down`,
      );
      return { ok: false, seen: seen.join(', ') };
    }
    case 'number': {
      const n = e.node === null ? undefined : node(e.node);
      if (e.node !== null && !n?.up && e.field !== 'last') return { ok: false, seen: `n${e.node} is down` };
      const value =
        e.field === 'term'
          ? (n?.term ?? s.term)
          : e.field === 'commit'
            ? (n?.commitIndex ?? s.commitIndex)
            : (n?.lastIndex ?? Math.max(0, ...s.nodes.filter((x) => x.up).map((x) => x.lastIndex)));
      if (compare(value, e.op, e.n)) return { ok: true };
      const name = e.field === 'last' ? 'the last index' : e.field === 'commit' ? 'the commit index' : 'the term';
      return { ok: false, seen: `${name}${e.node === null ? '' : ` of n${e.node}`} is ${value}` };
    }
    case 'match': {
      const leader = s.leader === undefined ? undefined : node(s.leader);
      const pr = leader?.progress?.find((p) => p.peer === e.node);
      if (!pr) return { ok: false, seen: s.leader === undefined ? 'there is no leader' : `n${s.leader} keeps no progress for n${e.node}` };
      return compare(pr.match, e.op, e.n) ? { ok: true } : { ok: false, seen: `n${s.leader} knows n${e.node} up to index ${pr.match}` };
    }
    case 'entry': {
      const wrong: string[] = [];
      for (const id of e.on) {
        const n = node(id);
        if (!n?.up) {
          wrong.push(`n${id} is down`);
          continue;
        }
        const term = n.log.find((x) => x.index === e.index)?.term ?? null;
        if (term !== e.term) wrong.push(`n${id} has ${term === null ? 'no entry' : `term ${term}`} at ${e.index}`);
      }
      return wrong.length === 0 ? { ok: true } : { ok: false, seen: wrong.join(', ') };
    }
    case 'logs-match': {
      const up = s.nodes.filter((n) => n.up);
      const text = (n: NodeView): string => n.log.map((x) => `${x.index}/${x.term}`).join(' ');
      const first = up[0];
      const differ = up.filter((n) => n.lastIndex !== first?.lastIndex || text(n) !== text(first));
      if (!first || differ.length === 0) return { ok: true };
      return { ok: false, seen: up.map((n) => `n${n.id} ends at ${n.lastIndex}/t${n.log[n.log.length - 1]?.term ?? 0}`).join(', ') };
    }
    case 'safety':
      return s.safety.violations === 0
        ? { ok: true }
        : { ok: false, seen: `${s.safety.violations} violations, first: ${s.safety.first?.message ?? ''}` };
  }
}
