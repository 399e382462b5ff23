/** A 32-bit seed for one purpose (a node's core, the network, an incarnation) derived from the run seed. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x5bd1e995) >>> 0;
  for (const p of [...parts, parts.length]) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x85ebca77) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}
