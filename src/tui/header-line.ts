/**
 * The cluster line at the top: leader, term, commit index, speed, PAUSED, active faults, load
 * and message counts. When the terminal is narrow the least important parts drop out first.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import { faultsText } from './describe-event.js';
import { fitLine, lineWidth, type Line } from './spans.js';
import { count, counted } from './theme.js';

interface Part {
  line: Line;
  /** Lower shows first when space is short. */
  priority: number;
}

export function headerLine(snapshot: ClusterSnapshot, width: number): Line {
  const sep = { text: ' │ ', color: 'gray' };
  const parts: Part[] = [];
  const add = (priority: number, ...line: Line): void => {
    parts.push({ priority, line });
  };
  add(0, { text: 'raft-tui', bold: true, color: 'cyan' });
  add(
    0,
    ...(snapshot.leader !== undefined
      ? [
          { text: 'leader ', color: 'gray' },
          { text: `n${snapshot.leader}`, color: 'green', bold: true },
        ]
      : [{ text: 'no leader', color: 'yellow', bold: true }]),
  );
  add(1, { text: 'term ', color: 'gray' }, { text: String(snapshot.term), bold: true });
  add(1, { text: 'commit ', color: 'gray' }, { text: String(snapshot.commitIndex), bold: true });
  // The simulator replays: its seed is what --seed takes to give the same run again.
  if (snapshot.clock === 'paced')
    add(1, { text: 'sim ', color: 'magenta', bold: true }, { text: `seed ${snapshot.seed ?? '?'}`, color: 'magenta' });
  if (snapshot.paused) add(0, { text: ' PAUSED ', color: 'yellow', bold: true, inverse: true });
  const faults = faultsText(snapshot.faults);
  if (faults) add(0, { text: faults, color: 'yellow', bold: true });
  const safety = snapshot.safety;
  if (safety && safety.violations > 0) {
    add(0, { text: ` SAFETY VIOLATED: ${safety.first?.invariant ?? ''} `, color: 'red', bold: true, inverse: true });
  } else if (safety) {
    add(
      3,
      { text: 'safety ', color: 'gray' },
      { text: `ok`, color: 'green' },
      { text: ` (${count(safety.checks)} ${safety.checks === 1 ? 'check' : 'checks'})`, color: 'gray' },
    );
  }
  add(2, { text: 'speed ', color: 'gray' }, { text: `${formatSpeed(snapshot.speed)}×` });
  if (snapshot.load > 0) add(2, { text: 'load ', color: 'gray' }, { text: `${snapshot.load}/s` });
  const m = snapshot.messages;
  add(
    3,
    { text: 'msgs ', color: 'gray' },
    { text: count(m.sent) },
    { text: ' sent ', color: 'gray' },
    { text: count(m.filtered) },
    { text: ' lost', color: 'gray' },
  );
  add(4, { text: `${counted(snapshot.nodes.length, 'node')} ${snapshot.transport}`, color: 'gray' });

  // Keep the most important parts that fit, in their natural order.
  const order = [...parts].sort((a, b) => a.priority - b.priority);
  const kept = new Set<Part>();
  let used = 0;
  for (const p of order) {
    const w = lineWidth(p.line) + (kept.size > 0 ? 3 : 0);
    if (used + w > width && kept.size > 0) continue;
    kept.add(p);
    used += w;
  }
  const line: Line = [];
  for (const p of parts) {
    if (!kept.has(p)) continue;
    if (line.length > 0) line.push(sep);
    line.push(...p.line);
  }
  return fitLine(line, width);
}

/** "0.1", "1", "2.5". */
export function formatSpeed(speed: number): string {
  return Number.isInteger(speed) ? String(speed) : String(Number(speed.toPrecision(3)));
}
