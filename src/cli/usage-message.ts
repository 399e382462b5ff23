/**
 * Turns yargs' validation messages into one line that names the problem and the fix,
 * e.g. "unknown option --nodez: see raft-tui --help for the options".
 */
export function usageMessage(yargsMessage: string, argv: readonly string[] = []): string {
  const msg = yargsMessage.trim();
  const unknown = /^Unknown arguments?: (.+)$/s.exec(msg);
  if (unknown?.[1]) {
    const names = unknown[1].split(/,\s*/).map((n) => {
      // yargs names `--bogus` and a stray word `bogus` alike; the command line tells them apart.
      if (argv.includes(n) && !argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}`)) return n;
      return n.length === 1 ? `-${n}` : `--${n}`;
    });
    const words = names.filter((n) => !n.startsWith('-'));
    if (words.length === names.length) {
      return `unknown command ${names.join(' ')}: see raft-tui --help for the commands and options`;
    }
    const what = names.length === 1 ? `unknown option ${names[0]}` : `unknown options ${names.join(', ')}`;
    return `${what}: see raft-tui --help for the options`;
  }
  const missing = /^Not enough arguments following: (.+)$/.exec(msg);
  if (missing?.[1]) return `--${missing[1]} needs a value: see raft-tui --help`;
  const choices = /^Invalid values:\s*Argument: ([\w-]+), Given: "?([^",]*)"?, Choices: (.+)$/s.exec(msg);
  if (choices?.[1] && choices[3]) {
    const options = choices[3].split(/,\s*/).map((c) => c.replace(/"/g, ''));
    return `--${choices[1]} must be ${options.join(' or ')} (got ${choices[2] ?? ''})`;
  }
  return `${msg.split('\n').join(' ')}: see raft-tui --help`;
}
