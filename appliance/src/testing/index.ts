/**
 * Test helpers: an appliance in a temporary folder with a fake clock and seeded
 * randomness, and a client that keeps its session cookie and CSRF token like a browser.
 * Requests go through app.request(): no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { performSetup } from '../setup/index.js';
import type { Role } from '../auth/index.js';

export interface TestBox {
  readonly appliance: Appliance;
  readonly clock: FakeClock;
  readonly dir: string;
  /** A client logged in as the box admin. */
  readonly admin: TestClient;
  /** Create an account with roles and return a client logged in as it. */
  user(username: string, roles?: Record<string, Role>, opts?: { boxAdmin?: boolean }): Promise<TestClient>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export class TestClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(private readonly appliance: Appliance) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
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

  async login(username: string, password: string): Promise<TestResponse> {
    const res = await this.post('/api/v1/session', { username, password });
    if (res.status === 200) this.csrf = res.body.csrfToken;
    return res;
  }
}

export const TEST_PASSWORD = 'correct-horse-battery';

/** A set-up appliance with the commons and two associations: "givors-gavinane" and "secours-populaire". */
export async function testBox(opts: { seed?: number; spaces?: Array<{ id: string; name: string }> } = {}): Promise<TestBox> {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-test-'));
  const clock = new FakeClock();
  const appliance = new Appliance({ dataDir: dir, clock, random: seededRandom(opts.seed ?? 1), logError: () => {} });
  const s = appliance.services;
  await performSetup(s, { siteName: 'Test', admin: { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD } });
  for (const sp of opts.spaces ?? [
    { id: 'givors-gavinane', name: 'Comité de jumelage Givors–Gavinané' },
    { id: 'secours-populaire', name: 'Secours populaire de Givors' },
  ]) {
    s.spaces.create(sp);
  }
  const admin = new TestClient(appliance);
  await admin.login('admin', TEST_PASSWORD);
  return {
    appliance,
    clock,
    dir,
    admin,
    async user(username, roles = {}, o = {}) {
      const account = await s.accounts.create({ username, displayName: username, password: TEST_PASSWORD, boxAdmin: o.boxAdmin ?? false });
      for (const [space, role] of Object.entries(roles)) s.spaces.setRole(account.id, space, role);
      const client = new TestClient(appliance);
      const res = await client.login(username, TEST_PASSWORD);
      if (res.status !== 200) throw new Error(`login failed: ${res.text}`);
      return client;
    },
    async close() {
      await appliance.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
