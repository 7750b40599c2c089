/**
 * The fleet dashboard at the relay's "/": its pages, its hashed assets, gzip, the CSP, no
 * traversal, the French page when it was not built; and the API's answers unchanged.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WORKSPACE_CSP } from '@solidaire/appliance/http';
import { relayApp, type RelayApi } from './http.js';

let dir: string;
const INDEX = '<!doctype html><title>tableau</title><script type="module" src="/assets/index-abc123.js"></script>';
const JS = 'console.log("tableau de bord");';
const TOKEN = 'jeton-de-test';

/** Only what the routes asked here use. */
const api = { adminToken: TOKEN, sites: () => [] } as unknown as RelayApi;
const app = (root = dir) => relayApp(api, () => {}, { dashboardDir: root });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'solidaire-dashboard-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), JS);
  writeFileSync(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(JS));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('relay: the fleet dashboard', () => {
  it('serves index.html at / and at every page of the app, not cached, with the strict CSP', async () => {
    for (const path of ['/', '/sites/abc', '/alerts', '/enroll']) {
      const res = await app().request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(WORKSPACE_CSP);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets cached for a year, gzipped when the browser takes it', async () => {
    const res = await app().request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });

  it('refuses traversal and answers a missing file with the JSON 404', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/nope.js']) {
      const res = await app().request(path);
      expect(res.status, path).not.toBe(200);
    }
  });

  it('leaves the API, /metrics and /healthz as they were', async () => {
    const unknown = await app().request('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: "Cette adresse n'existe pas sur le relais." } });
    expect((await app().request('/api/v1/sites')).status).toBe(401);
    expect(await (await app().request('/api/v1/sites', { headers: { authorization: `Bearer ${TOKEN}` } })).json()).toEqual({ sites: [] });
    expect((await app().request('/metrics')).status).toBe(401);
    expect(await (await app().request('/healthz')).json()).toEqual({ ok: true });
    expect((await app().request('/api')).status).toBe(404);
  });

  it('says in French how to build it when it was not built', async () => {
    const res = await app(join(dir, 'absent')).request('/');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain('tableau de bord');
    expect(text).toContain('npm run build');
  });
});
