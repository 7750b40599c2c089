/**
 * Session middleware: finds the caller's account from the session cookie, and refuses a
 * state-changing request whose X-CSRF-Token header does not match the session's token.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { CsrfError } from '../errors/index.js';
import type { ApiEnv } from './context.js';

export const SESSION_COOKIE = 'solidaire_session';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionMiddleware(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { sessions, accounts } = c.get('services');
    c.set('account', null);
    c.set('session', null);
    const token = getCookie(c, SESSION_COOKIE);
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
    await next();
  };
}
