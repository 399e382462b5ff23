/**
 * `npm run docs`: records an example from the library in the dashboard on the simulator (the
 * same --example run anyone can replay, at 120×36) and renders one of its screens into
 * docs/dashboard.svg, the picture at the top of the README. The simulator replays exactly, so
 * running this again gives the same picture.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { castToSvg } from './cast-to-svg.js';

const EXAMPLE = 'stranded-leader';
/** The screen shown: the last one before this caption, with n5 stranded and its entry uncommitted. */
const BEFORE = 'Heal: n5 learns';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function main(): Promise<void> {
  // Ink draws nothing while CI is set; it decides when it is first imported (below).
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.NODE_ENV ??= 'production';
  // Colours as a terminal gets them (the stand-in terminal below is not a TTY chalk can probe).
  process.env.FORCE_COLOR = '1';
  const [{ createCluster }, { runDashboard }, { executeConsoleLine, runScript }, { exampleClusterOptions, loadExample }] =
    await Promise.all([
      import('../../src/cluster/create-cluster.js'),
      import('../../src/tui/run-dashboard.js'),
      import('../../src/console/index.js'),
      import('../../src/cli/examples.js'),
    ]);
  const example = loadExample(EXAMPLE);
  // At the example's own speed: the picture is a screen of the very run --example shows.
  const cluster = await createCluster({ ...exampleClusterOptions(example), clock: 'paced' });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 36 }) as unknown as NodeJS.WriteStream;
  stdout.resume();
  const castPath = join(tmpdir(), `raft-tui-${EXAMPLE}-${process.pid}.cast`);
  try {
    await runDashboard(cluster, {
      stdout,
      stderr: new PassThrough() as unknown as NodeJS.WriteStream,
      stdin: Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream,
      run: (line) => executeConsoleLine(cluster, line),
      clusterTime: true,
      record: { path: castPath, title: `raft-tui --example ${EXAMPLE}` },
      afterStart: async ({ controller, signal }) => {
        const name = `examples/${EXAMPLE}.txt`;
        const ended = await runScript(
          cluster,
          example.text,
          name,
          (no, line, outcome) => controller.showResult(`${name}:${no} ${line}`, outcome),
          {
            signal,
          },
        );
        if (!ended.ok) throw new Error(ended.message);
        await controller.runLine('quit');
      },
    });
  } finally {
    await cluster.stop();
  }
  const svg = await castToSvg(readFileSync(castPath, 'utf8'), { before: BEFORE, title: `raft-tui --example ${EXAMPLE}` });
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(join(ROOT, 'docs', 'dashboard.svg'), svg);
  process.stdout.write(`docs/dashboard.svg: ${svg.length} bytes, from a recording of --example ${EXAMPLE}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
