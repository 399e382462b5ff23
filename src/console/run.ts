import type { Cluster } from '../cluster/types.js';
import type { NodeId } from '../raft/types.js';
import { describeGroups, describeKept, describeSpeed, describeSubmit, majorityNote, nodeIn } from './describe.js';
import { checkExpectation, describeExpectation } from './expect.js';
import { helpFor, helpText, commandHelp } from './help.js';
import { isIsolated, isolatedGroups, rejoinedGroups } from './isolation.js';
import { resolveGroups, resolveRef } from './node-refs.js';
import { parseConsoleLine } from './parse.js';
import type { CommandOutcome, ConsoleCommand, NodeRef } from './types.js';
import { pass, settle, waitUntil } from './wait.js';

export interface RunOptions {
  /** How long `wait leader` and `wait commit` wait before giving up. Default 30,000 ms. */
  waitTimeoutMs?: number;
  /** The line as typed: on a paced clock, the command log keeps it with its cluster time. */
  line?: string;
}

const ok = (message: string, extra: Partial<CommandOutcome> = {}): CommandOutcome => ({ ok: true, message, ...extra });
const no = (message: string): CommandOutcome => ({ ok: false, message });

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Runs `one` on every node `ref` names now; one line joins what each said. */
async function eachNode(
  cluster: Cluster,
  ref: NodeRef,
  one: (id: NodeId) => CommandOutcome | Promise<CommandOutcome>,
): Promise<CommandOutcome> {
  const r = resolveRef(cluster, ref);
  if (!r.ok) return no(r.message);
  const outcomes: CommandOutcome[] = [];
  for (const id of r.ids) outcomes.push(await one(id));
  if (outcomes.length === 1) return outcomes[0]!;
  return { ok: outcomes.some((o) => o.ok), message: outcomes.map((o) => o.message).join('; ') };
}

/**
 * `crash 2 mid-write`: the node crashes in the middle of its next log write, after the bytes
 * reached the page cache and before their fsync; the simulated disk keeps a torn prefix.
 */
async function crashMidWrite(cluster: Cluster, target: NodeRef, timeoutMs: number): Promise<CommandOutcome> {
  return eachNode(cluster, target, async (id) => {
    if (!cluster.crashMidWrite) return no('crash mid-write needs nodes on simulated disks (an example whose #! line says disk=files)');
    if (nodeIn(cluster.snapshot(), id)?.up === false) return no(`n${id} is already down (restart ${id} brings it back)`);
    const r = await settle(cluster, cluster.crashMidWrite(id, timeoutMs));
    if (!r) return no(`n${id} wrote nothing to its log in ${seconds(timeoutMs)}: send a write first (SET x = 1 &)`);
    const what = r.torn
      ? `${r.torn.keptBytes} of the ${r.torn.ofBytes} bytes it was appending reached the disk`
      : 'its last write was lost';
    return ok(`crashed n${id} in the middle of writing its log, before the fsync: ${what}`);
  });
}

async function crash(cluster: Cluster, target: NodeRef): Promise<CommandOutcome> {
  if (target === 'followers') {
    const r = resolveRef(cluster, target);
    if (!r.ok) return no(r.message);
    const up = r.ids.filter((id) => nodeIn(cluster.snapshot(), id)?.up !== false);
    if (up.length === 0) return no('every follower is down already (restart followers brings them back)');
    return eachNode(cluster, target, (id) => (up.includes(id) ? crashOne(cluster, id) : ok(`n${id} was down already`)));
  }
  return eachNode(cluster, target, (id) => crashOne(cluster, id));
}

async function crashOne(cluster: Cluster, id: NodeId): Promise<CommandOutcome> {
  const before = nodeIn(cluster.snapshot(), id);
  if (before && !before.up) return no(`n${id} is already down (restart ${id} brings it back)`);
  const wasLeader = before?.role === 'leader';
  await cluster.crash(id);
  const after = nodeIn(cluster.snapshot(), id);
  const kept = after?.kept ?? (before ? { term: before.term, votedFor: before.votedFor, lastIndex: before.lastIndex } : null);
  const what = wasLeader ? `crashed n${id}, the leader` : `crashed n${id}`;
  return ok(kept ? `${what} (it kept ${describeKept(kept)} in storage)` : what);
}

