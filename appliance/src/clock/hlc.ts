/**
 * Hybrid logical clock (Kulkarni et al., 2014). A stamp is a sortable string
 * "<13-digit wall ms>-<4 hex counter>", so SQLite orders it with plain TEXT comparison.
 * Ties between stamps of different authors are broken by author id (compareStamp).
 */
import type { Clock } from './index.js';

export type Hlc = string;

const MAX_COUNTER = 0xffff;

export function formatHlc(wall: number, counter: number): Hlc {
  return `${Math.trunc(wall).toString().padStart(13, '0')}-${counter.toString(16).padStart(4, '0')}`;
}

export function parseHlc(hlc: Hlc): { wall: number; counter: number } {
  const m = /^(\d{13})-([0-9a-f]{4})$/.exec(hlc);
  if (!m) throw new RangeError(`not a hybrid logical clock stamp: ${JSON.stringify(hlc)}`);
  return { wall: Number(m[1]), counter: parseInt(m[2]!, 16) };
}

/** Total order of (hlc, author): the LWW rule of every record field. */
export function compareStamp(a: { hlc: Hlc; author: string }, b: { hlc: Hlc; author: string }): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.author !== b.author) return a.author < b.author ? -1 : 1;
  return 0;
}

export class HybridClock {
  private wall = 0;
  private counter = 0;

  constructor(private readonly clock: Clock, last?: Hlc) {
    if (last) this.observe(last);
  }

  /** A stamp for a local event, greater than every stamp seen so far. */
  tick(): Hlc {
    const pt = this.clock.now();
    if (pt > this.wall) {
      this.wall = pt;
      this.counter = 0;
    } else {
      this.bump();
    }
    return formatHlc(this.wall, this.counter);
  }

  /** Take a remote stamp into account, so the next local stamp sorts after it. */
  observe(remote: Hlc): void {
    const r = parseHlc(remote);
    if (r.wall > this.wall) {
      this.wall = r.wall;
      this.counter = r.counter;
    } else if (r.wall === this.wall && r.counter > this.counter) {
      this.counter = r.counter;
    }
  }

  current(): Hlc {
    return formatHlc(this.wall, this.counter);
  }

  private bump(): void {
    if (this.counter >= MAX_COUNTER) {
      // 65,536 events in one millisecond: borrow the next millisecond rather than overflow.
      this.wall += 1;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
  }
}
