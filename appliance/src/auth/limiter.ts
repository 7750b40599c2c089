/**
 * Login rate limiting: after MAX_FAILURES failed logins for one username (or from one
 * address) within WINDOW_MS, further attempts are refused until the window has passed.
 * Kept in memory: a restart forgives, which on a box that restarts rarely is acceptable.
 */
import type { Clock } from '../clock/index.js';
import { RateLimitedError } from '../errors/index.js';

export interface LimiterOptions {
  readonly clock: Clock;
  readonly maxFailures?: number;
  readonly windowMs?: number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly window: number;

  constructor(private readonly opts: LimiterOptions) {
    this.max = opts.maxFailures ?? 5;
    this.window = opts.windowMs ?? 15 * 60_000;
  }

  /** Throws RateLimitedError if any of the keys has failed too often lately. */
  check(keys: readonly string[]): void {
    const now = this.opts.clock.now();
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.max) throw new RateLimitedError((recent[0]! + this.window - now) / 1000);
    }
  }

  fail(keys: readonly string[]): void {
    const now = this.opts.clock.now();
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.window);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((t) => t > now - this.window)) this.failures.delete(key);
  }
}
