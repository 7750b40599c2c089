/**
 * A fault-injecting TCP proxy for tests: forwards one port to another and, on command or
 * from a seeded schedule, cuts connections (both sides destroyed), stalls them (nothing
 * forwarded for a while, nothing closed) or truncates them (a chunk forwarded only in
 * part, then the connection cut). Counts the bytes it forwarded.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Fault = 'cut' | 'stall' | 'truncate';

interface Pair {
  readonly inbound: Socket;
  readonly outbound: Socket;
}

export class FaultProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private stalledUntil = 0;
  private truncateNext = false;
  private timer: NodeJS.Timeout | undefined;
  bytes = 0;
  readonly injected: Record<Fault, number> = { cut: 0, stall: 0, truncate: 0 };

  constructor(private readonly target: number) {}

  async start(): Promise<number> {
    const server = createServer((inbound) => {
      const outbound = connect(this.target, '127.0.0.1');
      const pair = { inbound, outbound };
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) => {
        from.on('data', (chunk: Buffer) => {
          if (this.truncateNext && chunk.length > 1) {
            this.truncateNext = false;
            to.write(chunk.subarray(0, chunk.length >> 1));
            this.bytes += chunk.length >> 1;
            return this.drop(pair);
          }
          const wait = this.stalledUntil - Date.now();
          if (wait > 0) {
            from.pause();
            setTimeout(() => {
              to.write(chunk);
              from.resume();
            }, wait).unref();
          } else {
            to.write(chunk);
          }
          this.bytes += chunk.length;
        });
        from.on('end', () => to.end());
        from.on('error', () => this.drop(pair));
        from.on('close', () => this.drop(pair));
      };
      forward(inbound, outbound);
      forward(outbound, inbound);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    return (server.address() as { port: number }).port;
  }

  /** Cut every connection now. */
  cut(): void {
    this.injected.cut++;
    for (const p of [...this.pairs]) this.drop(p);
  }

  /** Forward nothing for `ms` (connections stay open). */
  stall(ms: number): void {
    this.injected.stall++;
    this.stalledUntil = Date.now() + ms;
  }

  /** The next chunk goes half-way, then its connection is cut. */
  truncate(): void {
    this.injected.truncate++;
    this.truncateNext = true;
  }

  /** Inject a fault every `everyMs`, chosen by `random` (seeded), until heal(). */
  chaos(random: () => number, everyMs: number): void {
    this.timer = setInterval(() => {
      const r = random();
      if (r < 0.3) this.cut();
      else if (r < 0.6) this.stall(100 + Math.floor(random() * 900));
      else if (r < 0.8) this.truncate();
    }, everyMs);
    this.timer.unref();
  }

  /** No more faults: everything passes again. */
  heal(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stalledUntil = 0;
    this.truncateNext = false;
  }

  async stop(): Promise<void> {
    this.heal();
    for (const p of [...this.pairs]) this.drop(p);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private drop(p: Pair): void {
    if (!this.pairs.delete(p)) return;
    p.inbound.destroy();
    p.outbound.destroy();
  }
}
