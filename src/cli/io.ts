/** The streams and environment a `raft-tui` command runs with (the process's, or a test's). */
export interface CliIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** A mistake in how the command was called: reported as one line on stderr, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
