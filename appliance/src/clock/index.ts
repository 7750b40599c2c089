/**
 * Time and randomness, injected everywhere so tests are deterministic (STYLE.md §8).
 * A Raspberry Pi has no real-time clock and a box offline for weeks may boot with a
 * wall clock far in the past: nothing here trusts the wall clock to move forward.
 */
import { randomBytes } from 'node:crypto';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: for tests. */
export class FakeClock implements Clock {
  constructor(private ms = Date.UTC(2026, 10, 22, 10, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

export interface Random {
  bytes(n: number): Buffer;
}

export const cryptoRandom: Random = { bytes: (n) => randomBytes(n) };

/** A seeded generator (xorshift128+ style, splitmix64 seeded) for deterministic tests. */
export function seededRandom(seed: number): Random {
  let s = BigInt(seed) & 0xffffffffffffffffn;
  const next = (): bigint => {
    s = (s + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
  return {
    bytes(n) {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i += 8) {
        const v = next();
        for (let j = 0; j < 8 && i + j < n; j++) out[i + j] = Number((v >> BigInt(8 * j)) & 0xffn);
      }
      return out;
    },
  };
}

/** A short random id, URL-safe (16 characters, 96 bits). */
export function newId(random: Random): string {
  return random.bytes(12).toString('base64url');
}

export { HybridClock, type Hlc, compareStamp, parseHlc, formatHlc } from './hlc.js';
