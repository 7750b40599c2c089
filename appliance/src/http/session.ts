/**
 * Session middleware: finds the caller's account from the session cookie, and refuses a
 * state-changing request whose X-CSRF-Token header does not match the session's token.
 */
import type { MiddlewareHandler } from 'hono';
import { CsrfError } from '../errors/index.js';
import type { ApiEnv } from './context.js';

export const SESSION_COOKIE = 'solidaire_session';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The value of cookie `name` in a Cookie header (RFC 6265 §4.2: `a=1; b=2`), without its
 * quotes; undefined when absent or empty. Every request of the API reads this one cookie,
 * so it is looked for directly rather than by parsing and checking every pair.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let at = 0;
  for (;;) {
    at = header.indexOf(name, at);
    if (at < 0) return undefined;
    const before = header.lastIndexOf(';', at - 1);
    const prefix = header.slice(before + 1, at);
    const end = at + name.length;
    if (prefix.trim() === '' && header.charCodeAt(end) === 61 /* = */) {
      const stop = header.indexOf(';', end);
      let value = header.slice(end + 1, stop < 0 ? undefined : stop).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      return value || undefined;
    }
    at = end;
  }
}

export function sessionMiddleware(): MiddlewareHandler<ApiEnv> {
  // Not async: it returns the next layer's promise rather than awaiting it (one hop less).
  return (c, next) => {
    const { sessions, accounts } = c.get('services');
    c.set('account', null);
    c.set('session', null);
    const token = cookieValue(c.req.header('cookie'), SESSION_COOKIE);
    const session = token ? sessions.resolve(token) : undefined;
    if (session) {
      const account = accounts.get(session.accountId);
      if (!account.disabled) {
        c.set('account', account);
        c.set('session', session);
      }
    }
    const current = c.get('session');
    if (current && !SAFE.has(c.req.method)) {
      const sent = c.req.header(CSRF_HEADER);
      if (!sent || sent !== current.csrfToken) throw new CsrfError();
    }
    return next();
  };
}
