import type { Index, NodeId } from './types.js';

/** The size of a majority of `voters` (§5.2): more than half. */
export function majority(voters: number): number {
  return (voters >> 1) + 1;
}

/**
 * The highest index that at least `quorum` of `matches` reach: the quorum-th largest value.
 * Sorts `matches` in place (it is the caller's scratch array; no allocation).
 */
export function quorumIndex(matches: number[], count: number, quorum: number): Index {
  // Insertion sort, descending: at most 9 voters.
  for (let i = 1; i < count; i++) {
    const v = matches[i]!;
    let j = i - 1;
    while (j >= 0 && matches[j]! < v) {
      matches[j + 1] = matches[j]!;
      j--;
    }
    matches[j + 1] = v;
  }
  return matches[quorum - 1] ?? 0;
}

/** The votes of one (pre-)election: one answer per voter, the first one counts (§5.2). */
export class VoteTally {
  readonly granted: NodeId[] = [];
  readonly refused: NodeId[] = [];

  record(from: NodeId, granted: boolean): void {
    if (this.granted.includes(from) || this.refused.includes(from)) return;
    (granted ? this.granted : this.refused).push(from);
  }

  /** 'lost' as soon as the refusals leave too few voters to make a majority. */
  result(quorum: number, voters: number): 'won' | 'lost' | 'pending' {
    if (this.granted.length >= quorum) return 'won';
    if (this.refused.length > voters - quorum) return 'lost';
    return 'pending';
  }
}