async function restart(cluster: Cluster, target: NodeRef | 'all'): Promise<CommandOutcome> {
  const snapshot = cluster.snapshot();
  if (target === 'all' || target === 'followers') {
    const named = target === 'all' ? { ok: true as const, ids: cluster.ids } : resolveRef(cluster, target);
    if (!named.ok) return no(named.message);
    const down = snapshot.nodes.filter((n) => !n.up && named.ids.includes(n.id)).map((n) => n.id);
    if (down.length === 0) return ok(target === 'all' ? 'every node is up already' : 'every follower is up already');
    for (const id of down) await cluster.restart(id);
    return ok(`restarted ${down.map((id) => `n${id}`).join(', ')}: each reloads its log and rejoins as a follower`);
  }
  return eachNode(cluster, target, (id) => restartOne(cluster, id));
}

async function restartOne(cluster: Cluster, target: NodeId): Promise<CommandOutcome> {
  const snapshot = cluster.snapshot();
  const before = nodeIn(snapshot, target);
  if (before?.up) return no(`n${target} is up (crash ${target} first)`);
  const found: string[] = [];
  const off = cluster.on('event', (e) => {
    if (e.type === 'storage-recovery' && e.node === target && e.droppedBytes > 0)
      found.push(`recovery cut off ${e.droppedBytes} bytes at offset ${e.offset} of its log (a torn last record)`);
  });
  try {
    await cluster.restart(target);
  } finally {
    off();
  }
  const after = nodeIn(cluster.snapshot(), target);
  const loaded = after
    ? ` with ${describeKept({ term: after.term, votedFor: after.votedFor, lastIndex: after.lastIndex })} from storage`
    : '';
  return ok(`restarted n${target}${loaded}${found.length > 0 ? `; ${found.join('; ')}` : ''}; it rejoins as a follower`);
}

/** Thesis §3.10: hand leadership to `id`. */
async function transfer(cluster: Cluster, id: NodeId): Promise<CommandOutcome> {
  const from = cluster.leader();
  // Settled as time moves: on a paced or virtual clock nothing happens while a command holds it.
  const r = await settle(cluster, cluster.transferLeadership(id));
  if (!r.ok) return no(`transfer to n${id} refused: ${r.message}`);
  if (from === id) return ok(`n${id} is the leader already`);
  return ok(`n${r.leader} leads now: n${from} handed it the whole log and a TimeoutNow`);
}

function isolate(cluster: Cluster, id: NodeId): CommandOutcome {
  const { faults } = cluster.snapshot();
  if (isIsolated(faults, id)) return no(`n${id} is already isolated (rejoin ${id} undoes it)`);
  cluster.partition(isolatedGroups(faults, cluster.ids, id));
  return ok(`isolated n${id}: it cannot reach any other node (rejoin ${id} undoes it)`);
}

function rejoin(cluster: Cluster, id: NodeId): CommandOutcome {
  const { faults } = cluster.snapshot();
  if (!isIsolated(faults, id)) return no(`n${id} is not isolated: nothing to undo`);
  const groups = rejoinedGroups(faults, cluster.ids, id);
  if (groups) {
    cluster.partition(groups);
    return ok(`n${id} rejoined: ${describeGroups(groups)}`);
  }
  // No partition is left: heal, then put back the faults that were not about links.
  cluster.heal();
  if (faults.dropRate > 0 || faults.duplicateRate > 0 || faults.delayMs) {
    cluster.setNetwork({ dropRate: faults.dropRate, duplicateRate: faults.duplicateRate, delayMs: faults.delayMs });
  }
  for (const c of faults.cuts) cluster.cut(c.from, c.to);
  return ok(`n${id} rejoined: no partition is left`);
}

function partition(cluster: Cluster, refs: NodeRef[][]): CommandOutcome {
  const resolved = resolveGroups(cluster, refs);
  if (!resolved.ok) return no(resolved.message);
  const { groups } = resolved;
  cluster.partition(groups);
  const named = new Set(groups.flat());
  const alone = cluster.ids.filter((id) => !named.has(id)).map((id) => [id]);
  const all = [...groups, ...alone];
  return ok(`partitioned ${describeGroups(all)}: ${majorityNote(all, cluster.ids.length)}`);
}

