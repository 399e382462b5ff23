/**
 * Plain-word sentences for cluster events: what happened and, where the core said so, why.
 * "n3 became candidate for term 4: no heartbeat for 2.1 s". Returns null for events that are
 * noise on their own (applies, single-entry appends); the event log collapses the rest.
 */
import { describeAppendRejected } from '../cluster/delivery-narration.js';
import type { ClusterEvent } from '../cluster/types.js';
import type { NetworkFaults } from '../net/types.js';
import type { NodeId, RaftEvent, Role } from '../raft/types.js';

/** How a sentence should look: calm information, good news, a warning, or trouble. */
export type Tone = 'info' | 'good' | 'warn' | 'bad' | 'quiet';

export interface EventDescription {
  text: string;
  tone: Tone;
}

/** What the describer may know beyond the event itself. */
export interface DescribeContext {
  /** The election timeout (ms a person waits) a node was running before this event, if known. */
  timeoutMs?: (node: NodeId) => number | undefined;
  /** The node's role before this event, if known ("now follower" is news only if it was not). */
  roleBefore?: (node: NodeId) => Role | undefined;
  /** How many voters the cluster has (a lost election says "1 of 5"). */
  clusterSize?: number;
}

/** "n3". */
export function nodeName(id: NodeId): string {
  return `n${id}`;
}

/** "n1 n2 n4". */
export function nodeList(ids: readonly NodeId[]): string {
  return [...ids]
    .sort((a, b) => a - b)
    .map(nodeName)
    .join(' ');
}

/** "2.1 s" (tenths below a minute). */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** How a command reads in a sentence; the empty command is a new leader's no-op entry. */
export function commandText(command: string): string {
  const c = command.trim();
  return c === '' || c === 'noop' || c === '(no-op)' ? 'no-op' : command;
}

/** "{1,2} | {3,4,5}". */
export function partitionText(groups: readonly (readonly NodeId[])[]): string {
  return groups.map((g) => `{${g.join(',')}}`).join(' | ');
}

/** The active faults in short words: "partition {1,2} | {3,4,5}, drop 10%". Empty when none. */
export function faultsText(f: NetworkFaults): string {
  const parts: string[] = [];
  if (f.partition) parts.push(`partition ${partitionText(f.partition)}`);
  for (const c of f.cuts) parts.push(`cut ${c.from}→${c.to}`);
  if (f.dropRate > 0) parts.push(`drop ${percent(f.dropRate)}`);
  if (f.duplicateRate > 0) parts.push(`dup ${percent(f.duplicateRate)}`);
  if (f.delayMs) parts.push(`delay ${f.delayMs[0]}-${f.delayMs[1]} ms`);
  return parts.join(', ');
}

