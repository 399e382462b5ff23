import type { Rng } from '../raft/rng.js';

/** Picks one element with `rng`; the list must not be empty. */
export function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)]!;
}

/** A shuffled copy of `list` (Fisher–Yates), drawn from `rng`. */
export function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
