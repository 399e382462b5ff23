import type { NodeId } from '../raft/types.js';

/** An argument parsed, or the message saying what is wrong with it. */
export type Arg<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Arg<T> => ({ ok: true, value });
const bad = <T>(message: string): Arg<T> => ({ ok: false, message });

/** "nodes 1-5", "node 1", or "nodes 1, 3, 4" when the ids are not a run. */
export function describeIds(ids: readonly NodeId[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return 'no nodes';
  if (sorted.length === 1) return `node ${first}`;
  if (last - first === sorted.length - 1) return `nodes ${first}-${last}`;
  return `nodes ${sorted.join(', ')}`;
}

/** Reads a node id: `3` or `n3`. `usage` is the fix shown when the word is not an id at all. */
export function nodeArg(word: string, ids: readonly NodeId[], usage: string): Arg<NodeId> {
  const m = /^n?(\d{1,6})$/i.exec(word);
  if (!m) return bad(`"${word}" is not a node id: ${usage}`);
  const id = Number(m[1]);
  if (!ids.includes(id)) return bad(`unknown node ${id}: this cluster has ${describeIds(ids)}`);
  return ok(id);
}

/** Reads a plain decimal number (no exponents, no hex): `12`, `0.5`, `.5`. */
export function decimal(word: string): number | undefined {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(word)) return undefined;
  const n = Number(word);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads a percentage 0–100: `20` or `20%`; `off` is 0. */
export function percentArg(word: string, usage: string): Arg<number> {
  if (word.toLowerCase() === 'off') return ok(0);
  const n = decimal(word.endsWith('%') ? word.slice(0, -1) : word);
  if (n === undefined || n > 100) return bad(`"${word}" is not a percentage from 0 to 100: ${usage}`);
  return ok(n);
}

/** Reads a duration in ms: `500`, `500ms`, `2s`. */
export function durationArg(word: string, usage: string, maxMs: number): Arg<number> {
  const m = /^([\d.]+)\s*(ms|s)?$/i.exec(word);
  const n = m?.[1] === undefined ? undefined : decimal(m[1]);
  if (n === undefined) return bad(`"${word}" is not a duration: ${usage}`);
  const ms = m?.[2]?.toLowerCase() === 's' ? n * 1000 : n;
  if (ms > maxMs) return bad(`${word} is too long: at most ${maxMs >= 1000 ? `${maxMs / 1000} s` : `${maxMs} ms`}`);
  return ok(Math.round(ms));
}

/** Reads a delay range: `10-50ms`, `10ms-50ms`, `10-50`, a fixed `30ms`; `off` or `0` is null. */
export function delayArg(text: string, usage: string, maxMs: number): Arg<[number, number] | null> {
  const t = text.replace(/\s+/g, '').toLowerCase();
  if (t === 'off' || t === '0' || t === '0ms') return ok(null);
  const parts = t.split('-');
  if (parts.length > 2 || parts.some((p) => p === '')) return bad(`"${text}" is not a delay: ${usage}`);
  // A unit written once, at the end, applies to both ends: 10-50ms.
  const unit = /(ms|s)$/.exec(parts[parts.length - 1]!)?.[1] ?? 'ms';
  const values: number[] = [];
  for (const p of parts) {
    const d = durationArg(/(ms|s)$/.test(p) ? p : `${p}${unit}`, usage, maxMs);
    if (!d.ok) return d;
    values.push(d.value);
  }
  const min = values[0]!;
  const max = values[1] ?? min;
  if (min > max) return bad(`the delay range ${min}-${max}ms runs backwards: delay ${max}-${min}ms`);
  return ok([min, max]);
}