function percent(rate: number): string {
  const p = rate * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** The sentence for one cluster event, or null when it is not worth a line by itself. */
export function describeEvent(e: ClusterEvent, context: DescribeContext = {}): EventDescription | null {
  return describeEventFor(e, e.node !== undefined ? [e.node] : [], context);
}

/**
 * The sentence for an event that several nodes did alike ("n1 n2 n4 voted for n3 in term 4"):
 * `subjects` replaces the event's own node as the subject of raft events.
 */
export function describeEventFor(e: ClusterEvent, subjects: readonly NodeId[], context: DescribeContext = {}): EventDescription | null {
  switch (e.type) {
    case 'raft':
      return describeRaft(subjects.length > 0 ? subjects : [e.node], e.event, context);
    case 'committed': {
      const what = commandText(e.command);
      const majority = e.quorum.length > 0 ? ` (majority ${nodeList(e.quorum)})` : '';
      if (what === 'no-op') {
        // Thesis §6.4: the no-op lets a new leader commit, and so learn its commit index.
        return { text: `${nodeName(e.node)}'s no-op for term ${e.term} committed at index ${e.index}${majority}`, tone: 'good' };
      }
      return { text: `${what} committed at index ${e.index}${majority}`, tone: 'good' };
    }
    case 'applied':
      // Every node applies every entry: the commit line already says it once.
      return null;
    case 'crash':
      return { text: `${nodeName(e.node)} crashed: its memory is gone, its disk is kept`, tone: 'bad' };
    case 'restart':
      return {
        text: `${nodeName(e.node)} restarted from disk: term ${e.term}, ${e.lastIndex} log ${e.lastIndex === 1 ? 'entry' : 'entries'}`,
        tone: 'good',
      };
    case 'faults': {
      if (e.description) return { text: e.description, tone: 'warn' };
      const text = faultsText(e.faults);
      return text ? { text, tone: 'warn' } : { text: 'network healed: every link is up', tone: 'good' };
    }
    case 'storage-recovery':
      // Nothing cut: the node stopped or was refused, and the reason says why in words
      // ("stopped: the disk is full …"), not as a cut of 0 bytes.
      if (e.droppedBytes === 0) return { text: `${nodeName(e.node)} ${e.reason}`, tone: 'bad' };
      return {
        text: `${nodeName(e.node)} cut ${e.droppedBytes} bytes off ${e.file} at offset ${e.offset} on recovery: ${e.reason}`,
        tone: 'warn',
      };
    case 'bad-input':
      return { text: `${nodeList(subjects.length > 0 ? subjects : [e.node])} dropped bad input on a port: ${e.reason}`, tone: 'warn' };
    case 'clock':
      return { text: e.description, tone: 'info' };
    case 'client':
      return describeClient(e);
    case 'membership':
      return describeMembership(e.node, e.step);
    case 'safety-violation':
      return { text: `SAFETY VIOLATION (${e.invariant}): ${e.message}`, tone: 'bad' };
    case 'deliver':
      // One per message: the reactions worth a line come as their own events (votes, rejections).
      return null;
  }
}

/** Thesis ch. 4, one step at a time: a new node learns first and votes later; a removed one stops. */
function describeMembership(node: NodeId, step: Extract<ClusterEvent, { type: 'membership' }>['step']): EventDescription {
  const n = nodeName(node);
  switch (step) {
    case 'joining':
      return { text: `${n} started with an empty log: it joins as a learner (it receives the log, it does not vote)`, tone: 'info' };
    case 'learner':
      return { text: `${n} is a LEARNER now (the configuration change committed): catching up with the log`, tone: 'info' };
    case 'caught-up':
      return { text: `${n} caught up with the leader's log: promoting it to voter`, tone: 'info' };
    case 'voter':
      return { text: `${n} is a voter now: majorities count it`, tone: 'good' };
    case 'removing':
      return { text: `removing ${n}: a configuration change without it goes through the log`, tone: 'warn' };
    case 'removed':
      return { text: `${n} is REMOVED (the change committed): it stops, and its id is never used again`, tone: 'warn' };
  }
}

function describeRaft(nodes: readonly NodeId[], ev: RaftEvent, context: DescribeContext): EventDescription | null {
  const n = nodeList(nodes);
  switch (ev.kind) {
    case 'role':
      return describeRole(n, nodes[0] ?? 0, ev, context);
    case 'vote':
      return describeVote(n, ev);
    case 'commit':
      // §5.3/§5.4.2: the leader commits once a majority stores an entry of its own term.
      return {
        text: `${n} advanced its commit index to ${ev.index}${ev.quorum.length > 0 ? ` (majority ${nodeList(ev.quorum)})` : ''}`,
        tone: 'good',
      };
    case 'truncate':
      // §5.3: a follower deletes a conflicting entry and all that follow it.
      return {
        text: `${n} deleted ${ev.count} conflicting ${ev.count === 1 ? 'entry' : 'entries'} from index ${ev.from} (they were never committed)`,
        tone: 'warn',
      };
    case 'append': {
      const count = ev.to - ev.from + 1;
      if (count < 3) return null; // routine replication: the commit line says it
      return { text: `${n} caught up: appended entries ${ev.from}-${ev.to} from ${nodeName(ev.leader)}`, tone: 'info' };
    }
    case 'snapshot-taken':
      // §7: each server compacts its own log; the snapshot replaces the entries it covers.
      return {
        text: `${n} took a snapshot ≤ ${ev.index} t${ev.term}: ${ev.compacted} ${ev.compacted === 1 ? 'entry' : 'entries'} compacted`,
        tone: 'info',
      };
    case 'snapshot-send':
      return {
        text: `${n} sends its snapshot ≤ ${ev.index} t${ev.term} to ${nodeName(ev.to)}: the entries it needs were compacted away`,
        tone: 'info',
      };
    case 'snapshot-received':
      if (!ev.installed)
        return { text: `${n} ignored a snapshot ≤ ${ev.index} from ${nodeName(ev.leader)}: it already has more committed`, tone: 'info' };
      return {
        text:
          `${n} was brought up to date by a snapshot ≤ ${ev.index} t${ev.term} from ${nodeName(ev.leader)}` +
          (ev.kept > 0 ? ` (kept ${ev.kept} ${ev.kept === 1 ? 'entry' : 'entries'} after it)` : ''),
        tone: 'good',
      };
    case 'append-rejected':
      // §5.3: the consistency check failed; the hint lets the leader skip back a term at a time.
      return { text: describeAppendRejected(n, ev), tone: 'quiet' };
    case 'transfer':
      return describeTransfer(n, ev);
  }
}

/** Thesis §3.10, step by step: stop taking commands, catch the target up, TimeoutNow. */
function describeTransfer(n: string, ev: Extract<RaftEvent, { kind: 'transfer' }>): EventDescription {
  const to = nodeName(ev.to);
  switch (ev.phase) {
    case 'started':
      return { text: `${n} is handing leadership to ${to}: new commands wait while ${to} catches up`, tone: 'info' };
    case 'timeout-now':
      return { text: `${n} sent TimeoutNow: ${to} has the whole log and campaigns at once`, tone: 'info' };
    case 'abandoned':
      return { text: `${n} gave up handing leadership to ${to} after an election timeout: it takes commands again`, tone: 'warn' };
  }
}

type RoleEvent = Extract<RaftEvent, { kind: 'role' }>;
type VoteEvent = Extract<RaftEvent, { kind: 'vote' }>;

function describeRole(n: string, node: NodeId, ev: RoleEvent, context: DescribeContext): EventDescription | null {
  const waited = context.timeoutMs?.(node);
  const silence = waited !== undefined ? `no heartbeat for ${seconds(waited)}` : 'no heartbeat from a leader';
  const voters = ev.votes && ev.votes.length > 0 ? nodeList(ev.votes) : undefined;
  switch (ev.reason) {
    case 'election-timeout':
      if (ev.role === 'precandidate') {
        // Thesis §9.6: ask first whether an election could be won, without raising the term.
        return { text: `${n} became pre-candidate in term ${ev.term}: ${silence}; asking for pre-votes`, tone: 'warn' };
      }
      return { text: `${n} became candidate for term ${ev.term}: ${silence}`, tone: 'warn' };
    case 'prevote-won':
      return {
        text: `${n} won the pre-vote${voters ? ` (${voters})` : ''}: became candidate for term ${ev.term}`,
        tone: 'warn',
      };
    case 'won-election':
      // §5.2: a candidate wins with votes from a majority of the cluster.
      return { text: `${n} won the election for term ${ev.term}${voters ? ` with votes from ${voters}` : ''}: now LEADER`, tone: 'good' };
    case 'higher-term': {
      // §5.1: a node that sees a higher term moves to it, and steps down if it was not a follower.
      const seen = `saw term ${ev.term}${ev.from !== undefined ? ` from ${nodeName(ev.from)}` : ''}`;
      if (context.roleBefore?.(node) === 'follower') {
        return {
          text: `${n} moved to term ${ev.term}${ev.from !== undefined ? ` (heard it from ${nodeName(ev.from)})` : ''}`,
          tone: 'info',
        };
      }
      return { text: `${n}: ${seen}, now follower`, tone: 'info' };
    }
    case 'lost-election': {
      // §5.2 / thesis §9.6: refusals from a majority end the (pre-)election; the node waits again.
      const granted = ev.votes?.length ?? 0;
      const of = context.clusterSize !== undefined ? ` of ${context.clusterSize}` : '';
      const refused = ev.refused && ev.refused.length > 0 ? `, refused by ${nodeList(ev.refused)}` : '';
      const what = ev.preVote === false ? `the election for term ${ev.term}` : 'the pre-vote';
      return { text: `${n} lost ${what}: ${granted}${of}${refused}; back to follower`, tone: 'warn' };
    }
    case 'lost-quorum':
      // Thesis §6.2 (check-quorum): a leader that hears from no majority steps down.
      return { text: `${n} stepped down in term ${ev.term}: it no longer hears from a majority`, tone: 'warn' };
    case 'leader-found':
      return {
        text: `${n}: following ${ev.from !== undefined ? `leader ${nodeName(ev.from)}` : 'the leader'} in term ${ev.term}`,
        tone: 'info',
      };
    case 'restart':
      // The cluster's own restart event already says it, with what storage held.
      return null;
    case 'removed':
      // Thesis §4.2.2: a leader not in the new configuration steps down once it commits.
      return { text: `${n} stepped down: the configuration without it is committed (it is no longer a member)`, tone: 'warn' };
    case 'transfer':
      // Thesis §3.10: TimeoutNow — campaign now, without waiting for the timer or a pre-vote.
      return {
        text: `${n} became candidate for term ${ev.term}: ${ev.from !== undefined ? nodeName(ev.from) : 'the leader'} handed it leadership`,
        tone: 'warn',
      };
    case 'timeout-now': {
      const asking = ev.role === 'precandidate' ? 'pre-candidate, asking for pre-votes' : `candidate for term ${ev.term}`;
      return { text: `${n}'s election timer was made to fire: ${asking}`, tone: 'warn' };
    }
  }
  // A reason this describer does not know yet: still say what happened.
  return { text: `${n} became ${ev.role} in term ${ev.term}`, tone: 'info' };
}

function describeVote(n: string, ev: VoteEvent): EventDescription {
  const c = nodeName(ev.candidate);
  const what = ev.preVote ? 'pre-vote' : 'vote';
  if (ev.granted) {
    return {
      text: ev.preVote ? `${n} granted a pre-vote to ${c} for term ${ev.term}` : `${n} voted for ${c} in term ${ev.term}`,
      tone: 'info',
    };
  }
  const refused = `${n} refused ${what} to ${c}`;
  switch (ev.reason) {
    case 'already-voted':
      // §5.2: at most one vote per term, first come first served.
      return {
        text: `${refused}: already voted for ${ev.votedFor != null ? nodeName(ev.votedFor) : 'another node'} in term ${ev.term}`,
        tone: 'quiet',
      };
    case 'log-behind':
      // §5.4.1: vote only for a candidate whose log is at least as up-to-date.
      return { text: `${refused}: its log is behind${logEvidence(ev)}`, tone: 'quiet' };
    case 'stale-term':
      return { text: `${refused}: term ${ev.term} is out of date`, tone: 'quiet' };
    case 'leader-active':
      // Thesis §4.2.3 / §9.6: ignore elections while a current leader is heard from.
      return { text: `${refused}: it still hears from a leader`, tone: 'quiet' };
    case 'granted':
      return { text: `${refused}`, tone: 'quiet' };
  }
}

function logEvidence(ev: VoteEvent): string {
  const theirs = ev.candidateLast;
  const ours = ev.ourLast;
  if (!theirs || !ours) return '';
  if (theirs.term !== ours.term) return ` (last term ${theirs.term} < ${ours.term})`;
  return ` (last index ${theirs.index} < ${ours.index} in term ${ours.term})`;
}

/** What a client went through (thesis §6.2: clients find the leader, retry, and may give up). */
function describeClient(e: Extract<ClusterEvent, { type: 'client' }>): EventDescription {
  switch (e.what) {
    case 'redirect':
      return {
        text: `client: ${e.command} sent to ${nodeName(e.from)}, which is not the leader: redirected to ${nodeName(e.to)}`,
        tone: 'quiet',
      };
    case 'retry':
      return { text: `client: ${e.command} will be retried (same request id): ${e.reason}`, tone: 'warn' };
    case 'timeout':
      return { text: `client: ${e.command} timed out: ${e.reason}`, tone: 'bad' };
  }
}
