/**
 * The help text of the console language, in one place: the dashboard's help screen, the
 * `help` command and the `--help` epilogue all show it from here.
 */

/** One command's help. */
export interface CommandHelp {
  /** The command word, as typed (lower case; the key-value verbs in capitals). */
  name: string;
  usage: string;
  summary: string;
  example: string;
  /** What `help <name>` adds: the details and the Raft behind it. */
  details: string;
}

/** Every command, in the order the help table lists them. */
export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'SET',
    usage: 'SET <key> = <value>',
    summary: 'write a value through the leader',
    example: 'SET x = 1',
    details:
      'Also: set x 1, set x=1. The value is the rest of the line; quote it ("a b") to keep\n' +
      'surrounding spaces. The leader appends it to its log, replicates it, and answers once a\n' +
      'majority stored it: committed (Raft §5.3). The followers apply it when the next\n' +
      "AppendEntries, or else a heartbeat, brings them the leader's commit index (§5.3). A retried\n" +
      'request applies once (thesis §6.3). A trailing & (SET x = 1 &, as in a shell; GET, DEL and\n' +
      'CAS too) sends it in the background, once, to the leader: the next line runs at once, and\n' +
      'the answer (committed, or lost with its leader) shows when it comes. Quote a value that\n' +
      'ends in &.',
  },
  {
    name: 'GET',
    usage: 'GET <key>',
    summary: 'read a value (ReadIndex: no log entry)',
    example: 'GET x',
    details:
      'Thesis §6.4 ReadIndex: the leader notes its commit index, confirms with one heartbeat round\n' +
      'that a majority still follows it (so a deposed leader cannot answer with stale data), waits\n' +
      'until it has applied that far, and answers. Nothing is written to the log. The answer shows\n' +
      "that read index. (With reads: 'log' a GET is committed as an entry instead.)",
  },
  {
    name: 'DEL',
    usage: 'DEL <key>',
    summary: 'delete a key',
    example: 'DEL x',
    details: 'Removes the key and says what it held.',
  },
  {
    name: 'CAS',
    usage: 'CAS <key> <expected> <new>',
    summary: 'set <new> only if the key holds <expected>',
    example: 'CAS x 1 2',
    details:
      'Compare-and-swap, applied atomically in log order: swapped only when the key held\n' +
      '<expected> at that point of the log. Quote values with spaces: CAS x "a b" c.',
  },
  {
    name: 'crash',
    usage: 'crash <id|leader|followers>',
    summary: 'stop a node: it loses memory, keeps its disk',
    example: 'crash 2',
    details:
      'The node stops at once: timers, connections and volatile state (commit index, leader)\n' +
      'are gone; its term, vote and log stay in storage (Raft Figure 2, persistent state).\n' +
      '"crash leader" picks whoever leads now; "crash followers" every other node.\n' +
      '"crash 2 mid-write" (the simulator with disk=files, as in the example torn-tail): n2\n' +
      'crashes in the middle of its next log write, before the fsync, and its disk keeps a torn\n' +
      'prefix of it; on restart, recovery cuts the torn record off and reports it.',
  },
  {
    name: 'restart',
    usage: 'restart <id|all|followers>',
    summary: 'bring crashed nodes back from their disk',
    example: 'restart 2',
    details:
      'The node reloads term, vote and log from storage and rejoins as a follower; it learns\n' +
      'the commit index again from the leader (it is volatile state, Figure 2). "restart all"\n' +
      'restarts every crashed node.',
  },
  {
    name: 'add',
    usage: 'add',
    summary: 'add a node (learner first, then voter)',
    example: 'add',
    details:
      'Thesis §4.2.1: starts a node with the next unused id and an empty log. One configuration\n' +
      'change adds it as a LEARNER (it receives the log but does not vote or count toward a\n' +
      'majority); once it has caught up, a second change makes it a voter. Up to 9 nodes.',
  },
  {
    name: 'remove',
    usage: 'remove <id>',
    summary: 'take a node out of the cluster for good',
    example: 'remove 4',
    details:
      'Thesis §4.2.2: a configuration change without the node goes through the log; once it\n' +
      'commits, the node stops (a leader steps down first). Its id is never used again.',
  },
  {
    name: 'transfer',
    usage: 'transfer <id>',
    summary: 'hand leadership to another node',
    example: 'transfer 3',
    details:
      'Thesis §3.10: the leader stops taking commands, brings the node up to date, then sends it\n' +
      'TimeoutNow; the node campaigns at once (no pre-vote) and wins. If it has not taken over\n' +
      'within an election timeout the transfer is abandoned and the leader takes commands again.',
  },
  {
    name: 'isolate',
    usage: 'isolate <id|leader>',
    summary: 'cut one node off from all others',
    example: 'isolate 3',
    details:
      'Puts the node in a partition group of its own. An isolated leader steps down when it\n' +
      'stops hearing from a majority (check-quorum, thesis §6.2); an isolated follower keeps\n' +
      'pre-voting and cannot disrupt the others (pre-vote, thesis §9.6). "rejoin 3" undoes it.\n' +
      '"isolate leader" picks whoever leads now.',
  },
  {
    name: 'rejoin',
    usage: 'rejoin <id>',
    summary: 'undo isolate: join the largest group',
    example: 'rejoin 3',
    details:
      'Moves the node back into the largest other partition group; when that leaves a single\n' +
      'group, the partition is gone (drop, dup and delay settings stay).',
  },
  {
    name: 'partition',
    usage: 'partition <ids> | <ids> ...',
    summary: 'split the network into groups',
    example: 'partition 1,2 | 3,4,5',
    details:
      'Nodes in different groups cannot talk; a node named in no group is alone. Replaces any\n' +
      'earlier partition. Only a group holding a majority can elect a leader and commit (§5.2).\n' +
      '"partition leader | followers" cuts the leader off from everyone else.',
  },
  {
    name: 'heal',
    usage: 'heal',
    summary: 'all links up, all network faults off',
    example: 'heal',
    details: 'Removes the partition, isolations, one-way cuts, drops, duplicates and delays.',
  },
  {
    name: 'compact',
    usage: 'compact [<id>]',
    summary: 'take a snapshot now and drop the log it covers',
    example: 'compact 2',
    details:
      'The node writes its state machine (keys and client sessions) as of its last applied\n' +
      'entry to a snapshot and forgets the log up to there (§7). Nodes also do this on their own\n' +
      'every 10,000 entries. A follower that later needs those entries gets the snapshot\n' +
      'instead (InstallSnapshot). Without an id, every node that is up compacts.',
  },
  {
    name: 'drop',
    usage: 'drop <percent>',
    summary: 'lose this share of messages',
    example: 'drop 20',
    details: 'Each message is lost with this probability; Raft retries (§5.3). "drop 0" stops it.',
  },
  {
    name: 'dup',
    usage: 'dup <percent>',
    summary: 'deliver this share of messages twice',
    example: 'dup 10',
    details: 'Duplicates must be harmless: Raft RPCs are idempotent (§5.5). "dup 0" stops it.',
  },
  {
    name: 'delay',
    usage: 'delay <min>-<max>ms | off',
    summary: 'hold each message a random time (reorders)',
    example: 'delay 20-200ms',
    details:
      'Each message waits a uniform random delay in the range, so messages overtake each\nother. "delay 50ms" is a fixed delay; "delay off" stops it.',
  },
  {
    name: 'latency',
    usage: 'latency <min>-<max>ms | off',
    summary: 'every message takes this long (not a fault)',
    example: 'latency 10-20ms',
    details:
      'Each message travels a random time in the range, on the cluster clock (so speed scales\n' +
      'it), in order on each link. Not a fault: heal keeps it. With latency you see every vote\n' +
      'request and reply in flight; RaftScope uses about a tenth of the election timeout.',
  },
  {
    name: 'timeout',
    usage: 'timeout <id|followers>',
    summary: "fire a node's election timer now",
    example: 'timeout 2',
    details:
      'The node acts as if it heard from no leader for a whole election timeout (§5.2): it asks\n' +
      'for pre-votes (thesis §9.6), or votes without pre-vote. Under a live leader the pre-vote\n' +
      'fails, as it should. "timeout followers" fires them all at once: a split vote.',
  },
  {
    name: 'pause',
    usage: 'pause',
    summary: 'freeze time; messages wait in the inboxes',
    example: 'pause',
    details:
      'Timers stop and messages stay in flight, so you can look. "step" moves one message or\none timer at a time; "resume" lets everything go.',
  },
  {
    name: 'resume',
    usage: 'resume',
    summary: 'let time run again',
    example: 'resume',
    details: 'Undoes pause.',
  },
  {
    name: 'step',
    usage: 'step [<n>]',
    summary: 'paused: deliver one message or fire a timer',
    example: 'step 12',
    details:
      'Delivers the next message due (or message #n of the in-flight list) and says what the\n' +
      'receiver did and why. With nothing in flight, time jumps to the next election timeout\n' +
      'or heartbeat in one go.',
  },
  {
    name: 'drop-msg',
    usage: 'drop-msg <n>',
    summary: 'lose message #n of the in-flight list',
    example: 'drop-msg 12',
    details: 'The message never arrives, as if the network lost it; Raft retries (§5.3).',
  },
  {
    name: 'speed',
    usage: 'speed <factor>',
    summary: 'slow time down or speed it up (0.01-100)',
    example: 'speed 0.1',
    details: '"speed 0.1" makes everything ten times slower, to watch an election unfold.',
  },
  {
    name: 'load',
    usage: 'load <per-second> | off',
    summary: 'a client sending random SETs',
    example: 'load 20',
    details: 'A built-in client submits this many random SET commands per second; "load off" stops it.',
  },
  {
    name: 'wait',
    usage: 'wait <ms> | leader | commit | until …',
    summary: 'wait a time, for a leader or a commit',
    example: 'wait leader',
    details:
      '"wait 500" (or 500ms, 2s) waits that long; "wait leader" until some node leads;\n' +
      '"wait commit" until the next entry commits; "wait until <condition>" until an expect\n' +
      'condition holds (wait until match n3 >= 3). All but a time give up after 30 s.',
  },
  {
    name: 'say',
    usage: 'say <text>',
    summary: 'show a caption until the next one',
    example: 'say The leader is cut off from the majority',
    details:
      'For demos and lessons: the text shows prominently above the node panels until the next\n' +
      '"say" ("say" alone clears it). Written as-is, # included.',
  },
  {
    name: 'expect',
    usage: 'expect <condition>',
    summary: 'check the cluster now; a script stops if false',
    example: 'expect leader in 3,4,5',
    details:
      'Conditions: leader n3, leader in 3,4,5, no leader, a leader, role n1 follower (or\n' +
      'leader, candidate, precandidate, down, up), x = 1 (on the leader), x = 1 on all, x = 1 on\n' +
      '2,3, x unset on n2, committed 7, term > 2, last n1 >= 4 (last log index), commit n2 = 5\n' +
      '(=, !=, <, <=, >, >=), match n3 >= 4 (what the leader knows n3 stores), entry 3 t2 on\n' +
      '1,2,3 (the entry at index 3 is of term 2 there; entry 3 none on 4: absent), logs match\n' +
      '(every log up is the same), safety ok. A script stops\n' +
      'at a false one with the file, the line and what was seen instead.',
  },
  {
    name: 'view',
    usage: 'view log | nodes',
    summary: 'every log in one grid, or a panel per node',
    example: 'view log',
    details:
      "view log lines up every node's log by index, one row a node, each entry its term, coloured\n" +
      "by term; | marks the commit index, and ! an entry that differs from the leader's (Raft\n" +
      'Figure 7 and Figure 8). F6 or Ctrl-G toggles it too. view nodes goes back to the panels.',
  },
  {
    name: 'filter',
    usage: '/<text> | filter <text> | off',
    summary: 'show only event lines containing the text',
    example: '/vote',
    details: '/vote shows only event lines with "vote" in them (any case); a lone / or filter off shows all.',
  },
  {
    name: 'save-log',
    usage: 'save-log <file>',
    summary: 'write the whole event history to a file',
    example: 'save-log events.txt',
    details: 'Every line the event pane printed since the start, with its time, as plain text.',
  },
  {
    name: 'rewind',
    usage: 'rewind <seconds>',
    summary: '--sim: go back in cluster time (F7: 5 s)',
    example: 'rewind 5',
    details:
      'In --sim mode only: the cluster goes back that many seconds of cluster time. It is\n' +
      'rebuilt by replaying from the seed and the command log (every command at the cluster\n' +
      'time it ran) at full simulator speed; from there you can take a different branch.',
  },
  {
    name: 'help',
    usage: 'help [command]',
    summary: 'this table, or details of one command',
    example: 'help crash',
    details: 'Shows every command, or what one command does and the Raft behind it.',
  },
  {
    name: 'quit',
    usage: 'quit',
    summary: 'stop the cluster and leave',
    example: 'quit',
    details: 'Stops every node. Also: exit.',
  },
];

/** The help of one command by name (any case), or undefined. */
export function commandHelp(name: string): CommandHelp | undefined {
  const lower = name.toLowerCase();
  return COMMANDS.find((c) => c.name.toLowerCase() === lower);
}

/** The table of every command: usage, what it does, an example; plus the script syntax. */
export function helpText(): string {
  const usageWidth = Math.max(...COMMANDS.map((c) => c.usage.length)) + 2;
  const summaryWidth = Math.max(...COMMANDS.map((c) => c.summary.length)) + 2;
  const rows = COMMANDS.map((c) => `${c.usage.padEnd(usageWidth)}${c.summary.padEnd(summaryWidth)}${c.example}`);
  return [
    `${'command'.padEnd(usageWidth)}${'what it does'.padEnd(summaryWidth)}example`,
    ...rows,
    '',
    'Nodes are numbers (2 or n2), or leader / followers. In scripts: one command a line; # starts a comment.',
  ].join('\n');
}

/** The details of one command: usage, example and explanation. */
export function helpFor(name: string): string | undefined {
  const c = commandHelp(name);
  if (!c) return undefined;
  return `${c.usage} — ${c.summary}\n\n${c.details}\n\nexample: ${c.example}`;
}
