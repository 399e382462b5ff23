/** The simulator's speed figures (simulated seconds per wall second), filled in from src/sim. */
export function simSpeedFigures(_quick: boolean): { what: string; result: string; target: string }[] {
  return [];
}
