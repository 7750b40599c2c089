/**
 * A link's month of traffic from the byte counts of the box's sockets: what each peer's
 * sockets counted since the last time is added to the month of the link it is reached by
 * (LinkPolicy.record), at most once a second during a session, and at once when a session
 * ends or the box stops.
 */
import type { Clock } from '../clock/index.js';
import type { ByteCount } from '../p2p/index.js';

const RECORD_EVERY_MS = 1_000;

export class SocketUsage {
  private readonly recorded = new Map<string, ByteCount>();
  private lastAt = 0;

  constructor(
    private readonly deps: {
      readonly clock: Clock;
      /** Add bytes to the month of the link `peer` is reached by. */
      readonly record: (peer: string, bytesIn: number, bytesOut: number) => void;
    },
  ) {}

  /**
   * Record what `counts` (each peer's totals so far) add since the last time: at most once
   * a second unless `now`; only `only`'s when given.
   */
  add(counts: () => ReadonlyMap<string, ByteCount>, now: boolean, only?: string): void {
    const t = this.deps.clock.now();
    if (!now && t - this.lastAt < RECORD_EVERY_MS) return;
    this.lastAt = t;
    for (const [peer, count] of counts()) {
      if (only !== undefined && peer !== only) continue;
      const before = this.recorded.get(peer) ?? { bytesIn: 0, bytesOut: 0 };
      if (count.bytesIn === before.bytesIn && count.bytesOut === before.bytesOut) continue;
      this.deps.record(peer, count.bytesIn - before.bytesIn, count.bytesOut - before.bytesOut);
      this.recorded.set(peer, { ...count });
    }
  }
}
