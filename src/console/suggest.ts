/** Edit distance with adjacent swaps (optimal string alignment): "crsh"→"crash" is 1, "caret"→"crate" 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The word a typo most likely meant: the only candidate it is a prefix of, or the closest one
 * within a distance that grows with the word (1 for short words, 2 from five letters).
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w === '') return undefined;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(w));
  if (prefixed.length === 1 && w.length >= 2) return prefixed[0];
  const limit = w.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const distance = editDistance(w, c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
