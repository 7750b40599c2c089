/**
 * Calls to the box's API: the session cookie goes by itself (same origin), the CSRF
 * token in its header on every change, and every failure becomes an ApiError. A lost
 * session is reported to onSessionLost, which shows the login over the page.
 */
import type { Lang } from '../i18n/index.js';
import { ApiError, NETWORK, parseBody, toApiError } from './errors.js';

export const API = '/api/v1';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface ClientDeps {
  readonly fetch: typeof fetch;
  readonly lang: () => Lang;
  readonly csrf: () => string | undefined;
  readonly onSessionLost: () => void;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Client {
  get<T>(path: string): Promise<T>;
  send<T>(method: Method, path: string, body?: unknown): Promise<T>;
  /** The login itself: a 401 there is a wrong password, not a lost session. */
  login<T>(body: unknown): Promise<T>;
}

export function createClient(deps: ClientDeps): Client {
  async function call<T>(method: Method, path: string, body: unknown, reportLoss: boolean): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = deps.csrf();
    if (method !== 'GET' && token) headers[CSRF_HEADER] = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await deps.fetch(API + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw toApiError(deps.lang(), NETWORK, undefined);
    }
    const parsed = parseBody(await res.text().catch(() => ''));
    if (res.ok) return parsed as T;
    const err = toApiError(deps.lang(), res.status, parsed);
    if (reportLoss && err.sessionLost) deps.onSessionLost();
    throw err;
  }
  return {
    get: (path) => call('GET', path, undefined, true),
    send: (method, path, body) => call(method, path, body, true),
    login: (body) => call('POST', '/session', body, false),
  };
}

export { ApiError };
