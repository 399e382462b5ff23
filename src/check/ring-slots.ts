/**
 * Clears the slots of indexes `from` to `to - 1` in a ring where index i sits in slot i & mask
 * (at most mask + 1 of them: each slot once). With fill rather than a loop per slot: a loop
 * over thousands of slots, run once per snapshot, would be compiled on the spot and thrown away
 * again each time.
 */
export function clearSlots(slots: unknown[], mask: number, from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  const size = mask + 1;
  const start = from & mask;
  if (start + n <= size) {
    slots.fill(undefined, start, start + n);
  } else {
    slots.fill(undefined, start, size);
    slots.fill(undefined, 0, start + n - size);
  }
}
