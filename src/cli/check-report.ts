/**
 * What `raft-tui check` prints when it is done: the summary table, each failing seed with its
 * evidence and the command that replays it, and the same as one JSON object for machines.
 */
import type { Operation } from '../check/linearizability-types.js';
import type { EntryEvidence, Violation } from '../check/observation.js';
import { decodeEnvelope, isEnvelope } from '../kv/envelope.js';
import { BUGS } from '../sim/check-run-settings.js';
import { faultTotal, type CheckTally, type FailedRun } from '../sim/check-run-summary.js';
import { FAULT_KINDS, formatFaultList } from '../sim/nemesis-kinds.js';
import { formatSeconds, replayCommand, type CheckPlan } from './check-options.js';
import { formatDuration } from './check-progress.js';

/** Failures shown in full; the rest get one line each, up to {@link LISTED}. */
const DETAILED = 3;
const LISTED = 20;

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const plural = (x: number, word: string): string => `${n(x)} ${word}${x === 1 ? '' : 's'}`;

function paint(color: boolean, code: number, text: string): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** Simulated seconds per wall second (the simulator's speed under this check). */
export function speedOf(tally: CheckTally, wallMs: number): number {
  return wallMs > 0 ? tally.simulatedMs / wallMs : 0;
}

/** The summary table, with a PASS or FAIL line at the end. */
export function formatSummary(plan: CheckPlan, tally: CheckTally, wallMs: number, color: boolean): string {
  const s = plan.settings;
  const tcp = plan.transport === 'tcp';
  const seeds = plan.count === 1 ? `seed ${plan.first}` : `seeds ${plan.first}-${plan.first + plan.count - 1}`;
  const head =
    `raft-tui check: ${seeds}, ${s.nodes} nodes, ${formatSeconds(s.timeMs)} ${tcp ? 'wall' : 'simulated'} s of faults each, ` +
    `${tcp ? 'loopback TCP' : 'simulator'}, faults: ${formatFaultList(s.faults)}${s.bug ? `; bug ${s.bug}: ${BUGS[s.bug].describe}` : ''}`;
  const ops = tally.operations;
  const faults = FAULT_KINDS.filter((k) => tally.faults[k] > 0)
    .map((k) => `${k} ${n(tally.faults[k])}`)
    .join(', ');
  const lin = tally.linearizability;
  const live = tally.liveness;
  const rows: [string, string][] = [
    ['runs', `${n(tally.runs)} (${n(tally.passed)} passed, ${n(tally.failed)} failed)`],
    [tcp ? 'cluster time' : 'simulated time', formatDuration(tally.simulatedMs)],
    [
      'client operations',
      `${n(ops.invoked)} (${n(ops.ok)} ok, ${n(ops.failed)} failed, ${n(ops.indeterminate)} indeterminate)` +
        (tcp ? '' : `, ${n(ops.retries)} retries with the same session and sequence number`),
    ],
    ['elections won', n(tally.elections)],
    ...(tcp
      ? []
      : [
          [
            'snapshots (§7)',
            `${n(tally.snapshots.taken)} taken, ${n(tally.snapshots.installed)} installed by InstallSnapshot, ${n(tally.snapshots.cutWrites)} cut short by a crash`,
          ] as [string, string],
        ]),
    ['faults injected', `${n(faultTotal(tally))}${faults ? `: ${faults}` : ''}`],
    ['membership (ch. 4)', describeMembership(tally.membership, tcp)],
    ['invariant checks', `${n(tally.invariantChecks)} (${plural(tally.safetyViolations, 'violation')})`],
    [
      'linearizability',
      `${n(lin.linearizable)} linearizable, ${n(lin.violations)} not` +
        (lin.unknown ? `, ${n(lin.unknown)} undecided (search ran out of time)` : '') +
        (lin.skipped ? `, ${n(lin.skipped)} not checked (stopped at a safety violation)` : ''),
    ],
    ['liveness after heal', `${n(live.ok)} ok, ${n(live.failed)} failed${live.skipped ? `, ${n(live.skipped)} not reached` : ''}`],
    ['wall time', formatDuration(wallMs)],
    [
      tcp ? 'cluster s per wall s' : 'speed',
      tcp ? speedOf(tally, wallMs).toFixed(2) : `${n(speedOf(tally, wallMs))} simulated s per wall s`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [head, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  if (tally.failed === 0) {
    lines.push(
      paint(color, 32, `PASS: no safety, linearizability or liveness violation in ${n(tally.runs)} run${tally.runs === 1 ? '' : 's'}`),
    );
  } else {
    lines.push(paint(color, 31, `FAIL: ${n(tally.failed)} of ${n(tally.runs)} runs failed (first: seed ${tally.failures[0]!.seed})`));
  }
  return `${lines.join('\n')}\n`;
}

/** What the membership changes did, in one line of the summary (a real cluster stops a removed node at once). */
function describeMembership(m: CheckTally['membership'], tcp: boolean): string {
  return (
    `${plural(m.added, 'node')} added (${n(m.promoted)} promoted to voter), ${n(m.removed)} removed ` +
    `(${n(m.removedLeaders)} of them the leader${tcp ? '' : `, ${n(m.keptRunning)} left running a while`})`
  );
}

/** Entry data as a person reads it: `c2 seq 7: SET k1 = v9`, or the command itself. */
function describeData(data: string): string {
  if (!isEnvelope(data)) return data;
  const d = decodeEnvelope(data);
  return d.ok ? `${d.envelope.client} seq ${d.envelope.seq}: ${d.envelope.cmd}` : data;
}

function describeEvidenceEntry(e: EntryEvidence): string {
  if (!e.entry) return `n${e.node} has no entry at index ${e.index}`;
  const what = e.entry.type === 'noop' ? 'the no-op' : JSON.stringify(describeData(e.entry.data));
  return `n${e.node} has at index ${e.index}: term ${e.entry.term}, ${what}`;
}

/** A safety violation's evidence, one fact a line. */
export function formatEvidence(v: Violation): string[] {
  const ev = v.evidence;
  const facts: string[] = [];
  const head = [`nodes ${ev.nodes.map((id) => `n${id}`).join(', ') || '?'}`];
  if (ev.term !== undefined) head.push(`term ${ev.term}`);
  if (ev.index !== undefined) head.push(`index ${ev.index}`);
  if (ev.before !== undefined || ev.after !== undefined) head.push(`before ${String(ev.before)}, after ${String(ev.after)}`);
  facts.push(head.join('; '));
  for (const e of ev.entries ?? []) facts.push(describeEvidenceEntry(e));
  facts.push(`seen at ${n(v.at)} ms`);
  return facts;
}

function failureLines(plan: CheckPlan, f: FailedRun): string[] {
  const lines = [`seed ${f.seed}: ${f.failure.kind} violation`];
  const failure = f.failure;
  switch (failure.kind) {
    case 'safety':
      lines.push(`  ${failure.violation.invariant}: ${failure.violation.message}`);
      lines.push('  evidence:', ...formatEvidence(failure.violation).map((l) => `    ${l}`));
      break;
    case 'linearizability':
    case 'liveness':
    case 'error':
      lines.push(...failure.message.split('\n').map((l) => `  ${l}`));
      break;
  }
  lines.push(`  replay: ${replayCommand(plan, f.seed)}`);
  return lines;
}

/** Every failing seed: the first few in full, then one line each. Empty when none failed. */
export function formatFailures(plan: CheckPlan, tally: CheckTally, color: boolean): string {
  if (tally.failures.length === 0) return '';
  const out: string[] = [];
  tally.failures.slice(0, DETAILED).forEach((f, i) => {
    const lines = failureLines(plan, f);
    lines[0] = paint(color, 31, `FAIL ${lines[0]}`);
    if (i > 0) out.push('');
    out.push(...lines);
  });
  const rest = tally.failures.slice(DETAILED, LISTED);
  if (rest.length > 0) {
    out.push('', 'more failing seeds:');
    for (const f of rest) out.push(`  seed ${f.seed}: ${f.failure.kind}: ${f.failure.message.split('\n')[0]}`);
  }
  if (tally.failures.length > LISTED) out.push(`  … and ${tally.failures.length - LISTED} more`);
  return `${out.join('\n')}\n\n`;
}

/** An operation for JSON: Infinity (no answer) becomes null. */
function operationJson(o: Operation): Record<string, unknown> {
  return { ...o, return: o.return === Infinity ? null : o.return };
}

function failureJson(plan: CheckPlan, f: FailedRun): Record<string, unknown> {
  const base: Record<string, unknown> = { seed: f.seed, kind: f.failure.kind, message: f.failure.message };
  const failure = f.failure;
  if (failure.kind === 'safety') {
    base.invariant = failure.violation.invariant;
    base.at = failure.violation.at;
    base.evidence = failure.violation.evidence;
  } else if (failure.kind === 'linearizability') {
    base.key = failure.key;
    base.operations = failure.result.window.map(operationJson);
  } else if (failure.kind === 'liveness') {
    base.elapsedMs = failure.elapsedMs;
  }
  base.replay = replayCommand(plan, f.seed);
  return base;
}

/** The whole result as one JSON-ready object: settings, summary, failures. */
export function checkJson(plan: CheckPlan, tally: CheckTally, wallMs: number): Record<string, unknown> {
  const s = plan.settings;
  return {
    ok: tally.failed === 0,
    settings: {
      seeds: { first: plan.first, count: plan.count },
      nodes: s.nodes,
      timeSeconds: s.timeMs / 1000,
      faults: [...s.faults],
      bug: s.bug ?? null,
      transport: plan.transport,
    },
    summary: {
      runs: tally.runs,
      passed: tally.passed,
      failed: tally.failed,
      simulatedSeconds: tally.simulatedMs / 1000,
      operations: { ...tally.operations },
      elections: tally.elections,
      snapshots: { ...tally.snapshots },
      membership: { ...tally.membership },
      faults: { total: faultTotal(tally), ...tally.faults },
      invariantChecks: tally.invariantChecks,
      safetyViolations: tally.safetyViolations,
      linearizability: { ...tally.linearizability },
      liveness: { ...tally.liveness },
      wallSeconds: wallMs / 1000,
      simSecondsPerWallSecond: speedOf(tally, wallMs),
    },
    failures: tally.failures.map((f) => failureJson(plan, f)),
  };
}
