import { afterEach, describe, expect, it } from 'vitest';
import { testBox, TestClient, type TestBox } from '../testing/index.js';

const A = '/api/v1/commons/articles';
let box: TestBox;
afterEach(async () => box?.close());

const solar = {
  title: 'Développement de l’accès à l’énergie solaire',
  summary: 'Retour d’expérience des kits de Youri.',
  body: 'Un kit de **200 Wc** suffit pour une journée de classe.',
  tags: 'Énergie, solaire ,mali,solaire',
};

describe('commons articles', () => {
  it('creates, reads, lists, patches and deletes an article', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const created = await awa.post(A, solar);
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({ title: solar.title, summary: solar.summary, body: solar.body, lang: 'fr', tags: ['énergie', 'solaire', 'mali'] });
    expect(created.body.createdBy).toEqual({ id: expect.any(String), name: 'awa' });

    const read = await awa.get(`${A}/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.body).toBe(solar.body);

    const patched = await awa.patch(`${A}/${id}`, { title: 'Énergie solaire au Sahel', tags: ['sahel'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Énergie solaire au Sahel', summary: solar.summary, body: solar.body, tags: ['sahel'] });
    expect(patched.body.updatedBy.name).toBe('awa');

    expect((await awa.delete(`${A}/${id}`)).status).toBe(200);
    expect((await awa.get(`${A}/${id}`)).status).toBe(404);
    expect((await awa.patch(`${A}/${id}`, { title: 'Revenant' })).status).toBe(404);
    expect((await awa.delete(`${A}/${id}`)).status).toBe(404);
    expect((await awa.get(A)).body).toEqual({ articles: [], total: 0 });
  });

  it('records every change as an operation of the commons', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const before = box.appliance.services.log.versionVector('commons');
    const id = (await awa.post(A, solar)).body.id;
    await awa.patch(`${A}/${id}`, { summary: 'Autre résumé' });
    await awa.delete(`${A}/${id}`);
    const after = box.appliance.services.log.versionVector('commons');
    const me = box.appliance.services.log.siteId;
    expect((after[me]?.['record.put'] ?? 0) - (before[me]?.['record.put'] ?? 0)).toBe(3);
  });

  it('lists newest first, by tag, a page at a time', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    for (const [i, tags] of [['mali'], ['formation'], ['mali', 'formation']].entries()) {
      expect((await awa.post(A, { title: `Article ${i}`, tags })).status).toBe(201);
      box.clock.advance(1000);
    }
    const all = await awa.get(A);
    expect(all.body.total).toBe(3);
    expect(all.body.articles.map((a: { title: string }) => a.title)).toEqual(['Article 2', 'Article 1', 'Article 0']);
    expect(all.body.articles[0].body).toBeUndefined();
    const mali = await awa.get(`${A}?tag=MALI`);
    expect(mali.body.articles.map((a: { title: string }) => a.title)).toEqual(['Article 2', 'Article 0']);
    expect(mali.body.total).toBe(2);
    const page = await awa.get(`${A}?limit=1&offset=1`);
    expect(page.body.articles.map((a: { title: string }) => a.title)).toEqual(['Article 1']);
    expect(page.body.total).toBe(3);
    expect((await awa.get(`${A}?limit=0`)).status).toBe(400);
    expect((await awa.get(`${A}?limit=1000`)).status).toBe(400);
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const ops = () => box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number };
    const n = ops().n;
    for (const bad of [
      {},
      { title: '   ' },
      { title: 'x'.repeat(201) },
      { title: 'Ok', body: 'x'.repeat(100_001) },
      { title: 'Ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { title: 'Ok', tags: ['x'.repeat(41)] },
      { title: 'Ok', lang: 'français' },
      { title: 'Ok', body: 42 },
    ]) {
      const res = await awa.post(A, bad);
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toEqual(expect.any(String));
    }
    const id = (await awa.post(A, { title: 'Ok' })).body.id;
    expect((await awa.patch(`${A}/${id}`, {})).status).toBe(400);
    expect((await awa.get(`${A}/pas%2Fun%2Fid`)).status).toBe(400);
    expect((await awa.get(`${A}/inconnu`)).status).toBe(404);
    expect(ops().n).toBe(n + 1);
  });

  it('lets every account read, guests not write, anonymous nothing', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const id = (await awa.post(A, solar)).body.id;
    const guest = await box.user('invite', { 'secours-populaire': 'guest' });
    expect((await guest.get(A)).body.total).toBe(1);
    expect((await guest.get(`${A}/${id}`)).status).toBe(200);
    expect((await guest.get('/api/v1/commons/search?q=solaire')).body.results).toHaveLength(1);
    for (const res of [await guest.post(A, { title: 'Non' }), await guest.patch(`${A}/${id}`, { title: 'Non' }), await guest.delete(`${A}/${id}`)]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await guest.get(`${A}/${id}`)).body.title).toBe(solar.title);

    const anon = new TestClient(box.appliance);
    for (const res of [await anon.get(A), await anon.get(`${A}/${id}`), await anon.get('/api/v1/commons/search?q=solaire')]) {
      expect(res.status).toBe(401);
    }
    expect((await box.admin.post(A, { title: 'Du responsable de la boîte' })).status).toBe(201);
  });

  it('is described in the OpenAPI document', async () => {
    box = await testBox();
    const doc = await box.admin.get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/commons/articles', '/api/v1/commons/articles/{id}', '/api/v1/commons/search']));
    expect(doc.body.components.schemas.NewArticle.properties.tags).toBeDefined();
  });
});
