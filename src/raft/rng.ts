/**
 * A small seeded pseudo-random generator (sfc32). The core and the simulator draw every random
 * choice from one of these, never from Math.random, so the same seed replays the same run.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** 2^32: a 32-bit output divided by it is a float in [0, 1). */
const TWO_32 = 4294967296;

/**
 * The state lives in an Int32Array: its words are 32-bit integers, most of them too large for
 * the engine's small-integer form, so held in ordinary variables each new value would be a new
 * heap number — an allocation per word per draw, and a follower draws on every AppendEntries.
 * Wrapping arithmetic (`| 0`) gives the same low 32 bits as the unsigned form (`>>> 0`).
 */
class Sfc32 implements Rng {
  /** a, b, c, d, then the last output (t). */
  private readonly s = new Int32Array(5);

  constructor(seed: number) {
    // Spread the seed over 128 bits of state with splitmix32, then warm up (sfc32's advice).
    let x = seed >>> 0;
    const split = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const s = this.s;
    s[0] = split();
    s[1] = split();
    s[2] = split();
    s[3] = split();
    for (let i = 0; i < 12; i++) this.step();
  }

  /** One sfc32 round: advances the state and leaves the output in s[4]. */
  private step(): void {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (a + b + d) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    s[3] = (d + 1) | 0;
    s[4] = t;
  }

  next(): number {
    this.step();
    return (this.s[4]! >>> 0) / TWO_32;
  }

  int(min: number, max: number): number {
    this.step();
    return min + Math.floor(((this.s[4]! >>> 0) / TWO_32) * (max - min + 1));
  }

  chance(p: number): boolean {
    if (!(p > 0)) return false;
    this.step();
    return (this.s[4]! >>> 0) / TWO_32 < p;
  }
}

export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}
