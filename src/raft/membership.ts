import type { Entry, Index, NodeId } from './types.js';

/** A cluster configuration (thesis ch. 4): who votes, and who only receives the log. */
export interface Configuration {
  voters: NodeId[];
  learners: NodeId[];
}

/** One single-server change (thesis §4.1, with learners as in §4.2.1). */
export type ConfigChange = { type: 'add-learner'; node: NodeId } | { type: 'promote'; node: NodeId } | { type: 'remove'; node: NodeId };

/** The data of a configuration entry: the whole new configuration, as JSON. */
export function encodeConfiguration(c: Configuration): string {
  return JSON.stringify({ voters: c.voters, learners: c.learners });
}

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/** Decodes a configuration entry's data; null when it is not one (never throws). */
export function decodeConfiguration(data: string): Configuration | null {
  try {
    const v = JSON.parse(data) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { voters, learners } = v as Record<string, unknown>;
    if (!Array.isArray(voters) || !Array.isArray(learners) || !voters.every(isId) || !learners.every(isId)) return null;
    return { voters: [...voters], learners: [...learners] };
  } catch {
    return null;
  }
}

/**
 * The configuration `change` makes of `from`, or why it cannot: thesis §4.1 changes one server
 * at a time; a new server joins as a learner and is promoted once caught up (§4.2.1).
 */
export function applyChange(from: Configuration, change: ConfigChange): Configuration | string {
  const { node } = change;
  const voter = from.voters.includes(node);
  const learner = from.learners.includes(node);
  switch (change.type) {
    case 'add-learner':
      if (voter || learner) return `node ${node} is already a ${voter ? 'voter' : 'learner'}`;
      return { voters: [...from.voters], learners: [...from.learners, node] };
    case 'promote':
      if (voter) return `node ${node} is already a voter`;
      if (!learner) return `node ${node} is not a learner: add it first`;
      return { voters: [...from.voters, node], learners: from.learners.filter((id) => id !== node) };
    case 'remove':
      if (!voter && !learner) return `node ${node} is not in the configuration`;
      if (voter && from.voters.length === 1) return `node ${node} is the last voter: a cluster needs at least one`;
      return { voters: from.voters.filter((id) => id !== node), learners: from.learners.filter((id) => id !== node) };
  }
}

/**
 * The configurations a log holds (thesis §4.1: a server uses the latest configuration in its
 * log, committed or not): the one in force at the log's start (bootstrap, or the snapshot's)
 * and one per configuration entry after it. Truncating the log falls back to the one before.
 */
export class ConfigurationHistory {
  private base: Configuration;
  private baseIndex: Index;
  /** Configuration entries after baseIndex, by index, lowest first. */
  private changes: { index: Index; config: Configuration }[] = [];

  constructor(base: Configuration, baseIndex: Index, entries: readonly Entry[]) {
    this.base = base;
    this.baseIndex = baseIndex;
    this.appended(entries);
  }

  /** The configuration in force: the latest in the log. */
  current(): Configuration {
    const n = this.changes.length; // never index -1: a slow property lookup
    return n > 0 ? this.changes[n - 1]!.config : this.base;
  }

  /** The index of the entry that set the current configuration (the snapshot's, or 0 at bootstrap). */
  currentIndex(): Index {
    const n = this.changes.length;
    return n > 0 ? this.changes[n - 1]!.index : this.baseIndex;
  }

  /** The configuration in force at `index`. */
  at(index: Index): Configuration {
    let c = this.base;
    for (const ch of this.changes) {
      if (ch.index > index) break;
      c = ch.config;
    }
    return c;
  }

  /** Notes configuration entries just written to the log (after any truncation). */
  appended(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.type !== 'config') continue;
      const config = decodeConfiguration(e.data);
      if (config) this.changes.push({ index: e.index, config });
    }
  }

  /** The log lost its entries from `index` on (§5.3): their configurations go with them. */
  truncatedFrom(index: Index): void {
    while (this.changes.length > 0 && this.changes[this.changes.length - 1]!.index >= index) this.changes.pop();
  }

  /** The log's start moved to a snapshot at `index` whose configuration is `config`. */
  compactedTo(index: Index, config: Configuration): void {
    this.base = config;
    this.baseIndex = index;
    this.changes = this.changes.filter((ch) => ch.index > index);
  }

  /** Start again from a snapshot and the entries kept after it. */
  reset(base: Configuration, baseIndex: Index, entries: readonly Entry[]): void {
    this.base = base;
    this.baseIndex = baseIndex;
    this.changes = [];
    this.appended(entries);
  }
}
