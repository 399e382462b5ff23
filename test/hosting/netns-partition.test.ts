import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterKeyFile } from '../../src/cluster/cluster-key-file.js';
import { ProcessCluster } from '../../src/hosting/process-cluster.js';
import { RAFT_TUI_BIN } from '../../src/hosting/process-node.js';
import { waitFor } from '../helpers/wait-for.js';

// Three nodes on three "hosts": network namespaces joined by veth pairs to a bridge, with
// addresses from a documentation range (TEST-NET-2, 198.51.100.0/24, or another one this machine
// does not use) that exist only inside them. Partitions are made in
// the kernel (blackhole routes), not by raft-tui's own fault filter. Needs root and `ip`.

function whyNot(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'it must run as root (ip netns); CI runs it as root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the `ip` command (iproute2) is missing';
  }
  return null;
}

const reason = whyNot();
if (reason) console.warn(`SKIPPED the network-namespace partition test: ${reason}`);

const tag = `rt${process.pid % 100000}`;
const bridgeNs = `${tag}b`;
const ids = [1, 2, 3];
const nsOf = (id: number): string => `${tag}n${id}`;
/**
 * An address range the machine does not use itself (some hosts number their own network from
 * TEST-NET-1), claimed for this run alone: two runs on one machine that picked the same range
 * would both put their host leg in it, and this process would reach the other run's nodes and
 * fail to authenticate with them. The claim is a lock file created exclusively, so checking
 * and taking a range is one step; a lock whose process is gone is stale and taken over.
 */
