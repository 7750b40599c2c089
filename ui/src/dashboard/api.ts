/**
 * Calls to the relay's API with its admin token (Authorization: Bearer), kept in the
 * browser's session storage: it is gone when the browser closes. Every failure becomes
 * the workspace's ApiError; a 401 forgets the token, which brings the login back.
 */
import { createRoot, createSignal } from 'solid-js';
import { ApiError, NETWORK, parseBody, toApiError } from '../api/errors.js';
import { lang } from './locale.js';
import type { Alert, Command, CommandAction, Created, HealthLatest, Point, Release, Site } from './types.js';

const KEY = 'solidaire.relay-token';
const API = '/api/v1';

function session(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function readToken(): string | null {
  try {
    return session()?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

const [token, setTokenSignal] = createRoot(() => createSignal<string | null>(readToken()));
export { token };

export function setToken(next: string | null): void {
  try {
    if (next === null) session()?.removeItem(KEY);
    else session()?.setItem(KEY, next);
  } catch {
    // Storage off: the token lives as long as the page.
  }
  setTokenSignal(next);
}

async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, given?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${given ?? token() ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(API + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw toApiError(lang(), NETWORK, undefined);
  }
  const parsed = parseBody(await res.text().catch(() => ''));
  if (res.ok) return parsed as T;
  const err = toApiError(lang(), res.status, parsed);
  if (res.status === 401 && given === undefined) setToken(null);
  throw err;
}

const q = encodeURIComponent;

export const relay = {
  /** Tries a token: true if the relay takes it, false if it is wrong; other errors throw. */
  async check(candidate: string): Promise<boolean> {
    try {
      await call('GET', '/sites', undefined, candidate);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return false;
      throw e;
    }
  },
  sites: () => call<{ sites: Site[] }>('GET', '/sites').then((r) => r.sites),
  site: (id: string) => call<Site>('GET', `/sites/${q(id)}`),
  health: (id: string) => call<HealthLatest>('GET', `/sites/${q(id)}/health`),
  series: (id: string, metric: string, period: string) =>
    call<{ points: Point[] }>('GET', `/sites/${q(id)}/health/${q(metric)}?period=${q(period)}`).then((r) => r.points),
  alerts: (active = false) => call<{ alerts: Alert[] }>('GET', `/alerts${active ? '?active=true' : ''}`).then((r) => r.alerts),
  siteAlerts: (id: string) => call<{ alerts: Alert[] }>('GET', `/sites/${q(id)}/alerts`).then((r) => r.alerts),
  commands: (id: string) => call<{ commands: Command[] }>('GET', `/sites/${q(id)}/commands`).then((r) => r.commands),
  command: (id: string) => call<Command>('GET', `/commands/${q(id)}`),
  send: (id: string, action: CommandAction, args: Record<string, unknown> = {}) => call<Command>('POST', `/sites/${q(id)}/commands`, { action, args }),
  releases: () => call<{ releases: Release[] }>('GET', '/releases').then((r) => r.releases),
  create: (name: string, spaces: Record<string, 'host' | 'carry'>) => call<Created>('POST', '/sites', { name, spaces }),
  /** A new enrollment file for a site not enrolled yet; the old one stops working. */
  renew: (id: string) => call<Created>('POST', `/sites/${q(id)}/enrollment`),
  /** Cuts the site's box off from broker and hub at once, for good. */
  revoke: (id: string) => call<Site>('DELETE', `/sites/${q(id)}`),
};

export { ApiError };
