/**
 * Random bodies, ids and query strings at every admin route, as an admin of the space:
 * never a 5xx, and an error always explained in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apiRoutes, fillPath, testBox, type TestBox, type TestClient } from '../testing/index.js';

let box: TestBox;
let awa: TestClient;
beforeAll(async () => {
  box = await testBox({ seed: 11 });
  awa = await box.user('awa', { 'givors-gavinane': 'admin' });
});
afterAll(async () => box?.close());

const ADMIN_PATH = /^\/api\/v1\/spaces\/:space\/(members|dues|ledger|events)/;
const key = fc.constantFrom('firstName', 'lastName', 'joinedOn', 'email', 'memberId', 'year', 'amountCents', 'paidOn', 'method', 'date', 'label', 'direction', 'startsAt', 'endsAt', 'title', '$deleted', '__proto__');
const value = fc.oneof(fc.jsonValue(), fc.constantFrom('2026-02-29', '2026-12-05T14:00:00Z', 'espèces', 'receipt', -1, 1e308, 0.5, '=1+1'));
const body = fc.oneof(
  fc.dictionary(key, value).map((o) => ({ raw: JSON.stringify(o), type: 'application/json' })),
  fc.jsonValue().map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
  fc.string({ maxLength: 100 }).map((s) => ({ raw: s, type: 'application/json' })),
  fc.string({ maxLength: 50 }).map((s) => ({ raw: s, type: 'text/plain' })),
);
const query = fc.dictionary(fc.constantFrom('year', 'memberId', 'from', 'to'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('2026', '2026-01-01', '2026-12-05T14:00:00Z', '-1', '1e400')));

describe('admin routes under random input', () => {
  it('never answer 5xx and always explain an error', async () => {
    const routes = apiRoutes(box.appliance).filter((r) => ADMIN_PATH.test(r.path));
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('summary', '..', '%00')), body, query, async (id, b, q) => {
          const path = `${fillPath(route, { space: 'givors-gavinane', id })}?${new URLSearchParams(q)}`;
          const withBody = route.method === 'POST' || route.method === 'PATCH';
          const res = await awa.request(route.method, path, withBody ? b.raw : undefined, withBody ? { 'content-type': b.type } : {});
          if (res.status >= 500) throw new Error(`${route.method} ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
          if (res.status >= 400) {
            expect(typeof res.body.error.code).toBe('string');
            expect(res.body.error.message.length).toBeGreaterThan(5);
          }
        }),
        { numRuns: 30, seed: 42 },
      );
    }
  }, 120_000);
});
