import { formatKvOp } from '../kv/parse.js';
import { isInert } from './linearizability-model.js';
import { searchKey } from './linearizability-search.js';
import { shrinkWindow } from './linearizability-shrink.js';
import { findStaleRead, type StaleRead } from './linearizability-stale-read.js';
import type { LinearizabilityOptions, LinearizabilityResult, Operation } from './linearizability-types.js';

export type { LinearizabilityOptions, LinearizabilityResult, Operation, OperationOutput } from './linearizability-types.js';
export { HistoryRecorder } from './linearizability-recorder.js';

/** Operations a failure message lists; the window holds them all. */
const MAX_LINES = 40;

/** One operation as a line of a report: `#12 c3 [105, 140] GET x → "1"`. */
export function formatOperation(o: Operation): string {
  const span = `[${o.call}, ${o.return === Infinity ? '∞' : o.return}]`;
  return `#${o.id} ${o.client} ${span} ${formatKvOp(o.op)} → ${formatOutput(o)}`;
}

function formatOutput(o: Operation): string {
  if (o.return === Infinity) return '? (no answer: it may or may not have happened)';
  const out = o.output;
  if (!out) return '?';
  const value = (v: string | null | undefined): string => (v === null ? 'not set' : JSON.stringify(v));
  switch (o.op.type) {
    case 'set':
      return 'ok';
    case 'get':
      return out.value === undefined ? '?' : value(out.value);
    case 'del':
      return out.value === undefined ? 'ok' : `ok (was ${value(out.value)})`;
    case 'cas': {
      const swapped = out.swapped === undefined ? '?' : out.swapped ? 'swapped' : 'not swapped';
      return out.value === undefined ? swapped : `${swapped} (was ${value(out.value)})`;
    }
  }
}

/**
 * A stale read in words: a first line that says it all (the summary shows only that line), then
 * which read, what it answered, the write it missed, the write it saw, and the operations.
 */
function describeStaleRead(key: string, s: StaleRead, window: readonly Operation[]): string {
  const { read, missed, source } = s;
  const shown = (v: string | null | undefined): string => (v === null || v === undefined ? 'not set' : JSON.stringify(v));
  const value = shown(read.output?.value);
  const lines = [
    `key ${key} is not linearizable: stale read #${read.id} ${formatKvOp(read.op)} → ${value} missed write #${missed.id} ${formatKvOp(missed.op)}`,
    `  #${read.id} ${read.client} called ${formatKvOp(read.op)} at ${read.call} and got ${value}${read.servedBy ? ` (${read.servedBy})` : ''},`,
    `  but #${missed.id} ${missed.client} ${formatKvOp(missed.op)} had already returned, at ${missed.return};`,
    source && source.return < missed.call
      ? `  the last write that could have left ${value} is #${source.id} ${source.client} ${formatKvOp(source.op)}, which returned at ${source.return}, before #${missed.id} was called (${missed.call}).`
      : source
        ? `  the only write of ${value} is #${source.id} ${source.client} ${formatKvOp(source.op)}, and #${missed.id} found ${value} and replaced it.`
        : `  no operation wrote ${value}: the history is checked starting from ${value}, before #${missed.id} was called (${missed.call}).`,
    'operations:',
    ...[...window].sort((a, b) => a.call - b.call || a.id - b.id).map((o) => `  ${formatOperation(o)}`),
  ];
  return lines.join('\n');
}

/** Groups operations by key, leaving out those that can never matter (reads with no answer). */
function byKey(history: readonly Operation[]): Map<string, Operation[]> {
  const keys = new Map<string, Operation[]>();
  for (const o of history) {
    if (!(o.call <= o.return)) throw new RangeError(`operation #${o.id} returns (${o.return}) before it is called (${o.call})`);
    let ops = keys.get(o.op.key);
    if (!ops) {
      ops = [];
      keys.set(o.op.key, ops);
    }
    if (!isInert(o)) ops.push(o);
  }
  return keys;
}

/**
 * Checks a key-value history for linearizability against the sequential SET/GET/DEL/CAS model:
 * is there one order of the operations, consistent with real time (an operation that returned
 * before another was called comes first), in which every answer is what a single copy of the
 * store would have given? Each key is checked alone (P-compositionality: a history is
 * linearizable iff each key's sub-history is), with the memoised Wing–Gong search. An
 * indeterminate operation (`return: Infinity`) may take effect at any point after its call, or
 * never. On failure a stale read (a GET that answered what a finished write had replaced) is
 * named with the write it missed; otherwise the key's operations are shrunk to a small window
 * that still fails.
 * Throws a RangeError for an operation that returns before it is called.
 */
export function checkLinearizability(history: readonly Operation[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  const keys = byKey(history);
  for (const [key, ops] of keys) {
    const initial = options.initial?.[key] ?? null;
    const progress = { stuckAt: -Infinity };
    const outcome = searchKey(ops, initial, deadline, progress);
    if (outcome === 'linearizable') continue;
    if (outcome === 'timeout') {
      return {
        ok: false,
        key,
        window: [],
        unknown: true,
        message: `gave up on key ${key} (${ops.length} operations) after ${options.timeoutMs ?? 60_000} ms: the history is neither proven linearizable nor refuted`,
      };
    }
    const stale = findStaleRead(ops, initial, performance.now() + (options.shrinkMs ?? 2_000));
    if (stale) {
      const window = [stale.source, stale.missed, stale.read].filter((o): o is Operation => o !== null);
      return { ok: false, key, window, minimal: true, message: describeStaleRead(key, stale, window) };
    }
    const { window, minimal } = shrinkWindow(ops, initial, options.shrinkMs ?? 2_000, progress.stuckAt);
    const sorted = [...window].sort((a, b) => a.call - b.call || a.id - b.id);
    const lines = sorted.slice(0, MAX_LINES).map((o) => `  ${formatOperation(o)}`);
    if (sorted.length > MAX_LINES) lines.push(`  … and ${sorted.length - MAX_LINES} more (see the window)`);
    const start = initial === null ? '' : ` starting from ${JSON.stringify(initial)}`;
    return {
      ok: false,
      key,
      window,
      minimal,
      message:
        `key ${key} is not linearizable: no order of these ${window.length} operations${start} ` +
        `respects real time and gives every answer shown${minimal ? '' : ' (not fully shrunk)'}:\n${lines.join('\n')}`,
    };
  }
  return { ok: true, keys: keys.size, operations: history.length };
}
