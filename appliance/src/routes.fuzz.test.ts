/**
 * Property test: random bodies, parameters and content types thrown at every API route.
 * Whatever arrives, the answer is never a 5xx, an error always has the documented shape
 * with a message in words, and the box keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apiRoutes, fillPath, testBox, TEST_PASSWORD, type TestBox, type TestClient } from './testing/index.js';

let box: TestBox;
let member: TestClient;

beforeAll(async () => {
  box = await testBox({ seed: 7 });
  member = await box.user('fuzz', { 'givors-gavinane': 'admin', commons: 'admin' });
});
afterAll(async () => box?.close());

const weirdSegment = fc.oneof(
  fc.constantFrom('givors-gavinane', 'commons', 'secours-populaire', '..', '%2e%2e', 'x'.repeat(300), '0', '-1', 'null', '😀', ' ', '%00'),
  fc.string({ minLength: 1, maxLength: 40 }),
);

const body = fc.oneof(
  fc.json().map((j) => ({ raw: j, type: 'application/json' })),
  fc.jsonValue().map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
  fc.dictionary(fc.constantFrom('title', 'text', 'body', 'subject', 'name', 'id', 'amountCents', 'date', 'role', 'password', 'username', 'to', 'q', 'baseVersion', 'fields'), fc.jsonValue()).map((o) => ({ raw: JSON.stringify(o), type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({ raw: s, type: 'application/json' })),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ raw: Buffer.from(b).toString('latin1'), type: 'application/octet-stream' })),
  fc.string({ maxLength: 100 }).map((s) => ({ raw: s, type: 'text/plain' })),
);

describe('every route under random input', () => {
  it('never answers 5xx and always explains an error', async () => {
    const routes = apiRoutes(box.appliance);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(fc.array(weirdSegment, { minLength: route.params.length, maxLength: route.params.length }), body, fc.string({ maxLength: 30 }), async (segs, b, query) => {
          const values = Object.fromEntries(route.params.map((p, i) => [p, segs[i]!]));
          const path = `${fillPath(route, values)}?q=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}`;
          const withBody = route.method !== 'GET' && route.method !== 'HEAD';
          const res = await member.request(route.method, path, withBody ? b.raw : undefined, withBody ? { 'content-type': b.type } : {});
          if (res.status >= 500) throw new Error(`${route.method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
          if (res.status >= 400 && res.headers.get('content-type')?.includes('json')) {
            expect(typeof res.body.error.code).toBe('string');
            expect(res.body.error.message.length).toBeGreaterThan(5);
          }
        }),
        { numRuns: 25, seed: 42 },
      );
      // A route may have logged the fuzzer out (DELETE /session, a password change): log back in.
      if ((await member.get('/api/v1/session')).status === 401) await member.login('fuzz', TEST_PASSWORD);
    }
    expect((await member.get('/healthz')).status).toBe(200);
  }, 180_000);

  it('answers malformed JSON with a 400 in words', async () => {
    const res = await member.request('POST', '/api/v1/spaces', '{"id": "x",', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_request');
  });

  it('refuses an oversize body with a 413', async () => {
    const big = JSON.stringify({ id: 'x', name: 'a'.repeat(2 * 1024 * 1024) });
    const res = await member.request('POST', '/api/v1/spaces', big, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_large');
  });

  it('answers an unknown API path with a 404 in words', async () => {
    const res = await member.get('/api/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/existe pas/);
  });
});

describe('OpenAPI document', () => {
  it('describes every API route, generated from the same schemas', async () => {
    const res = await member.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths as Record<string, unknown>);
    for (const route of apiRoutes(box.appliance)) {
      if (route.path === '/api/v1/openapi.json') continue;
      const openapiPath = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(paths, `${route.method} ${route.path}`).toContain(openapiPath);
      const op = (res.body.paths[openapiPath] as Record<string, unknown>)[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
    }
  });
});
