/**
 * A fault-injecting TCP proxy for tests: listens on 127.0.0.1, forwards every connection
 * to a target port and, on command or from a seeded schedule, cuts connections (both sides
 * destroyed), stalls them (nothing forwarded for a while, nothing closed), truncates them
 * (a chunk forwarded only in part, then the connection cut) or throttles them (a slow
 * link). Counts the bytes it forwarded, the faults asked for and those that hit a
 * connection.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Fault = 'cut' | 'stall' | 'truncate';

interface Pair {
  readonly inbound: Socket;
  readonly outbound: Socket;
}

export class FaultProxy {
  /** Bytes forwarded, both ways, all connections. */
  bytes = 0;
  /** Connections accepted. */
  connections = 0;
  /** Faults asked for, by command or by the schedule. */
  readonly injected: Record<Fault, number> = { cut: 0, stall: 0, truncate: 0 };
  /** Faults that hit: a cut that closed a connection, a stall that held a chunk, a truncation done. */
  readonly hits: Record<Fault, number> = { cut: 0, stall: 0, truncate: 0 };
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private stalledUntil = 0;
  private stallHeld = true;
  /** Bytes of the next chunk to forward before cutting; undefined: no truncation pending. */
  private truncateAt: number | undefined;
  private bytesPerSecond: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly target: number) {}

  /** Listen; resolves with the port to dial instead of the target. */
  async start(): Promise<number> {
    const server = createServer((inbound) => this.accept(inbound));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    return (server.address() as { port: number }).port;
  }

  /** Cut every connection now. */
  cut(): void {
    this.injected.cut++;
    if (this.pairs.size) this.hits.cut++;
    for (const p of [...this.pairs]) this.drop(p);
  }

  /** Forward nothing for `ms` (connections stay open; what arrives waits, in order). */
  stall(ms: number): void {
    this.injected.stall++;
    this.stalledUntil = Date.now() + ms;
    this.stallHeld = false;
  }

  /** The next chunk, either way, goes only up to `keep` bytes (default half), then its connection is cut. */
  truncate(keep?: number): void {
    this.injected.truncate++;
    this.truncateAt = keep ?? -1;
  }

  /** Forward at most `bytesPerSecond` each way on each connection; undefined: full speed. */
  throttle(bytesPerSecond: number | undefined): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Inject a fault every `everyMs`, each chosen by `random` (seeded), until heal(). */
  chaos(random: () => number, everyMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      const r = random();
      if (r < 0.3) this.cut();
      else if (r < 0.6) this.stall(100 + Math.floor(random() * 900));
      else if (r < 0.8) this.truncate(Math.floor(random() * 200));
    }, everyMs);
    this.timer.unref();
  }

  /** No more faults, no throttle: everything passes again. */
  heal(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stalledUntil = 0;
    this.truncateAt = undefined;
    this.bytesPerSecond = undefined;
  }

  async stop(): Promise<void> {
    this.heal();
    for (const p of [...this.pairs]) this.drop(p);
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  }

  private accept(inbound: Socket): void {
    this.connections++;
    const outbound = connect(this.target, '127.0.0.1');
    const pair = { inbound, outbound };
    this.pairs.add(pair);
    this.forward(pair, inbound, outbound);
    this.forward(pair, outbound, inbound);
  }

  /** One direction of a connection: chunks go in order, each when stall and throttle allow. */
  private forward(pair: Pair, from: Socket, to: Socket): void {
    let freeAt = 0; // when the slow link is free again, this direction
    const send = (chunk: Buffer) => {
      if (!this.pairs.has(pair)) return;
      this.bytes += chunk.length;
      to.write(chunk);
    };
    from.on('data', (chunk: Buffer) => {
      if (this.truncateAt !== undefined && chunk.length > 1) {
        const keep = this.truncateAt < 0 ? chunk.length >> 1 : Math.min(this.truncateAt, chunk.length - 1);
        this.truncateAt = undefined;
        this.hits.truncate++;
        send(chunk.subarray(0, keep));
        // Let the part reach the socket before both sides are destroyed.
        to.write(Buffer.alloc(0), () => this.drop(pair));
        from.pause();
        return;
      }
      const now = Date.now();
      let at = now;
      if (this.stalledUntil > now) {
        at = this.stalledUntil;
        if (!this.stallHeld) this.hits.stall++;
        this.stallHeld = true;
      }
      if (this.bytesPerSecond) {
        // A chunk goes once its bytes would have crossed the slow link.
        at = freeAt = Math.max(at, freeAt) + (chunk.length * 1000) / this.bytesPerSecond;
      }
      if (at <= now) return send(chunk);
      from.pause();
      setTimeout(() => {
        send(chunk);
        from.resume();
      }, at - now).unref();
    });
    from.on('end', () => to.end());
    from.on('error', () => this.drop(pair));
    from.on('close', () => this.drop(pair));
  }

  private drop(p: Pair): void {
    if (!this.pairs.delete(p)) return;
    p.inbound.destroy();
    p.outbound.destroy();
  }
}
