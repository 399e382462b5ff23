/**
 * A running 64-bit (two 32-bit lanes) hash of a run's trace: every delivery, timer, proposal,
 * fault and Ready is folded in as a few integers. Two runs with the same hash took the same
 * steps in the same order; it costs two multiplications per integer.
 */
export class TraceHash {
  private a = 0x811c9dc5;
  private b = 0x9e3779b9;

  /** Folds in one integer, taken as 32 bits (the trace holds small ids, counts and times). */
  add(n: number): void {
    this.a = Math.imul(this.a ^ n, 0x01000193);
    this.b = Math.imul(this.b ^ n, 0x85ebca6b) ^ (this.b >>> 15);
  }

  /** Folds in a string, character by character. */
  addString(s: string): void {
    this.add(s.length);
    for (let i = 0; i < s.length; i++) this.add(s.charCodeAt(i));
  }

  hex(): string {
    // A final mix, so that near-identical traces still differ in every digit.
    let a = this.a ^ (this.b >>> 16);
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
    let b = this.b ^ (this.a >>> 16);
    b = Math.imul(b ^ (b >>> 16), 0x27d4eb2f);
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}
