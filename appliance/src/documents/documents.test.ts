import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane/documents';
let box: TestBox;
afterEach(async () => box?.close());

describe('documents', () => {
  it('creates, reads, lists, renames, edits and deletes a document', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const created = await awa.post(GG, { title: '  Compte rendu du bureau ', text: '# Bureau\n\nPrésents : Awa.\n' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Compte rendu du bureau', text: '# Bureau\n\nPrésents : Awa.\n', updatedBy: 'awa' });
    expect(created.body.version).toBeGreaterThan(0);
    const id = created.body.id as string;

    box.clock.advance(60_000);
    const blank = await awa.post(GG, { title: 'Projet 2027' });
    expect(blank.status).toBe(201);
    expect(blank.body.text).toBe('');

    let list = await awa.get(GG);
    expect(list.status).toBe(200);
    expect(list.body.documents.map((d: { title: string }) => d.title)).toEqual(['Projet 2027', 'Compte rendu du bureau']);
    expect(list.body.documents[1]).toMatchObject({ id, length: 26, updatedBy: 'awa', updatedAt: box.clock.now() - 60_000 });

    box.clock.advance(60_000);
    const read = await awa.get(`${GG}/${id}`);
    const saved = await awa.put(`${GG}/${id}`, { title: 'Bureau du 14 octobre', text: '# Bureau\n\nPrésents : Awa, Moussa.\n', baseVersion: read.body.version });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ title: 'Bureau du 14 octobre', text: '# Bureau\n\nPrésents : Awa, Moussa.\n', updatedAt: box.clock.now() });
    expect(saved.body.version).toBeGreaterThan(read.body.version);
    list = await awa.get(GG);
    expect(list.body.documents[0]).toMatchObject({ id, title: 'Bureau du 14 octobre' });

    // Saving the same text again records nothing.
    const same = await awa.put(`${GG}/${id}`, { text: saved.body.text, baseVersion: saved.body.version });
    expect(same.body.version).toBe(saved.body.version);

    expect((await awa.delete(`${GG}/${id}`)).status).toBe(200);
    const gone = await awa.get(`${GG}/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(/introuvable/);
    expect((await awa.put(`${GG}/${id}`, { text: 'x', baseVersion: 0 })).status).toBe(404);
    expect((await awa.delete(`${GG}/${id}`)).status).toBe(404);
    expect((await awa.get(`${GG}/${id}/history`)).status).toBe(404);
    expect((await awa.get(GG)).body.documents.map((d: { id: string }) => d.id)).toEqual([blank.body.id]);
  });

  it('keeps both edits when two people save from the same version', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const moussa = await box.user('moussa', { 'givors-gavinane': 'admin' });
    const doc = (await awa.post(GG, { title: 'Kits solaires', text: 'Livraison prévue.\n\nBudget : à voir.\n' })).body;
    const a = await awa.put(`${GG}/${doc.id}`, { text: 'Livraison prévue fin janvier.\n\nBudget : à voir.\n', baseVersion: doc.version });
    const m = await moussa.put(`${GG}/${doc.id}`, { text: 'Livraison prévue.\n\nBudget : 980 euros.\n', baseVersion: doc.version });
    expect(a.status).toBe(200);
    expect(m.status).toBe(200);
    expect(m.body.text).toBe('Livraison prévue fin janvier.\n\nBudget : 980 euros.\n');
    expect(m.body.updatedBy).toBe('moussa');

    // Both insert at the same place: both words stay, in one order or the other.
    const v = m.body.version;
    await awa.put(`${GG}/${doc.id}`, { text: m.body.text + 'Awa.\n', baseVersion: v });
    const last = await moussa.put(`${GG}/${doc.id}`, { text: m.body.text + 'Moussa.\n', baseVersion: v });
    expect(last.body.text).toMatch(/^Livraison prévue fin janvier\.\n\nBudget : 980 euros\.\n(Awa\.\nMoussa\.\n|Moussa\.\nAwa\.\n)$/);
    expect((await awa.get(`${GG}/${doc.id}`)).body.text).toBe(last.body.text);
  });

  it('refuses bad input in plain words and changes nothing', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member', 'secours-populaire': 'member' });
    const doc = (await awa.post(GG, { title: 'Ordre du jour', text: 'Point 1\n' })).body;
    const other = (await awa.post('/api/v1/spaces/secours-populaire/documents', { title: 'Autre', text: 'x' })).body;

    expect((await awa.post(GG, { title: '   ' })).status).toBe(400);
    expect((await awa.post(GG, { title: 'x'.repeat(201) })).status).toBe(400);
    expect((await awa.post(GG, { title: 'Long', text: 'x'.repeat(1_000_001) })).status).toBe(400);
    expect((await awa.put(`${GG}/${doc.id}`, { text: 'y' })).status).toBe(400);
    expect((await awa.put(`${GG}/${doc.id}`, { text: 'y', baseVersion: 'récente' })).status).toBe(400);
    for (const baseVersion of [doc.version + 1000, other.version]) {
      const res = await awa.put(`${GG}/${doc.id}`, { text: 'y', title: 'Nouveau titre', baseVersion });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'unknown_version' });
      expect(res.body.error.message).toMatch(/rechargez le document/);
    }
    const missing = await awa.get(`${GG}/inexistant`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Ce document est introuvable : il a peut-être été supprimé.');
    expect((await awa.get(`${GG}/${doc.id}/history/${doc.version + 1000}`)).status).toBe(404);
    expect((await awa.get(`${GG}/${doc.id}/history/abc`)).status).toBe(400);
    expect((await awa.get(`${GG}/${other.id}`)).status).toBe(404);
    expect((await awa.get(`${GG}/${doc.id}`)).body).toMatchObject({ title: 'Ordre du jour', text: 'Point 1\n', version: doc.version });
  });

  it('describes its routes in the OpenAPI document', async () => {
    box = await testBox();
    const doc = await box.admin.get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/spaces/{space}/documents/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(paths['/api/v1/spaces/{space}/documents/{id}/history/{version}/restore']).toHaveProperty('post');
    expect(JSON.stringify(doc.body.components.schemas.DocumentChange)).toContain('baseVersion');
  });
});
