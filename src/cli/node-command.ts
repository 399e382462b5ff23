/** `raft-tui node`: one Raft node as its own process (the seed project's `main.py`). */
import { mkdir } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { ClusterEvent } from '../cluster/types.js';
import { openClusterKeyFile, readKeyFile } from '../cluster/cluster-key-file.js';
import { formatHostPort, isLoopback, parseHostPort, parsePeer } from '../hosting/address.js';
import { NodeProcess } from '../hosting/node-process.js';
import type { NodeId } from '../raft/types.js';
import { describeEvent } from '../tui/describe-event.js';
import type { CliCommand } from './command.js';
import { UsageError } from './io.js';

export const nodeCommand: CliCommand = {
  command: 'node',
  describe: 'run one node as its own process, with real files (see also: raft-tui launch)',
  builder: (y: Argv) =>
    y
      // `--peer 1=… --peer 3=…`: every repetition counts.
      .parserConfiguration({ 'duplicate-arguments-array': true })
      .option('id', { type: 'number', demandOption: true, describe: 'This node’s id (1-9)' })
      .option('listen', {
        type: 'string',
        default: '127.0.0.1:0',
        describe: 'HOST:PORT for peers (a host other than loopback needs --key-file)',
      })
      .option('peer', { type: 'string', array: true, default: [], describe: 'ID=HOST:PORT of another node (repeat for each)' })
      .option('bootstrap', {
        type: 'string',
        describe: 'IDS (e.g. 1,2,3): the voters to start from, when this node joins a running cluster (default: it and its peers)',
      })
      .option('data-dir', { type: 'string', demandOption: true, describe: 'This node’s folder: its log, term and vote' })
      .option('key-file', { type: 'string', describe: 'The cluster key (mode 0600; default DIR/cluster.key, created on loopback)' })
      .option('admin', { type: 'string', describe: 'HOST:PORT of the admin endpoint (default: the --listen host, any port)' })
      .option('election-timeout', { type: 'string', default: '150-300', describe: 'MIN-MAX ms' })
      .option('heartbeat', { type: 'number', default: 50, describe: 'ms' })
      .option('seed', { type: 'number', describe: 'Seeds the election timeouts (default: random)' })
      .option('pre-vote', { type: 'boolean', default: true, describe: 'Pre-vote (thesis §9.6)' })
      .option('check-quorum', { type: 'boolean', default: true, describe: 'Check-quorum (thesis §9.6)' })
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per line on stdout instead of text' })
      .option('watch-parent', { type: 'boolean', default: false, hidden: true, describe: 'Exit when stdin ends (the parent died)' })
      .epilog('Logs one line per event on stdout. SIGTERM stops it cleanly; SIGKILL is a real crash (its files keep what was fsync’d).'),
  run: async (args, io) => {
    let options: ConstructorParameters<typeof NodeProcess>[0];
    try {
      const id = Number(args.id);
      if (!(Number.isInteger(id) && id >= 1 && id <= 9)) throw new Error(`--id must be a whole number from 1 to 9 (got ${args.id})`);
      const listen = parseHostPort(String(args.listen), '--listen');
      const peers = new Map<NodeId, ReturnType<typeof parseHostPort>>();
      for (const p of args.peer as string[]) {
        const [pid, at] = parsePeer(p);
        if (pid === id) throw new Error(`--peer ${p}: that is this node's own id`);
        peers.set(pid, at);
      }
      const bootstrap = args.bootstrap === undefined ? undefined : parseIdList(String(args.bootstrap), '--bootstrap');
      const admin = args.admin ? parseHostPort(String(args.admin), '--admin') : { host: listen.host, port: 0 };
      const keyFile = args['key-file'] as string | undefined;
      // A node reachable from other hosts must authenticate whoever talks to it.
      if (!keyFile && !(isLoopback(listen.host) && isLoopback(admin.host)))
        throw new Error(
          `--listen ${formatHostPort(listen)} is reachable from other hosts: give --key-file (the cluster key; raft-tui launch writes one)`,
        );
      const range = /^(\d+)-(\d+)$/.exec(String(args['election-timeout']));
      if (!range) throw new Error(`--election-timeout must be MIN-MAX in ms, e.g. 150-300 (got ${args['election-timeout']})`);
      const dataDir = String(args['data-dir']);
      await mkdir(dataDir, { recursive: true });
      const key = keyFile ? await readKeyFile(keyFile) : await openClusterKeyFile(dataDir);
      if (!key) throw new Error(`${keyFile} does not exist: give the cluster's key file (raft-tui launch writes DIR/cluster.key)`);
      options = {
        id,
        listen,
        peers,
        admin,
        dataDir,
        key,
        electionTimeoutMs: [Number(range[1]), Number(range[2])],
        heartbeatMs: Number(args.heartbeat),
        seed: args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(args.seed),
        preVote: args['pre-vote'] !== false,
        checkQuorum: args['check-quorum'] !== false,
        ...(bootstrap ? { bootstrap } : {}),
      };
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const json = args.json === true;
    const line = (e: ClusterEvent | { type: 'listening'; node: NodeId; listen: string; admin: string; pid: number }): void => {
      if (json) {
        io.stdout.write(`${JSON.stringify(e)}\n`);
        return;
      }
      if (e.type === 'listening') {
        io.stdout.write(`n${e.node} listening on ${e.listen}, admin on ${e.admin} (pid ${e.pid})\n`);
        return;
      }
      const d = describeEvent(e);
      if (d) io.stdout.write(`${(e.at / 1000).toFixed(3).padStart(9)} ${d.text}\n`);
    };
    const node = new NodeProcess({ ...options, onEvent: line });
    const { port, adminPort } = await node.start();
    line({
      type: 'listening',
      node: options.id,
      listen: formatHostPort({ ...options.listen, port }),
      admin: formatHostPort({ ...options.admin, port: adminPort }),
      pid: process.pid,
    });
    await new Promise<void>((resolve) => {
      const done = (): void => resolve();
      process.once('SIGTERM', done);
      process.once('SIGINT', done);
      if (args['watch-parent'] === true) {
        // The parent holds the other end of stdin: when it dies, for any reason, so do we.
        io.stdin.on('end', done);
        io.stdin.on('close', done);
        io.stdin.on('error', done);
        io.stdin.resume();
      }
    });
    await node.stop();
    if (args['watch-parent'] === true) io.stdin.destroy();
    return 0;
  },
};

/** "1,2,3": node ids from 1 to 9, each once. */
function parseIdList(text: string, flag: string): NodeId[] {
  const ids = text.split(',').map((t) => Number(t.trim()));
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id >= 1 && id <= 9) || new Set(ids).size !== ids.length)
    throw new Error(`${flag} must list node ids from 1 to 9, each once, separated by commas, e.g. 1,2,3 (got ${text})`);
  return ids;
}
