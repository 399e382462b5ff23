import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachCluster } from '../../src/hosting/attach.js';
import type { NodeEndpoint } from '../../src/hosting/endpoints-file.js';
import { RAFT_TUI_BIN } from '../../src/hosting/process-node.js';
import { alive } from '../helpers/cluster-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

/** Runs `raft-tui launch` as a real process; resolves once it has written where its nodes are. */
async function launch(nodes: number) {
  const dir = await mkdtemp(join(tmpdir(), 'raft-tui-launch-'));
  const child = spawn(process.execPath, [RAFT_TUI_BIN, 'launch', '--nodes', String(nodes), '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.push(async () => {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  const endpoints = await waitFor(
    'the launcher to write nodes.json',
    async () => JSON.parse(await readFile(join(dir, 'nodes.json'), 'utf8')).nodes as NodeEndpoint[],
    30_000,
  );
  return { dir, child, exited, endpoints, output: () => output };
}

describe('raft-tui launch', { timeout: 60_000 }, () => {
  it('starts N node processes, says how to attach, and Ctrl-C stops them all', async () => {
    const { dir, child, exited, endpoints, output } = await launch(3);
    expect(endpoints.map((e) => e.id)).toEqual([1, 2, 3]);
    const pids = endpoints.map((e) => e.pid!);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    await waitFor('the attach hint', () => output().includes(`raft-tui --attach ${dir}`));
    // The dashboard's cluster, attached over the admin endpoints with the key from the folder.
    const attached = await attachCluster(dir, undefined);
    cleanup.push(() => attached.stop());
    await waitFor('a leader', () => attached.leader(), 20_000);
    expect(await attached.submit('SET seen = 1')).toMatchObject({ ok: true });
    expect(attached.crashMeaning(1)).toMatch(/process keeps running/);
    // It starts and stops no process: membership changes are refused, saying why.
    await expect(attached.addNode()).rejects.toThrow(/attached to nodes running elsewhere/);
    await expect(attached.removeNode(3)).rejects.toThrow(/attached to nodes running elsewhere/);
    expect(attached.status().map((s) => s.id)).toEqual([1, 2, 3]);
    await attached.stop();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('leaves no orphans when the launcher itself is killed: the nodes notice and exit', async () => {
    const { child, exited, endpoints } = await launch(3);
    const pids = endpoints.map((e) => e.pid!);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    await waitFor('every node process to exit', () => pids.every((pid) => !alive(pid)), 10_000);
  });
});
