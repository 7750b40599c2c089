// A counting TCP proxy on 127.0.0.1: what crosses each connection, both ways, as the
// sockets see it. The sync bench puts one in front of every server it measures, so that
// Solidaire and PouchDB are counted by the same instrument.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

export async function countingProxy(targetPort) {
  const conns = [];
  const sockets = new Set();
  const server = createServer((client) => {
    const c = { up: 0, down: 0, closed: false };
    conns.push(c);
    const target = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(target);
    client.on('data', (d) => (c.up += d.length));
    target.on('data', (d) => (c.down += d.length));
    client.pipe(target);
    target.pipe(client);
    let open = 2;
    const closed = (s) => () => {
      sockets.delete(s);
      if (--open === 0) c.closed = true;
    };
    // Half-closes pass through (pipe ends the other side); a reset tears down both. Once
    // one side has closed, pipe() stops reading the other: keep reading it (and counting),
    // or what it still sends (a TLS close_notify) is never read and it never closes.
    client.once('close', closed(client)).once('close', () => target.resume()).on('error', () => target.destroy());
    target.once('close', closed(target)).once('close', () => client.resume()).on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    /** A mark: connections opened from now on are the next measurement's. */
    mark: () => conns.length,
    /** Bytes of the connections opened since `mark`, once every one of them has closed. */
    async since(mark, timeoutMs = 10_000) {
      const mine = () => conns.slice(mark);
      const t0 = Date.now();
      while (!mine().every((c) => c.closed)) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`a proxied connection is still open after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const up = mine().reduce((n, c) => n + c.up, 0);
      const down = mine().reduce((n, c) => n + c.down, 0);
      return { up, down, bytes: up + down, connections: mine().length };
    },
    async stop() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
