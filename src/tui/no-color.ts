/**
 * NO_COLOR (no-color.org): chalk 5.6 does not read it, so the dashboard turns colour off itself.
 * Roles, committed marks and results still read in words and symbols without colour.
 */
import chalk from 'chalk';

export function applyNoColor(env: NodeJS.ProcessEnv): boolean {
  const off = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  if (off) chalk.level = 0;
  return off;
}
