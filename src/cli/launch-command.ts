/** `raft-tui launch`: N node processes on this machine (the seed project's `launch_all_nodes.py`). */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ClusterEvent } from '../cluster/types.js';
import type { ProcessCluster } from '../hosting/process-cluster.js';
import type { CliCommand } from './command.js';
import { UsageError } from './io.js';

export const launchCommand: CliCommand = {
  command: 'launch',
  describe: 'start N nodes, each its own process, and keep them running until Ctrl-C',
  builder: (y: Argv) =>
    y
      .option('nodes', { alias: 'n', type: 'number', default: 5, describe: 'How many nodes, 1 to 9' })
      .option('data-dir', {
        type: 'string',
        demandOption: true,
        describe: 'The cluster’s folder: a folder per node, the manifest and the key',
      })
      .option('base-port', { type: 'number', describe: 'Node i listens on port P + i - 1 (default: free ports)' })
      .option('election-timeout', { type: 'string', default: '150-300', describe: 'MIN-MAX ms' })
      .option('heartbeat', { type: 'number', default: 50, describe: 'ms' })
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per line on stdout instead of text' })
      .epilog('Writes DIR/nodes.json (where each node and its admin endpoint listen) and prints how to attach a dashboard.'),
  run: async (args, io) => {
    const range = /^(\d+)-(\d+)$/.exec(String(args['election-timeout']));
    if (!range) throw new UsageError(`--election-timeout must be MIN-MAX in ms, e.g. 150-300 (got ${args['election-timeout']})`);
    const dataDir = resolve(String(args['data-dir']));
    const json = args.json === true;
    const [{ createCluster }, { removeEndpoints, writeEndpoints }, { describeEvent }] = await Promise.all([
      import('../cluster/create-cluster.js'),
      import('../hosting/endpoints-file.js'),
      import('../tui/describe-event.js'),
    ]);
    let cluster: ProcessCluster;
    try {
      cluster = (await createCluster({
        hosting: 'processes',
        nodes: Number(args.nodes),
        dataDir,
        electionTimeoutMs: [Number(range[1]), Number(range[2])],
        heartbeatMs: Number(args.heartbeat),
        ...(args['base-port'] === undefined ? {} : { basePort: Number(args['base-port']) }),
      })) as ProcessCluster;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const endpoints = cluster.endpoints();
    await writeEndpoints(dataDir, endpoints);
    const say = (text: string, data: object): void => {
      io.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
    };
    say(`raft-tui: ${endpoints.length} nodes running, each its own process; files and key in ${dataDir}`, {
      type: 'launched',
      dataDir,
      nodes: endpoints,
    });
    for (const e of endpoints) say(`  n${e.id}  peers ${e.listen}  admin ${e.admin}  pid ${e.pid}`, { type: 'node', ...e });
    say(`attach a dashboard:  raft-tui --attach ${dataDir}\nCtrl-C stops every node.`, {
      type: 'hint',
      attach: `raft-tui --attach ${dataDir}`,
    });
    cluster.on('event', (e: ClusterEvent) => {
      if (json) return say('', e);
      const d = describeEvent(e);
      if (d) say(`${(e.at / 1000).toFixed(3).padStart(9)} ${d.text}`, e);
    });
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await cluster.stop();
    await removeEndpoints(dataDir);
    say('raft-tui: every node stopped', { type: 'stopped' });
    return 0;
  },
};
