/**
 * Golden scenarios: each file in test/scenarios/ is a short script in the console language run
 * on a seeded virtual-clock cluster, followed by the trace it must produce — every event in
 * the dashboard's own words, with its virtual time, and every command's answer. Reading a file
 * is reading what Raft did. After a deliberate change of behaviour, rewrite them with
 * `UPDATE=1 npx vitest run test/scenarios.test.ts` and review the diff.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../src/cluster/create-cluster.js';
import type { ClusterOptions } from '../src/cluster/types.js';
import { executeConsoleLine } from '../src/console/index.js';
import { describeEvent } from '../src/tui/describe-event.js';

const folder = fileURLToPath(new URL('./scenarios/', import.meta.url));
const SEPARATOR = '----';

/** `options: nodes=3 seed=7 preVote=false snapshotEvery=20` → cluster options (virtual clock, in memory). */
function optionsFrom(lines: string[]): ClusterOptions {
  const options: ClusterOptions = { transport: 'memory', clock: 'virtual', nodes: 3, seed: 1 };
  for (const line of lines) {
    const m = /^options:\s*(.*)$/.exec(line);
    if (!m) continue;
    for (const pair of m[1]!.split(/\s+/).filter(Boolean)) {
      const [key, value] = pair.split('=');
      if (key === 'nodes' || key === 'seed' || key === 'snapshotEvery') options[key] = Number(value);
      else if (key === 'preVote' || key === 'checkQuorum') options[key] = value === 'true';
      else throw new Error(`unknown scenario option ${pair}`);
    }
  }
  return options;
}

async function play(script: string[]): Promise<string> {
  const cluster = await createCluster(optionsFrom(script));
  const out: string[] = [];
  cluster.on('event', (e) => {
    const d = describeEvent(e);
    if (d) out.push(`${String(Math.round(e.at)).padStart(6)}  ${d.text}`);
  });
  try {
    for (const line of script) {
      if (line.trim() === '' || line.startsWith('#') || line.startsWith('options:')) continue;
      out.push(`> ${line}`);
      const r = await executeConsoleLine(cluster, line);
      out.push(`  ${r.ok ? 'ok' : 'error'}: ${r.message}`);
    }
    const safety = cluster.safety();
    out.push(`safety: ${safety.violations === 0 ? 'ok' : `VIOLATED: ${safety.first?.message ?? ''}`}`);
  } finally {
    await cluster.stop();
  }
  return `${out.join('\n')}\n`;
}

const files = readdirSync(folder)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('golden scenarios (test/scenarios/*.txt; UPDATE=1 rewrites them)', () => {
  it('has scenarios to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(file, async () => {
      const path = join(folder, file);
      const text = readFileSync(path, 'utf8');
      const at = text.indexOf(`\n${SEPARATOR}\n`);
      const script = (at < 0 ? text : text.slice(0, at)).split('\n');
      const expected = at < 0 ? '' : text.slice(at + SEPARATOR.length + 2);
      const actual = await play(script);
      if (process.env.UPDATE === '1') {
        writeFileSync(path, `${script.join('\n').trimEnd()}\n${SEPARATOR}\n${actual}`);
        return;
      }
      expect(actual).toBe(expected);
    });
  }
});
