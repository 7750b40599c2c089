/** The box admin's bundle routes: download a bundle from A, upload it to B. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBox, TestClient } from '../testing/index.js';
import { digest, GG, makeWork, newBox, opCount } from './fixtures.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});

async function call(box: TestBox, c: TestClient, path: string, body: Uint8Array | string, type: string) {
  const headers = new Headers({ cookie: c.cookie!, 'x-csrf-token': c.csrf!, 'content-type': type });
  const res = await box.appliance.app.request(path, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const incoming = (box: TestBox) => {
  const dir = join(box.dir, 'bundles-incoming');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('bundle routes', () => {
  it('downloads a bundle from A and imports it on B, for the box admin only', async () => {
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    await makeWork(a);

    // An association's admin is not the box admin.
    const awa = await a.user('awa-admin', { [GG]: 'admin' });
    expect((await awa.post('/api/v1/bundles/export', {})).status).toBe(403);
    expect((await call(a, awa, '/api/v1/bundles/import', 'x', 'application/octet-stream')).status).toBe(403);
    expect((await a.admin.post('/api/v1/bundles/export', { for: 'pas un site !' })).status).toBe(400);

    const down = await call(a, a.admin, '/api/v1/bundles/export', JSON.stringify({ for: b.appliance.services.log.siteId }), 'application/json');
    expect(down.status).toBe(200);
    expect(down.headers.get('content-disposition')).toMatch(/^attachment; filename="solidaire-\d{8}-\d{4}-pour-.{8}\.bundle"$/);
    expect(down.bytes.subarray(1, 6).toString()).toBe('SOLID');

    const up = await call(b, b.admin, '/api/v1/bundles/import', down.bytes, 'application/octet-stream');
    expect(up.status).toBe(200);
    const summary = JSON.parse(up.bytes.toString());
    expect(summary).toMatchObject({ site: a.appliance.services.log.siteId, forThisSite: true, applied: opCount(a), blobsNew: 1, bytes: down.bytes.length });
    expect(digest(b)).toBe(digest(a));
    expect(incoming(b)).toEqual([]);

    const doc = (await a.admin.get('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/bundles/export', '/api/v1/bundles/import']));
  });

  it('answers a damaged upload with a clear 400 and applies nothing', async () => {
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    await makeWork(a);
    const down = await call(a, a.admin, '/api/v1/bundles/export', '{}', 'application/json');
    const before = [opCount(b), digest(b)];
    for (const [body, code] of [
      [down.bytes.subarray(0, down.bytes.length >> 1), 'bundle_truncated'],
      [Buffer.from('bonjour'), 'bundle_not_a_bundle'],
      [Buffer.alloc(0), 'bundle_not_a_bundle'],
    ] as const) {
      const res = await call(b, b.admin, '/api/v1/bundles/import', body, 'application/octet-stream');
      expect(res.status).toBe(400);
      const err = JSON.parse(res.bytes.toString()).error;
      expect(err.code).toBe(code);
      expect(err.message).toContain("Rien n'a été importé");
    }
    expect([opCount(b), digest(b)]).toEqual(before);
    expect(incoming(b)).toEqual([]);
  });
});
