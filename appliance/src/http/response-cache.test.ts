/**
 * The list cache (response-cache.ts): a list is never older than the space it shows,
 * whatever changed it (a route, an operation received from another site, another
 * process on the same file), never crosses spaces, and never answers before access is
 * checked. ETag / If-None-Match give a 304 only for the current list.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { seededRandom } from '../clock/index.js';
import { Documents } from '../documents/index.js';
import type { Operation } from '../ops/index.js';
import { testBox, type TestBox } from '../testing/index.js';
import { REVALIDATE_MS } from './app.js';
import { acceptsGzip, GZIP_MIN_BYTES, matchesEtag } from './response-cache.js';
import { SECURITY_HEADERS } from './security-headers.js';

const GG = '/api/v1/spaces/givors-gavinane';
const SP = '/api/v1/spaces/secours-populaire';
const boxes: TestBox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.close()));
});

async function box(seed = 1): Promise<TestBox> {
  const b = await testBox({ seed });
  boxes.push(b);
  return b;
}

const titles = (body: { documents: Array<{ title: string }> }) => body.documents.map((d) => d.title).sort();

describe('list cache', () => {
  it('shows every change made through the routes at once', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    expect((await awa.get(`${GG}/documents`)).body.documents).toEqual([]);
    const doc = (await awa.post(`${GG}/documents`, { title: 'Statuts', text: 'Article 1' })).body;
    expect(titles((await awa.get(`${GG}/documents`)).body)).toEqual(['Statuts']);
    b.clock.advance(60_000);
    const saved = await awa.put(`${GG}/documents/${doc.id}`, { title: 'Statuts 2026', text: 'Article 1, article 2', baseVersion: doc.version });
    expect(saved.status).toBe(200);
    const [listed] = (await awa.get(`${GG}/documents`)).body.documents;
    expect(listed).toMatchObject({ title: 'Statuts 2026', length: 'Article 1, article 2'.length, updatedAt: saved.body.updatedAt });
    expect((await awa.delete(`${GG}/documents/${doc.id}`)).status).toBe(200);
    expect((await awa.get(`${GG}/documents`)).body.documents).toEqual([]);
  });

  it('answers 304 to the current ETag only', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    await awa.post(`${GG}/documents`, { title: 'Statuts' });
    const first = await awa.get(`${GG}/documents`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await awa.get(`${GG}/documents`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await awa.get(`${GG}/documents`, { 'if-none-match': `"autre", W/${etag}` })).status).toBe(304);
    await awa.post(`${GG}/documents`, { title: 'Budget' });
    const changed = await awa.get(`${GG}/documents`, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(titles(changed.body)).toEqual(['Budget', 'Statuts']);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('keeps spaces apart, and checks access before anything', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    const sara = await b.user('sara', { 'secours-populaire': 'member' });
    await awa.post(`${GG}/documents`, { title: 'Jumelage' });
    await sara.post(`${SP}/documents`, { title: 'Colis' });
    const gg = await awa.get(`${GG}/documents`);
    const sp = await sara.get(`${SP}/documents`);
    expect(titles(gg.body)).toEqual(['Jumelage']);
    expect(titles(sp.body)).toEqual(['Colis']);
    // Another space's ETag is not this list's.
    expect((await awa.get(`${GG}/documents`, { 'if-none-match': sp.headers.get('etag')! })).status).toBe(200);
    // A stranger to the space, even holding its current ETag, learns nothing.
    const stranger = await sara.get(`${GG}/documents`, { 'if-none-match': gg.headers.get('etag')! });
    expect(stranger.status).toBe(403);
    expect(stranger.text).not.toContain('Jumelage');
  });

  it('shows operations received from another site at once', async () => {
    const here = await box(1);
    const there = await box(2);
    const awa = await here.user('awa', { 'givors-gavinane': 'member' });
    const moussa = await there.user('moussa', { 'givors-gavinane': 'member' });
    expect((await awa.get(`${GG}/documents`)).body.documents).toEqual([]);
    expect((await awa.get(`${GG}/threads`)).body.threads).toEqual([]);
    await moussa.post(`${GG}/documents`, { title: 'Forage du puits', text: 'Devis' });
    await moussa.post(`${GG}/threads`, { subject: 'Hivernage', body: 'La pluie est arrivée.' });
    const rows = there.appliance.services.db
      .prepare<[], Operation & { body: Buffer; sig: Buffer }>('SELECT space, author, seq, hlc, kind, body, sig FROM ops ORDER BY rowid')
      .all();
    for (const r of rows) here.appliance.services.log.receive({ ...r, body: new Uint8Array(r.body), sig: new Uint8Array(r.sig) });
    expect(titles((await awa.get(`${GG}/documents`)).body)).toEqual(['Forage du puits']);
    expect((await awa.get(`${GG}/threads`)).body.threads.map((t: { subject: string }) => t.subject)).toEqual(['Hivernage']);
  });

  it('shows a reply in the thread list at once', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    const { thread } = (await awa.post(`${GG}/threads`, { subject: 'Rentrée', body: 'Fournitures ?' })).body;
    expect((await awa.get(`${GG}/threads`)).body.threads[0].count).toBe(1);
    expect((await awa.post(`${GG}/threads/${thread.id}/messages`, { body: 'Commandées.' })).status).toBe(201);
    expect((await awa.get(`${GG}/threads`)).body.threads[0].count).toBe(2);
  });

  it('sees what another process wrote to the file', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    expect((await awa.get(`${GG}/documents`)).body.documents).toEqual([]);
    const other = new Appliance({ dataDir: b.dir, clock: b.clock, random: seededRandom(9) });
    try {
      const { db, log, random } = other.services;
      new Documents({ db, log, random }).create('givors-gavinane', { title: 'Écrit ailleurs' }, { id: 'x', name: 'Outil' });
    } finally {
      await other.stop();
    }
    // Shown within REVALIDATE_MS of the box's clock (the file is looked at no more often under load).
    b.clock.advance(REVALIDATE_MS);
    expect(titles((await awa.get(`${GG}/documents`)).body)).toEqual(['Écrit ailleurs']);
  });

  it('keeps nothing computed inside a transaction', async () => {
    const b = await box();
    const { db, responses } = b.appliance.services;
    let computed = 0;
    const compute = () => ({ n: ++computed });
    db.transaction(() => responses.get('givors-gavinane', 'probe', compute))();
    responses.get('givors-gavinane', 'probe', compute);
    expect(computed).toBe(2);
    responses.get('givors-gavinane', 'probe', compute);
    expect(computed).toBe(2);
  });
});

describe('gzip', () => {
  it('sends a long list gzipped to a client that accepts it, with its own ETag', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    for (let i = 0; i < 20; i++) await awa.post(`${GG}/documents`, { title: `Compte rendu de la réunion n° ${i}`, text: 'Présents : tous.' });
    const plain = await awa.get(`${GG}/documents`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    expect(Buffer.byteLength(plain.text)).toBeGreaterThan(GZIP_MIN_BYTES);
    const zipped = await b.appliance.app.request(`${GG}/documents`, { headers: { cookie: awa.cookie!, 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('accept-encoding');
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(bytes.length).toBeLessThan(Buffer.byteLength(plain.text) / 2);
    expect(gunzipSync(bytes).toString('utf8')).toBe(plain.text);
    const etag = zipped.headers.get('etag')!;
    expect(etag).toBe(`${plain.headers.get('etag')!.slice(0, -1)}-gzip"`);
    // Either representation's ETag is current.
    expect((await awa.get(`${GG}/documents`, { 'if-none-match': etag })).status).toBe(304);
    expect((await awa.get(`${GG}/documents`, { 'if-none-match': plain.headers.get('etag')!, 'accept-encoding': 'gzip' })).status).toBe(304);
    await awa.post(`${GG}/documents`, { title: 'Un de plus' });
    const changed = await b.appliance.app.request(`${GG}/documents`, { headers: { cookie: awa.cookie!, 'accept-encoding': 'gzip', 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(JSON.parse(gunzipSync(Buffer.from(await changed.arrayBuffer())).toString('utf8')).documents).toHaveLength(21);
  });

  it('sends a short list as it is', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    await awa.post(`${GG}/documents`, { title: 'Statuts' });
    const res = await awa.get(`${GG}/documents`, { 'accept-encoding': 'gzip' });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.body.documents).toHaveLength(1);
  });

  it('reads Accept-Encoding like RFC 9110', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('x-gzip')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip; q=0.0, *')).toBe(false);
    expect(acceptsGzip('br, *')).toBe(true);
    expect(acceptsGzip('*;q=0')).toBe(false);
    expect(acceptsGzip('identity, br')).toBe(false);
  });
});

describe('security headers', () => {
  it('are on cached lists, 304s and every other answer', async () => {
    const b = await box();
    const awa = await b.user('awa', { 'givors-gavinane': 'member' });
    const list = await awa.get(`${GG}/documents`);
    const unchanged = await awa.get(`${GG}/documents`, { 'if-none-match': list.headers.get('etag')! });
    const created = await awa.post(`${GG}/documents`, { title: 'Statuts' });
    const refused = await awa.get(`${SP}/documents`);
    const missing = await awa.get('/api/v1/nulle-part');
    const health = await b.appliance.app.request('/healthz');
    for (const res of [list, unchanged, created, refused, missing, { headers: health.headers }]) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    expect([unchanged.status, created.status, refused.status, missing.status]).toEqual([304, 201, 403, 404]);
  });
});

describe('If-None-Match', () => {
  it('compares weakly, and understands lists and *', () => {
    expect(matchesEtag(undefined, '"a"')).toBe(false);
    expect(matchesEtag('"a"', '"a"')).toBe(true);
    expect(matchesEtag('W/"a"', '"a"')).toBe(true);
    expect(matchesEtag('"b", "a"', '"a"')).toBe(true);
    expect(matchesEtag('"b"', '"a"')).toBe(false);
    expect(matchesEtag('*', '"a"')).toBe(true);
  });
});
