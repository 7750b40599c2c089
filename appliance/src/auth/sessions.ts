/**
 * Login sessions: a random token in an httpOnly cookie, stored only as its SHA-256, with a
 * CSRF token the page sends back in a header on every change (synchroniser token).
 * Sessions slide: each use pushes the expiry back, up to IDLE_MS of inactivity.
 */
import { createHash } from 'node:crypto';
import { sql, type Db } from '../db/index.js';
import type { Clock, Random } from '../clock/index.js';

export const IDLE_MS = 7 * 24 * 3600_000;

export interface Session {
  readonly accountId: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

export class Sessions {
  constructor(private readonly deps: { db: Db; clock: Clock; random: Random }) {}

  create(accountId: string): { token: string; session: Session } {
    const token = this.deps.random.bytes(32).toString('base64url');
    const csrfToken = this.deps.random.bytes(24).toString('base64url');
    const now = this.deps.clock.now();
    const expiresAt = now + IDLE_MS;
    sql(this.deps.db, 'INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hash(token), accountId, csrfToken, now, expiresAt);
    return { token, session: { accountId, csrfToken, expiresAt } };
  }

  /** The live session of a token, its expiry pushed back; undefined if unknown or expired. */
  resolve(token: string): Session | undefined {
    const now = this.deps.clock.now();
    const row = sql<[string], { account_id: string; csrf_token: string; expires_at: number }>(this.deps.db, 
        'SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_hash = ?',
      )
      .get(hash(token));
    if (!row) return undefined;
    if (row.expires_at <= now) {
      this.destroy(token);
      return undefined;
    }
    let expiresAt = row.expires_at;
    // Write the new expiry at most once an hour per session: reads stay reads.
    if (now + IDLE_MS - row.expires_at > 3600_000) {
      expiresAt = now + IDLE_MS;
      sql(this.deps.db, 'UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(expiresAt, hash(token));
    }
    return { accountId: row.account_id, csrfToken: row.csrf_token, expiresAt };
  }

  destroy(token: string): void {
    sql(this.deps.db, 'DELETE FROM sessions WHERE token_hash = ?').run(hash(token));
  }

  purgeExpired(): number {
    return sql(this.deps.db, 'DELETE FROM sessions WHERE expires_at <= ?').run(this.deps.clock.now()).changes;
  }
}