async function wait(cluster: Cluster, command: Extract<ConsoleCommand, { kind: 'wait' }>, timeoutMs: number): Promise<CommandOutcome> {
  if (command.for === 'ms') {
    await pass(cluster, command.ms);
    return ok(`waited ${command.ms} ms`);
  }
  if (command.for === 'condition') {
    const { condition } = command;
    const held = await waitUntil(cluster, () => (checkExpectation(cluster.snapshot(), condition).ok ? true : undefined), timeoutMs);
    const what = describeExpectation(condition);
    if (held === undefined) {
      const now = checkExpectation(cluster.snapshot(), condition);
      return no(`waited ${seconds(timeoutMs)} for ${what}, but ${now.ok ? 'it held only too late' : now.seen}`);
    }
    return ok(`now ${what}`);
  }
  if (command.for === 'leader') {
    const leader = await waitUntil(
      cluster,
      () => cluster.leader(),
      timeoutMs,
      (e) => e.type === 'raft' || e.type === 'crash' || e.type === 'restart',
    );
    if (leader === undefined) return no(`no leader after ${seconds(timeoutMs)}: is a majority up and connected?`);
    const term = nodeIn(cluster.snapshot(), leader)?.term;
    return ok(`n${leader} leads${term === undefined ? '' : ` (term ${term})`}`);
  }
  const from = cluster.snapshot().commitIndex;
  let committed: { index: number; term: number } | undefined;
  const off = cluster.on('event', (e) => {
    if (e.type === 'committed' && e.index > from && !committed) committed = { index: e.index, term: e.term };
  });
  try {
    const check = (): { index: number; term: number } | undefined => {
      if (committed) return committed;
      const s = cluster.snapshot();
      return s.commitIndex > from ? { index: s.commitIndex, term: s.term } : undefined;
    };
    const seen = await waitUntil(cluster, check, timeoutMs, (e) => e.type === 'committed');
    if (!seen) return no(`nothing committed in ${seconds(timeoutMs)}: is there a leader, and does anyone submit?`);
    return ok(`index ${seen.index} committed (term ${seen.term})`);
  } finally {
    off();
  }
}

/** `step [<n>]`: while paused (or on the virtual clock), one delivery or one jump to a timer. */
async function step(cluster: Cluster, message: number | undefined): Promise<CommandOutcome> {
  if (cluster.clock !== 'virtual' && !cluster.snapshot().paused) return no('not paused: type pause first, then step');
  return ok(`step: ${await cluster.step(message)}`);
}

function dropMessage(cluster: Cluster, id: number): CommandOutcome {
  const view = cluster.inFlight().find((m) => m.id === id);
  cluster.dropMessage(id);
  return ok(view ? `dropped #${id} n${view.from} → n${view.to} ${view.summary}: it is lost` : `dropped #${id}: it is lost`);
}

function latency(cluster: Cluster, [min, max]: [number, number]): CommandOutcome {
  cluster.setLatency([min, max]);
  if (max === 0) return ok('latency off: messages arrive at once');
  const range = min === max ? `${min} ms` : `${min}-${max} ms`;
  return ok(`every message now takes ${range} of cluster time (scaled by speed; heal keeps it)`);
}

/** §7: snapshots now (one node, or every node that is up), then says where each snapshot stands. */
async function compact(cluster: Cluster, ref: NodeRef | undefined): Promise<CommandOutcome> {
  if (ref !== undefined) return eachNode(cluster, ref, (id) => compactNodes(cluster, [id], id));
  const up = cluster.snapshot().nodes.filter((n) => n.up);
  return up.length === 0
    ? no('no node is up')
    : compactNodes(
        cluster,
        up.map((n) => n.id),
        undefined,
      );
}

async function compactNodes(cluster: Cluster, ids: NodeId[], id: NodeId | undefined): Promise<CommandOutcome> {
  const before = cluster.snapshot().nodes.filter((n) => ids.includes(n.id));
  if (before.every((n) => !n.up)) return no(`n${ids[0]} is down (restart ${ids[0]} first)`);
  await cluster.compact(id);
  const after = cluster.snapshot();
  const parts = before.map((n) => {
    const now = after.nodes.find((m) => m.id === n.id)!;
    const point = `n${n.id} ▣ ≤ ${now.snapshotIndex} t${now.snapshotTerm}`;
    return now.snapshotIndex > n.snapshotIndex ? point : `${point} (nothing new applied)`;
  });
  return ok(`snapshot: ${parts.join(', ')}`);
}

