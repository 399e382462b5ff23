import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * The yardstick for the cluster's throughput: replication with nothing but loopback TCP and
 * JSON. A "leader" streams batches of entries — the same JSON shape and bytes per entry as the
 * cluster's SETs — as newline-delimited lines to two "followers", which parse each line and
 * answer with a one-line acknowledgement; a batch counts once one follower acknowledged it (a
 * majority of three). No Raft, no storage, no state machine, no client: what the cluster does
 * on top costs the difference.
 */
export async function measureLoopbackReplication(o: {
  durationMs: number;
  /** Entries per message (the cluster's AppendEntries carry what arrived since the last one). */
  batch: number;
  /** Messages in flight per follower (the cluster's default pipelining window). */
  window: number;
}): Promise<{ entriesPerSecond: number; bytesPerEntry: number }> {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const server = createServer((s) => follower(s));
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      ports.push((server.address() as { port: number }).port);
    }
    let index = 0;
    let committed = 0;
    let bytesPerEntry = 0;
    const inflight = [0, 0];
    const acked = [0, 0];
    let running = true;
    const send = (f: number, socket: Socket) => {
      while (running && inflight[f]! < o.window) {
        const entries = [];
        for (let i = 0; i < o.batch; i++) {
          index++;
          entries.push({ index, term: 1, type: 'normal', data: `@c1x2y3z ${index} ${index - 1} SET k${index % 1000} = ${index}` });
        }
        const line = `${JSON.stringify({ type: 'AppendEntries', from: 1, to: f + 2, term: 1, prevLogIndex: index - o.batch, prevLogTerm: 1, entries, leaderCommit: committed })}\n`;
        if (bytesPerEntry === 0) bytesPerEntry = line.length / o.batch;
        socket.write(line);
        inflight[f]!++;
      }
    };
    // Each follower gets its own stream of batches (the leader sends everything to both).
    for (let f = 0; f < 2; f++) {
      const socket = connect(ports[f]!, '127.0.0.1');
      sockets.push(socket);
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.setNoDelay(true);
      lines(socket, (line) => {
        const ack = (JSON.parse(line) as { index: number }).index;
        inflight[f]!--;
        acked[f] = Math.max(acked[f]!, ack);
        committed = Math.max(committed, Math.max(acked[0]!, acked[1]!));
        send(f, socket);
      });
    }
    const start = performance.now();
    for (let f = 0; f < 2; f++) send(f, sockets[f]!);
    await new Promise((r) => setTimeout(r, o.durationMs));
    const done = committed;
    const elapsed = performance.now() - start;
    running = false;
    return { entriesPerSecond: (done / elapsed) * 1000, bytesPerEntry };
  } finally {
    for (const s of sockets) s.destroy();
    for (const s of servers) await new Promise((r) => s.close(r));
  }
}

/** A follower: parses each line and acknowledges the last index it carried. */
function follower(socket: Socket): void {
  socket.setNoDelay(true);
  lines(socket, (line) => {
    const m = JSON.parse(line) as { entries: { index: number }[] };
    const last = m.entries[m.entries.length - 1];
    socket.write(`${JSON.stringify({ type: 'AppendEntriesResponse', success: true, index: last?.index ?? 0 })}\n`);
  });
  socket.on('error', () => undefined);
}

function lines(socket: Socket, onLine: (line: string) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  });
  socket.on('error', () => undefined);
}
