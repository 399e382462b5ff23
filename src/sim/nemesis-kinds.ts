/**
 * The nemesis's fault kinds: their names (as `raft-tui check --faults` takes them), what each
 * does in one line, the slot each occupies, and the named groups a list may use.
 */

/** Every fault the nemesis can inject. */
export const FAULT_KINDS = [
  'isolate-leader',
  'strand-leader',
  'halves',
  'majorities-ring',
  'bridge',
  'one-way',
  'crash-one',
  'crash-minority',
  'crash-majority',
  'crash-all',
  'drop',
  'duplicate',
  'reorder',
  'long-delay',
  'transfer-leader',
  'add-node',
  'remove-node',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Which part of the world a fault changes. A fault replaces the one before it in its slot, so
 * a partition and message loss can overlap, but two partitions cannot.
 */
export type FaultSlot = 'links' | 'crash' | 'messages' | 'leadership' | 'membership';

/** What each fault does, in a few words (shown by `--help`; short enough for 80 columns). */
export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  'isolate-leader': 'cut the leader off from everyone else',
  'strand-leader': 'cut the leader off mid-handover, or in a minority, for long',
  halves: 'two random halves: a minority and a majority',
  'majorities-ring': 'each node sees a different majority (a ring of views)',
  bridge: 'two halves joined only by one node that sees both',
  'one-way': 'one-way cuts: deaf or mute nodes, or random links',
  'crash-one': 'crash one node (often the leader), restart it later',
  'crash-minority': 'crash a minority of the nodes, restart them later',
  'crash-majority': 'crash a majority of the nodes, restart them later',
  'crash-all': 'crash every node, restart them later',
  drop: 'lose 5-40% of messages',
  duplicate: 'deliver 5-30% of messages twice',
  reorder: 'delay messages 0-60 ms, so they overtake each other',
  'long-delay': 'delay messages up to 10 election timeouts (stale terms)',
  'transfer-leader': 'hand leadership to another node (TimeoutNow, thesis §3.10)',
  'add-node': 'add a new node: a learner, a voter once caught up (§4.2.1)',
  'remove-node': 'remove a voter, often the leader; half keep running a while',
};

export const FAULT_SLOTS: Record<FaultKind, FaultSlot> = {
  'isolate-leader': 'links',
  'strand-leader': 'links',
  halves: 'links',
  'majorities-ring': 'links',
  bridge: 'links',
  'one-way': 'links',
  'crash-one': 'crash',
  'crash-minority': 'crash',
  'crash-majority': 'crash',
  'crash-all': 'crash',
  drop: 'messages',
  duplicate: 'messages',
  reorder: 'messages',
  'long-delay': 'messages',
  'transfer-leader': 'leadership',
  'add-node': 'membership',
  'remove-node': 'membership',
};

/** Names a `--faults` list may use for several kinds at once. */
export const FAULT_GROUPS: Record<string, readonly FaultKind[]> = {
  all: FAULT_KINDS,
  partitions: ['isolate-leader', 'strand-leader', 'halves', 'majorities-ring', 'bridge', 'one-way'],
  crashes: ['crash-one', 'crash-minority', 'crash-majority', 'crash-all'],
  messages: ['drop', 'duplicate', 'reorder', 'long-delay'],
  leadership: ['transfer-leader'],
  membership: ['add-node', 'remove-node'],
};

/**
 * Parses a comma-separated list of fault kinds and group names into kinds, in the canonical
 * order, without repeats. The message names the unknown word and every accepted name.
 */
export function parseFaultList(text: string): { ok: true; kinds: FaultKind[] } | { ok: false; message: string } {
  const words = text
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 0) return { ok: false, message: `--faults needs at least one name: ${acceptedNames()}` };
  const chosen = new Set<FaultKind>();
  for (const w of words) {
    // `none`: clients only, no faults (the heal and liveness check still run).
    if (w === 'none') continue;
    const group = Object.hasOwn(FAULT_GROUPS, w) ? FAULT_GROUPS[w] : undefined;
    if (group) {
      for (const k of group) chosen.add(k);
    } else if ((FAULT_KINDS as readonly string[]).includes(w)) {
      chosen.add(w as FaultKind);
    } else {
      return { ok: false, message: `unknown fault "${w}" in --faults: ${acceptedNames()}` };
    }
  }
  return { ok: true, kinds: FAULT_KINDS.filter((k) => chosen.has(k)) };
}

/** Writes kinds back as the shortest list that parses to them (`all` when it is all of them). */
export function formatFaultList(kinds: readonly FaultKind[]): string {
  const set = new Set(kinds);
  if (set.size === 0) return 'none';
  if (FAULT_KINDS.every((k) => set.has(k))) return 'all';
  const words: string[] = [];
  const covered = new Set<FaultKind>();
  for (const [name, group] of Object.entries(FAULT_GROUPS)) {
    if (name === 'all') continue;
    if (group.every((k) => set.has(k))) {
      words.push(name);
      for (const k of group) covered.add(k);
    }
  }
  for (const k of FAULT_KINDS) if (set.has(k) && !covered.has(k)) words.push(k);
  return words.join(',');
}

function acceptedNames(): string {
  return `use ${Object.keys(FAULT_GROUPS).join(', ')}, none, or any of ${FAULT_KINDS.join(', ')}`;
}