/**
 * `SET x = 1 &`: submits now, once, to the leader of now, and goes on at once, as a client that
 * does not wait for its answer would (so a script can leave a write in flight while it crashes
 * or cuts nodes; with no leader, the client looks for one). The answer
 * comes later, as `later`; on a paced clock the submit starts while time stands still, so the
 * run stays the same on replay.
 */
function sendInBackground(cluster: Cluster, command: Extract<ConsoleCommand, { kind: 'kv' }>): CommandOutcome {
  // Sent once, to the leader of now: a retry elsewhere would put a second copy into the story.
  const leader = cluster.leader();
  const later = cluster.submit(command.text, leader === undefined ? {} : { to: leader }).then(
    (r) => describeSubmit(command.op, command.text, r),
    (error: unknown) => no(error instanceof Error ? error.message : String(error)),
  );
  const to = leader === undefined ? '' : ` to n${leader}`;
  return ok(`${command.text} sent${to} in the background, once: its answer shows when it comes`, { later });
}

/** Runs a command that needs no waiting. */
function runNow(cluster: Cluster, command: ConsoleCommand): CommandOutcome | undefined {
  switch (command.kind) {
    case 'drop-msg':
      return dropMessage(cluster, command.id);
    case 'latency':
      return latency(cluster, command.rangeMs);
    case 'partition':
      return partition(cluster, command.groups);
    case 'heal':
      cluster.heal();
      return ok('healed: every link is up; no drops, duplicates or delays');
    case 'drop':
      cluster.setNetwork({ dropRate: command.percent / 100 });
      return ok(command.percent === 0 ? 'drop off: no message is lost' : `dropping ${command.percent}% of messages`);
    case 'dup':
      cluster.setNetwork({ duplicateRate: command.percent / 100 });
      return ok(command.percent === 0 ? 'dup off: no message is duplicated' : `delivering ${command.percent}% of messages twice`);
    case 'delay': {
      cluster.setNetwork({ delayMs: command.rangeMs });
      const r = command.rangeMs;
      if (!r) return ok('delay off: messages go straight through');
      return ok(r[0] === r[1] ? `delaying every message ${r[0]} ms` : `delaying each message ${r[0]}-${r[1]} ms, so some overtake others`);
    }
    case 'pause':
      if (cluster.snapshot().paused) return ok('already paused (step moves one thing; resume lets time run)');
      cluster.pause();
      return ok('paused: time stands still (step moves one thing; resume lets time run)');
    case 'resume':
      if (!cluster.snapshot().paused) return ok('not paused: time is running');
      cluster.resume();
      return ok('resumed');
    case 'speed':
      cluster.setSpeed(command.factor);
      return ok(`speed ${command.factor}×: ${describeSpeed(command.factor)}`);
    case 'load':
      cluster.setLoad(command.perSecond);
      return ok(command.perSecond === 0 ? 'load off' : `load: ${command.perSecond} random SETs a second`);
    case 'help': {
      if (!command.topic) return ok('commands: see the help screen', { help: helpText() });
      const entry = commandHelp(command.topic);
      return ok(entry ? `${entry.usage} — ${entry.summary}` : command.topic, { help: helpFor(command.topic) ?? helpText() });
    }
    case 'quit':
      return ok('bye', { quit: true });
    case 'say':
      return ok(command.text, { caption: command.text });
    case 'expect': {
      const result = checkExpectation(cluster.snapshot(), command.condition);
      const what = describeExpectation(command.condition);
      return result.ok ? ok(`as expected: ${what}`) : no(`expected ${what}, but ${result.seen}`);
    }
    case 'view':
      return ok(command.view === 'log' ? 'showing every log in one grid (view nodes goes back)' : 'showing a panel per node', {
        view: command.view,
      });
    case 'save-log':
      return ok(`saving the event history to ${command.file}`, { saveLog: command.file });
    case 'filter':
      return ok(command.text === null ? 'showing every event line' : `showing event lines with "${command.text}" (/ alone shows all)`, {
        filter: command.text,
      });
    default:
      return undefined;
  }
}