function claimRange(): { range: string; release: () => void } {
  const used =
    execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }) +
    execFileSync('ip', ['-4', 'addr'], { encoding: 'utf8' });
  // RFC 5737 documentation ranges first, then RFC 2544 benchmarking ones: none is routed.
  const candidates = ['198.51.100', '203.0.113', '192.0.2', ...Array.from({ length: 20 }, (_, i) => `198.18.${i}`)];
  for (const r of candidates.filter((c) => !used.includes(`${c}.`))) {
    const lock = join(tmpdir(), `raft-tui-netns-${r}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        return { range: r, release: () => rmSync(lock, { force: true }) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (holderAlive(lock)) break;
        rmSync(lock, { force: true });
      }
    }
  }
  throw new Error(`every candidate address range is in use or claimed by another run: ${candidates.join(', ')}`);
}

function holderAlive(lock: string): boolean {
  const pid = Number(readFileSync(lock, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let range = '';
const addr = (id: number): string => `${range}.${id}`;
const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

describe.runIf(reason === null)('nodes on three hosts (network namespaces), partitioned in the kernel', { timeout: 90_000 }, () => {
  let dir = '';
  const children: ChildProcess[] = [];
  let cluster: ProcessCluster | undefined;
  let releaseRange = (): void => {};

  beforeAll(async () => {
    ({ range, release: releaseRange } = claimRange());
    ip('netns', 'add', bridgeNs);
    ip('-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', bridgeNs, 'link', 'set', 'br0', 'up');
    const plug = (inside: string, outside: string): void => {
      ip('link', 'set', outside, 'netns', bridgeNs);
      ip('-n', bridgeNs, 'link', 'set', outside, 'master', 'br0');
      ip('-n', bridgeNs, 'link', 'set', outside, 'up');
      void inside;
    };
    for (const id of ids) {
      ip('netns', 'add', nsOf(id));
      ip('link', 'add', `${tag}v${id}`, 'type', 'veth', 'peer', 'name', `${tag}p${id}`);
      ip('link', 'set', `${tag}v${id}`, 'netns', nsOf(id));
      ip('-n', nsOf(id), 'addr', 'add', `${addr(id)}/24`, 'dev', `${tag}v${id}`);
      ip('-n', nsOf(id), 'link', 'set', `${tag}v${id}`, 'up');
      ip('-n', nsOf(id), 'link', 'set', 'lo', 'up');
      plug(`${tag}v${id}`, `${tag}p${id}`);
    }
    // This test's own process reaches the admin endpoints over one more leg of the bridge.
    ip('link', 'add', `${tag}h`, 'type', 'veth', 'peer', 'name', `${tag}hp`);
    plug(`${tag}h`, `${tag}hp`);
    ip('addr', 'add', `${range}.100/24`, 'dev', `${tag}h`);
    ip('link', 'set', `${tag}h`, 'up');

    dir = await mkdtemp(join(tmpdir(), 'raft-tui-netns-'));
    const key = await openClusterKeyFile(dir);
    let stderr = '';
    for (const id of ids) {
      const args = [
        ...['netns', 'exec', nsOf(id), process.execPath, RAFT_TUI_BIN, 'node', '--id', String(id)],
        ...['--listen', `${addr(id)}:7000`, '--admin', `${addr(id)}:7100`],
        ...ids.filter((p) => p !== id).flatMap((p) => ['--peer', `${p}=${addr(p)}:7000`]),
        ...['--data-dir', join(dir, `node-${id}`), '--key-file', join(dir, 'cluster.key')],
        ...['--election-timeout', '300-600', '--heartbeat', '50', '--json', '--watch-parent'],
      ];
      const child = spawn('ip', args, { stdio: ['pipe', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d) => (stderr += `n${id}: ${d}`));
      child.once('exit', (code, signal) => (stderr += `n${id} exited: ${code ?? signal}\n`));
      children.push(child);
    }
    cluster = await ProcessCluster.attach(
      ids.map((id) => ({ id, listen: `${addr(id)}:7000`, admin: `${addr(id)}:7100` })),
      key,
      { electionTimeoutMs: [300, 600], heartbeatMs: 50 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${stderr}`);
    });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    for (const ns of [...ids.map(nsOf), bridgeNs]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not created
      }
    }
    try {
      ip('link', 'del', `${tag}h`);
    } catch {
      // gone with the bridge's namespace
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    releaseRange();
  }, 30_000);

  /** Cuts `alone` off from the others in the kernel: blackhole routes both ways. */
  function isolate(alone: number, how: 'add' | 'del'): void {
    for (const other of ids.filter((id) => id !== alone)) {
      ip('-n', nsOf(alone), 'route', how, 'blackhole', `${addr(other)}/32`);
      ip('-n', nsOf(other), 'route', how, 'blackhole', `${addr(alone)}/32`);
    }
  }

  it('elects a leader across hosts; the isolated minority cannot commit; healing repairs it', async () => {
    const c = cluster!;
    const leader = await waitFor('a leader', () => c.leader(), 20_000);
    expect(await c.submit('SET where = everywhere', { timeoutMs: 10_000 })).toMatchObject({ ok: true });
    await waitFor('every host to apply it', () => c.status().every((s) => s.kv.where === 'everywhere'), 10_000);

    isolate(leader, 'add');
    // The kernel drops every packet between the old leader and the others: it cannot commit.
    const stale = await c.submit('SET where = minority', { to: leader, timeoutMs: 2000 });
    expect(stale.ok).toBe(false);
    const others = ids.filter((id) => id !== leader);
    const newLeader = await waitFor(
      'a leader among the other two hosts',
      () => c.status().find((s) => others.includes(s.id) && s.role === 'leader')?.id,
      20_000,
    );
    expect(await c.submit('SET where = majority', { to: newLeader, timeoutMs: 10_000 })).toMatchObject({ ok: true });
    expect(c.status().find((s) => s.id === leader)!.kv.where).toBe('everywhere');

    isolate(leader, 'del');
    await waitFor('the old leader to catch up after healing', () => c.status().every((s) => s.kv.where === 'majority'), 30_000);
    for (const s of c.status()) expect(s.log.some((e) => e.command === 'SET where = minority')).toBe(false);
    expect(c.safety()).toMatchObject({ violations: 0, first: null });
  });
});
