/** The `raft-tui` command line. Returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`raft-tui: not built yet (${argv.join(' ')})\n`);
  return 0;
}
