/**
 * Login sessions: a random token in an httpOnly cookie, stored only as its SHA-256, with a
 * CSRF token the page sends back in a header on every change (synchroniser token).
 * Sessions slide: each use pushes the expiry back, up to IDLE_MS of inactivity.
 *
 * Every request looks its session up, so rows are held in a memo (db/memo.ts), keyed by the
 * token itself so that a request that finds its session there does not hash anything (the
 * token is in this process's memory during each request anyway; the database, which
 * outlives it and may be copied, holds hashes only). Each way a session ends forgets it
 * here before its row goes: logout (destroy), a password change or a disabled account
 * (revokeAll), expiry (checked against the clock on every use, memo or not), purge; a
 * change by another process forgets them all.
 */
import { createHash } from 'node:crypto';
import { MemoMap, sql, type Db } from '../db/index.js';
import type { Clock, Random } from '../clock/index.js';

export const IDLE_MS = 7 * 24 * 3600_000;

export interface Session {
  readonly accountId: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

interface SessionRow {
  readonly account_id: string;
  readonly csrf_token: string;
  readonly expires_at: number;
}

export class Sessions {
  /** Token → its row (or undefined: no such session). */
  private readonly memo: MemoMap<string, SessionRow | undefined>;

  constructor(private readonly deps: { db: Db; clock: Clock; random: Random }) {
    this.memo = new MemoMap(deps.db, 10_000);
  }

  create(accountId: string): { token: string; session: Session } {
    const token = this.deps.random.bytes(32).toString('base64url');
    const csrfToken = this.deps.random.bytes(24).toString('base64url');
    const now = this.deps.clock.now();
    const expiresAt = now + IDLE_MS;
    this.memo.forget(token);
    sql(this.deps.db, 'INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hash(token), accountId, csrfToken, now, expiresAt);
    return { token, session: { accountId, csrfToken, expiresAt } };
  }

  /** The live session of a token, its expiry pushed back; undefined if unknown or expired. */
  resolve(token: string): Session | undefined {
    const now = this.deps.clock.now();
    const row = this.memo.get(token, () =>
      sql<[string], SessionRow>(this.deps.db, 'SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_hash = ?').get(hash(token)),
    );
    if (!row) return undefined;
    if (row.expires_at <= now) {
      this.destroy(token);
      return undefined;
    }
    let expiresAt = row.expires_at;
    // Write the new expiry at most once an hour per session: reads stay reads.
    if (now + IDLE_MS - row.expires_at > 3600_000) {
      expiresAt = now + IDLE_MS;
      this.memo.forget(token);
      sql(this.deps.db, 'UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(expiresAt, hash(token));
    }
    return { accountId: row.account_id, csrfToken: row.csrf_token, expiresAt };
  }

  destroy(token: string): void {
    this.memo.forget(token);
    sql(this.deps.db, 'DELETE FROM sessions WHERE token_hash = ?').run(hash(token));
  }

  /** End every session of an account (password changed, account disabled). */
  revokeAll(accountId: string): void {
    this.memo.clear();
    sql(this.deps.db, 'DELETE FROM sessions WHERE account_id = ?').run(accountId);
  }

  purgeExpired(): number {
    this.memo.clear();
    return sql(this.deps.db, 'DELETE FROM sessions WHERE expires_at <= ?').run(this.deps.clock.now()).changes;
  }
}
