/**
 * Privacy between associations, proven by walking every route the app has (read from its
 * own route table, so a route added later is walked too). The Comité's private work is
 * seeded with a marker word in every room; a member of another association then calls
 * every route with every id the Comité's data has, and:
 *   - never sees the marker in any answer,
 *   - never gets a 2xx from a route of the Comité's space,
 *   - changes nothing of the Comité's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, fillPath, testBox, type TestBox, type TestClient } from './testing/index.js';
import { stateDigest } from './ops/index.js';

const GG = 'givors-gavinane';
const MARK = 'Zanzibar7f3';
let box: TestBox;
let awa: TestClient;
let claire: TestClient;

async function ok(p: Promise<{ status: number; body: any; text: string }>, what: string) {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.body;
}

beforeAll(async () => {
  box = await testBox({ seed: 11 });
  awa = await box.user('awa', { [GG]: 'admin' });
  claire = await box.user('claire', { 'secours-populaire': 'admin' });
  const base = `/api/v1/spaces/${GG}`;
  await ok(awa.post(`${base}/documents`, { title: `Doc ${MARK}`, text: `Texte ${MARK}` }), 'document');
  await ok(awa.post(`${base}/threads`, { subject: `Sujet ${MARK}`, body: `Message ${MARK}` }), 'thread');
  await ok(awa.post(`${base}/outbox`, { to: 'koupela', subject: `Pour Koupéla ${MARK}`, body: `Lettre ${MARK}` }), 'outbox');
  const m = await ok(awa.post(`${base}/members`, { firstName: MARK, lastName: MARK, joinedOn: '2020-01-01' }), 'member');
  await ok(awa.post(`${base}/dues`, { memberId: m.id, year: 2026, amountCents: 1000, paidOn: '2026-01-02', method: 'espèces' }), 'due');
  await ok(awa.post(`${base}/ledger`, { date: '2026-01-02', label: MARK, amountCents: 1000, direction: 'receipt', category: MARK }), 'ledger');
  await ok(awa.post(`${base}/events`, { title: MARK, startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T11:00:00Z', place: MARK, description: MARK }), 'event');
  await ok(awa.request('POST', `${base}/files?name=${MARK}.txt`, new TextEncoder().encode(`Fichier ${MARK}`), { 'content-type': 'text/plain' }), 'file');
});
afterAll(async () => box?.close());

function candidateIds(): string[] {
  const db = box.appliance.services.db;
  const ids = new Set<string>();
  for (const r of db.prepare<[string], { id: string }>('SELECT id FROM records WHERE space = ?').all(GG)) ids.add(r.id);
  for (const r of db.prepare<[string], { id: string }>('SELECT id FROM messages WHERE space = ?').all(GG)) ids.add(r.id);
  for (const r of db.prepare<[string], { v: number }>('SELECT op_rowid AS v FROM doc_versions WHERE space = ?').all(GG)) ids.add(String(r.v));
  for (const r of db.prepare<[], { id: string }>('SELECT id FROM accounts').all()) ids.add(r.id);
  return [...ids];
}

describe('a member of another association, walking every route', () => {
  it('never reads or writes the Comité’s private work', async () => {
    const routes = apiRoutes(box.appliance);
    const ids = candidateIds();
    expect(ids.length).toBeGreaterThan(8);
    const before = stateDigest(box.appliance.services.db, [GG]);
    let calls = 0;
    let spaceRoutes = 0;
    for (const route of routes) {
      if (route.path === '/api/v1/session' && route.method === 'DELETE') continue;
      const inSpace = route.params.includes('space');
      if (inSpace) spaceRoutes++;
      for (const id of route.params.some((p) => p !== 'space') ? ids : ['-']) {
        const values = Object.fromEntries(route.params.map((p) => [p, p === 'space' ? GG : id]));
        const path = `${fillPath(route, values)}?q=${MARK}&folder=&tag=`;
        const body = route.method === 'GET' ? undefined : { title: 'x', text: 'x', body: 'x', subject: 'x', name: 'x', role: 'admin', to: GG, baseVersion: 1 };
        const res = await claire.request(route.method, path, body);
        calls++;
        expect(res.status, `${route.method} ${path}`).toBeLessThan(500);
        expect(res.text, `${route.method} ${path} leaked`).not.toContain(MARK);
        if (inSpace) expect([403, 404], `${route.method} ${path} → ${res.status}`).toContain(res.status);
      }
    }
    expect(spaceRoutes).toBeGreaterThan(15);
    expect(calls).toBeGreaterThan(100);
    expect(stateDigest(box.appliance.services.db, [GG])).toBe(before);
  }, 120_000);

  it('only sees the spaces she belongs to and the commons', async () => {
    const res = await claire.get('/api/v1/spaces');
    expect(res.body.spaces.map((s: { id: string }) => s.id).sort()).toEqual(['commons', 'secours-populaire']);
  });
});