/**
 * Runs one parsed console command against a cluster, through the Cluster interface only, and
 * says what happened in one line. Never throws: a refusal or an error is an outcome with
 * `ok: false`. A key-value command goes to the leader through `submit`; `wait leader` and
 * `wait commit` watch the cluster's events (and poll its snapshot) until they see it happen or
 * `waitTimeoutMs` passes.
 */
export async function runConsoleCommand(cluster: Cluster, command: ConsoleCommand, options: RunOptions = {}): Promise<CommandOutcome> {
  // Paced clock: the command runs at a boundary with time standing still, so the same commands
  // at the same cluster times give the same run.
  const pacer = cluster.pacer;
  const release = pacer ? await pacer.acquire(options.line) : undefined;
  const from = pacer?.now() ?? 0;
  try {
    const outcome = await runCommand(cluster, command, options);
    // `rewind` replaced the run this command ran in (a wait, a SET waiting for its commit): its
    // answer belongs to the branch left behind, and the old run's stop is not what happened.
    if (pacer === undefined || cluster.pacer === pacer || command.kind === 'rewind') return outcome;
    return no(
      `cut short after ${((pacer.now() - from) / 1000).toFixed(1)} s: the run was rewound while it ran (it belonged to the branch left behind)`,
    );
  } finally {
    release?.();
  }
}

async function runCommand(cluster: Cluster, command: ConsoleCommand, options: RunOptions): Promise<CommandOutcome> {
  try {
    switch (command.kind) {
      case 'kv':
        if (command.background) return sendInBackground(cluster, command);
        return describeSubmit(command.op, command.text, await settle(cluster, cluster.submit(command.text)));
      case 'crash':
        if (command.midWrite) return await crashMidWrite(cluster, command.target, options.waitTimeoutMs ?? 30_000);
        return await crash(cluster, command.target);
      case 'restart':
        return await restart(cluster, command.target);
      case 'transfer':
        return await transfer(cluster, command.id);
      case 'add': {
        const id = await cluster.addNode();
        return ok(`added n${id}: it joined as a learner, caught up, and is a voter now`);
      }
      case 'remove':
        return await eachNode(cluster, command.id, async (id) => {
          await cluster.removeNode(id);
          return ok(`removed n${id}: the configuration without it is committed, and it stopped`);
        });
      case 'step':
        return await step(cluster, command.message);
      case 'isolate':
        return await eachNode(cluster, command.id, (id) => isolate(cluster, id));
      case 'rejoin':
        return await eachNode(cluster, command.id, (id) => rejoin(cluster, id));
      case 'timeout':
        return await eachNode(cluster, command.id, async (id) => {
          try {
            return ok(await cluster.timeout(id));
          } catch (error) {
            return no(error instanceof Error ? error.message : String(error));
          }
        });
      case 'wait':
        return await wait(cluster, command, options.waitTimeoutMs ?? 30_000);
      case 'compact':
        return await compact(cluster, command.id);
      case 'rewind': {
        if (!cluster.rewind) return no('rewind works in --sim mode: the simulator replays the run from its seed');
        const to = await cluster.rewind(command.ms);
        return ok(
          `rewound to ${(to / 1000).toFixed(2)} s of cluster time: the run was replayed from the seed up to there; what you do now is a new branch`,
        );
      }
      default:
        return runNow(cluster, command) ?? no(`cannot run ${(command as { kind: string }).kind}`);
    }
  } catch (error) {
    return no(error instanceof Error ? error.message : String(error));
  }
}

/** Parses a line and runs it. A blank line or a comment does nothing and says nothing. */
export async function executeConsoleLine(cluster: Cluster, line: string, options: RunOptions = {}): Promise<CommandOutcome> {
  const parsed = parseConsoleLine(line, { ids: cluster.ids });
  if (!parsed.ok) return no(parsed.message);
  if (!parsed.command) return ok('');
  return runConsoleCommand(cluster, parsed.command, { line: line.trim(), ...options });
}
