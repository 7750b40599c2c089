import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBox } from '../testing/index.js';
import { DEFAULT_WORKSPACE_DIR, WORKSPACE_CSP, workspace } from './static.js';

let dir: string;
const INDEX = '<!doctype html><title>app</title><script type="module" src="/assets/app-abc123.js"></script>';
const JS = 'console.log("solidaire");';

function app(root = dir) {
  const a = new Hono();
  a.get('/api/v1/*', (c) => c.json({ api: true }));
  a.get('*', workspace(root));
  a.notFound((c) => c.json({ error: { code: 'not_found', message: "Cette adresse n'existe pas." } }, 404));
  return a;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'solidaire-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), JS);
  writeFileSync(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(JS));
  writeFileSync(join(dir, 'assets', 'app-abc123.css'), 'body{}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('workspace static files', () => {
  it('serves index.html at / with no cache and a strict CSP', async () => {
    const res = await app().request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(WORKSPACE_CSP);
    expect(await res.text()).toBe(INDEX);
  });

  it('answers a page of the app with index.html', async () => {
    for (const path of ['/s/comite/documents', '/login', '/s/comite/documents/abc']) {
      const res = await app().request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets with a long cache and their content type', async () => {
    const res = await app().request('/assets/app-abc123.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const svg = await app().request('/favicon.svg');
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the precompressed file to a browser that takes gzip, the plain one otherwise', async () => {
    const gz = await app().request('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip, deflate' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('content-type')).toMatch(/javascript/);
    expect(gz.headers.get('vary')).toMatch(/Accept-Encoding/);
    expect(Buffer.from(await gz.arrayBuffer())).toEqual(gzipSync(JS));
    const plain = await app().request('/assets/app-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(JS);
  });

  it('gives a 404 for a missing asset or file, not the app', async () => {
    for (const path of ['/assets/gone-123.js', '/robots.txt', '/assets/']) {
      const res = await app().request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toBe(INDEX);
    }
  });

  it('never serves a file outside its folder', async () => {
    writeFileSync(join(dir, '..', 'secret.txt'), 'secret');
    try {
      for (const path of ['/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/%00.js']) {
        const res = await app().request(path);
        expect(await res.text(), path).not.toContain('secret');
      }
    } finally {
      rmSync(join(dir, '..', 'secret.txt'), { force: true });
    }
  });

  it('leaves other methods and the API alone', async () => {
    expect((await app().request('/api/v1/anything')).status).toBe(200);
    expect(await (await app().request('/api/v1/anything')).json()).toEqual({ api: true });
    const post = await app().request('/', { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('says in French how to build the app when it is missing', async () => {
    const res = await app(join(dir, 'nothing-here')).request('/s/comite/documents');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain('npm run build');
    expect(text).toContain('lang="fr"');
  });
});

describe('the workspace in the appliance', () => {
  it('is served at / and at the pages of the app, leaving /healthz and the API as they were', async () => {
    const box = await testBox();
    try {
      const app = box.appliance.app;
      const built = join(DEFAULT_WORKSPACE_DIR, 'index.html');
      for (const path of ['/', '/s/givors-gavinane/documents', '/admin/accounts']) {
        const res = await app.request(path);
        expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
        // `npm test` builds the app first; run alone, the French "not built" page answers.
        if (existsSync(built)) expect(await res.text()).toBe(readFileSync(built, 'utf8'));
        else expect(res.status).toBe(503);
      }
      const health = await app.request('/healthz');
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true });
      const api = await app.request('/api/v1/no-such-thing');
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
      const session = await app.request('/api/v1/session');
      expect(session.status).toBe(401);
    } finally {
      await box.close();
    }
  });
});
