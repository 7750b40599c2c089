/**
 * The session of an API request: finds the caller's account from the session cookie, and
 * refuses a state-changing request whose X-CSRF-Token header does not match the session's
 * token. Run for every API route by the app (app.ts), before anything else of the route.
 */
import { CsrfError } from '../errors/index.js';
import type { ApiContext } from './context.js';
import { requestHeader } from './request-header.js';

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

/** Sets the context's account and session (null when none); throws CsrfError for a forged change. */
export function readSession(c: ApiContext): void {
  const { sessions, accounts } = c.get('services');
  let found = null;
  const token = cookieValue(requestHeader(c, 'cookie'), SESSION_COOKIE);
  const session = token ? sessions.resolve(token) : undefined;
  if (session) {
    const account = accounts.get(session.accountId);
    if (!account.disabled) found = { account, session };
  }
  c.set('account', found?.account ?? null);
  c.set('session', found?.session ?? null);
  if (found && !SAFE.has(c.req.method)) {
    const sent = requestHeader(c, 'x-csrf-token');
    if (!sent || sent !== found.session.csrfToken) throw new CsrfError();
  }
}
