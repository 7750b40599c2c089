/**
 * A client of the workspace API that runs in-process through app.request() (no network)
 * and keeps its session cookie and CSRF token like a browser does. Used by the demo seed
 * and by tests.
 */
import type { Appliance } from '../appliance.js';

export interface LocalResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export class LocalClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(private readonly appliance: Appliance) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<LocalResponse> {
    const h = new Headers(headers);
    if (this.cookie) h.set('cookie', this.cookie);
    if (this.csrf && !h.has('x-csrf-token')) h.set('x-csrf-token', this.csrf);
    let payload: RequestInit["body"] | undefined;
    if (body instanceof Uint8Array || typeof body === 'string') {
      payload = body as RequestInit["body"];
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!h.has('content-type')) h.set('content-type', 'application/json');
    }
    const res = await this.appliance.app.request(path, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /solidaire_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `solidaire_session=${m[1]}` : undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('json')) parsed = text ? JSON.parse(text) : null;
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, body, headers);
  }
  put(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PUT', path, body, headers);
  }
  patch(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', path, body, headers);
  }
  delete(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('DELETE', path, body, headers);
  }

  async login(username: string, password: string): Promise<LocalResponse> {
    const res = await this.post('/api/v1/session', { username, password });
    if (res.status === 200) this.csrf = res.body.csrfToken;
    return res;
  }
}
