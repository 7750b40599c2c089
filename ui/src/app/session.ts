/**
 * Who is logged in, and the one API client. The session is loaded once at start; a lost
 * session (expired, logged out elsewhere) sets `expired`, and the layout shows the login
 * over the current page, which keeps its route and its drafts.
 */
import { createRoot, createSignal } from 'solid-js';
import { createClient, type ApiError, type Health, type SessionInfo } from '../api/index.js';
import { lang } from './locale.js';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'out'; expired: boolean }
  | { kind: 'in'; info: SessionInfo };

const [state, setState] = createRoot(() => createSignal<SessionState>({ kind: 'loading' }));
const [site, setSite] = createRoot(() => createSignal<Health | undefined>(undefined));

export { state as session, site };

export function sessionInfo(): SessionInfo | undefined {
  const s = state();
  return s.kind === 'in' ? s.info : undefined;
}

export const api = createClient({
  fetch: (input, init) => window.fetch(input, init),
  lang,
  csrf: () => sessionInfo()?.csrfToken,
  onSessionLost: () => sessionLost(),
});

/** The box refused the session (expired, or logged out elsewhere): show the login. */
export function sessionLost(): void {
  setState({ kind: 'out', expired: true });
}

export async function loadSession(): Promise<void> {
  api
    .get<Health>('/setup')
    .then(setSite)
    .catch(() => undefined);
  try {
    setState({ kind: 'in', info: await api.get<SessionInfo>('/session') });
  } catch (e) {
    const err = e as ApiError;
    setState(err.sessionLost ? { kind: 'out', expired: false } : { kind: 'unreachable', message: err.message });
  }
}

export async function logIn(username: string, password: string): Promise<void> {
  const info = await api.login<SessionInfo>({ username, password });
  setState({ kind: 'in', info });
}

export async function logOut(): Promise<void> {
  try {
    await api.send('DELETE', '/session');
  } finally {
    setState({ kind: 'out', expired: false });
  }
}

/** First run of a new box: its name and its administrator, who is then logged in. */
export async function setUpBox(siteName: string, admin: { username: string; displayName: string; password: string }): Promise<void> {
  setSite(await api.send<Health>('POST', '/setup', { siteName, admin }));
  await logIn(admin.username, admin.password);
}

/** The spaces list after a change of roles or a new space. */
export async function refreshSession(): Promise<void> {
  const info = await api.get<SessionInfo>('/session');
  setState({ kind: 'in', info });
}
