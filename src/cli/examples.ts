/**
 * The examples library: the stories in `examples/*.txt` at the package root, shipped with the
 * package. Each is a console script with captions (`say`) and checks (`expect`); its first
 * comment line is its title, and a `#!` line may set the cluster it needs:
 * `#! nodes=5 seed=3 speed=0.3 pre-vote=off check-quorum=off batch=1 disk=files` (batch: entries per
 * AppendEntries; disk=files: FileStorage on the simulator's crash-honest disks).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NodeDisk } from '../cluster/node-disk.js';
import type { ClusterOptions } from '../cluster/types.js';
import { createRng } from '../raft/rng.js';
import type { NodeId } from '../raft/types.js';
import { CrashFs } from '../sim/crash-fs.js';
import { checkDashboardOptions, DEFAULTS } from './dashboard-options.js';

/** examples/ beside src/ and dist/ (this file is src/cli/ or dist/cli/). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

export interface Example {
  name: string;
  path: string;
  title: string;
  text: string;
  /** What its `#!` line asks for. */
  options: Pick<ClusterOptions, 'nodes' | 'seed' | 'speed' | 'preVote' | 'checkQuorum' | 'maxBatchEntries' | 'disks'>;
}

/**
 * `disk=files`: each node's FileStorage on its own crash-honest in-memory file system (the
 * simulator's), so a crash can tear a write that was not fsync'd. Seeded by the node id alone:
 * the same story tears the same bytes.
 */
function simulatedDisk(id: NodeId): NodeDisk {
  const fs = new CrashFs({ rng: createRng(7919 * id) });
  return { fs, crash: (options) => fs.crash(options) };
}

/** Every example's name, sorted. */
export function exampleNames(dir = EXAMPLES_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -4))
      .sort();
  } catch {
    return [];
  }
}

/** Reads one example; throws an Error naming the examples there are when it does not exist. */
export function loadExample(name: string, dir = EXAMPLES_DIR): Example {
  const names = exampleNames(dir);
  const bare = name.replace(/\.txt$/, '');
  if (!names.includes(bare)) throw new Error(`no example "${name}": there are ${names.join(', ')} (raft-tui --example lists them)`);
  const path = `${dir}${bare}.txt`;
  const text = readFileSync(path, 'utf8');
  return { name: bare, path, title: exampleTitle(text), text, options: exampleOptions(text, path) };
}

/** The first comment line, without its `#`. */
export function exampleTitle(text: string): string {
  const line = text.split('\n').find((l) => /^#\s*[^!\s]/.test(l));
  return line ? line.replace(/^#\s*/, '').trim() : '';
}

/** The `#!` line's settings. */
export function exampleOptions(text: string, path: string): Example['options'] {
  const options: Example['options'] = {};
  const line = text.split('\n').find((l) => l.startsWith('#!'));
  if (!line) return options;
  for (const pair of line.slice(2).trim().split(/\s+/).filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    const n = Number(value);
    if (key === 'nodes' || key === 'seed' || key === 'speed') {
      if (!Number.isFinite(n)) throw new Error(`${path}: ${pair} needs a number`);
      options[key] = n;
    } else if (key === 'disk') {
      if (value !== 'files') throw new Error(`${path}: ${pair} must be disk=files`);
      options.disks = simulatedDisk;
    } else if (key === 'batch') {
      if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${path}: ${pair} needs a whole number of entries, 1 or more`);
      options.maxBatchEntries = n;
    } else if (key === 'pre-vote' || key === 'check-quorum') {
      if (value !== 'on' && value !== 'off') throw new Error(`${path}: ${pair} must be on or off`);
      options[key === 'pre-vote' ? 'preVote' : 'checkQuorum'] = value === 'on';
    } else throw new Error(`${path}: unknown setting ${pair} (nodes, seed, speed, pre-vote, check-quorum, batch, disk)`);
  }
  return options;
}

/** The example's own cluster settings, except where a flag changed a setting from its default. */
export function applyExampleOptions(c: ClusterOptions, example: Example, seedGiven: boolean): void {
  const o = example.options;
  Object.assign(c, {
    ...(o.nodes !== undefined && c.nodes === DEFAULTS.nodes ? { nodes: o.nodes } : {}),
    ...(o.seed !== undefined && !seedGiven ? { seed: o.seed } : {}),
    ...(o.speed !== undefined && c.speed === DEFAULTS.speed ? { speed: o.speed } : {}),
    ...(o.preVote !== undefined && c.preVote === true ? { preVote: o.preVote } : {}),
    ...(o.checkQuorum !== undefined && c.checkQuorum === true ? { checkQuorum: o.checkQuorum } : {}),
    ...(o.maxBatchEntries !== undefined ? { maxBatchEntries: o.maxBatchEntries } : {}),
    ...(o.disks !== undefined ? { disks: o.disks } : {}),
  });
}

/**
 * The cluster options `raft-tui --example NAME` runs with (every other flag at its default):
 * what the tests play, so a story checked there is the story people see.
 */
export function exampleClusterOptions(example: Example): ClusterOptions {
  const settings = checkDashboardOptions(
    {
      nodes: DEFAULTS.nodes,
      speed: DEFAULTS.speed,
      'election-timeout': DEFAULTS.electionTimeout,
      heartbeat: DEFAULTS.heartbeat,
      transport: DEFAULTS.transport,
      latency: DEFAULTS.latency,
      'pre-vote': true,
      'check-quorum': true,
      example: example.name,
    },
    () => 0,
  );
  applyExampleOptions(settings.cluster, example, false);
  return settings.cluster;
}
