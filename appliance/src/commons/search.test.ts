import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';

const A = '/api/v1/commons/articles';
const S = '/api/v1/commons/search';
const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});

async function setUp(seed = 1): Promise<{ box: TestBox; awa: TestClient }> {
  const box = await testBox({ seed });
  boxes.push(box);
  return { box, awa: await box.user('awa', { 'givors-gavinane': 'member' }) };
}

const find = async (c: TestClient, q: string): Promise<string[]> => {
  const res = await c.get(`${S}?q=${encodeURIComponent(q)}`);
  expect(res.status, `${q}: ${res.text}`).toBe(200);
  return res.body.results.map((r: { title: string }) => r.title);
};

const solar = { title: 'Développement de l’énergie solaire', body: 'Une école de Youri a reçu un kit.', tags: 'énergie,mali' };
const forms = { title: 'Démarches en ligne', body: 'Préparez vos papiers pour la permanence.', tags: 'démarches' };

describe('commons search', () => {
  it('folds accents and case, and matches the last word as a prefix', async () => {
    const { awa } = await setUp();
    await awa.post(A, solar);
    await awa.post(A, forms);
    expect(await find(awa, 'developpement')).toEqual([solar.title]);
    expect(await find(awa, 'ECOLE')).toEqual([solar.title]);
    expect(await find(awa, 'École youri')).toEqual([solar.title]);
    expect(await find(awa, 'dévelop')).toEqual([solar.title]);
    expect(await find(awa, 'DEMARCH')).toEqual([forms.title]);
    expect(await find(awa, 'mali')).toEqual([solar.title]);
    expect(await find(awa, 'ecole permanence')).toEqual([]);
    expect(await find(awa, 'inexistant')).toEqual([]);
  });

  it('puts a title match before body matches', async () => {
    const { box, awa } = await setUp();
    await awa.post(A, { title: 'Kits pour les classes', body: 'Panneau solaire, batterie solaire, lampe solaire : le solaire partout.' });
    box.clock.advance(1000);
    await awa.post(A, { title: 'Le solaire', body: 'Un retour d’expérience de Youri, avec des chiffres et des photos.' });
    box.clock.advance(1000);
    await awa.post(A, { title: 'Autre chose', body: 'Rien à voir, sauf un mot : solaire.' });
    const titles = await find(awa, 'solaire');
    expect(titles).toHaveLength(3);
    expect(titles[0]).toBe('Le solaire');
  });

  it('gives a short extract, escaped, with the words found marked', async () => {
    const { awa } = await setUp();
    await awa.post(A, { title: 'Sécurité', body: `${'mot '.repeat(60)}<script>alert(1)</script> école & "cours" ${'fin '.repeat(60)}` });
    const res = await awa.get(`${S}?q=ecole`);
    const snippet: string = res.body.results[0].snippet;
    expect(snippet).toContain('<mark>école</mark>');
    expect(snippet).toContain('&lt;script&gt;');
    expect(snippet).not.toContain('<script>');
    expect(snippet.length).toBeLessThan(300);
  });

  it('follows edits and deletions', async () => {
    const { awa } = await setUp();
    const id = (await awa.post(A, solar)).body.id;
    await awa.patch(`${A}/${id}`, { title: 'Pompes à eau', body: 'Un forage à Gavinané.' });
    expect(await find(awa, 'forage')).toEqual(['Pompes à eau']);
    expect(await find(awa, 'gavinane')).toEqual(['Pompes à eau']);
    expect(await find(awa, 'developpement')).toEqual([]);
    expect(await find(awa, 'youri')).toEqual([]);
    expect(await find(awa, 'mali')).toEqual(['Pompes à eau']);
    await awa.delete(`${A}/${id}`);
    expect(await find(awa, 'forage')).toEqual([]);
    expect(await find(awa, 'mali')).toEqual([]);
  });

  it('finds articles that arrived from another box, and forgets them when deleted there', async () => {
    const one = await setUp(1);
    const two = await setUp(2);
    const log1 = one.box.appliance.services.log;
    const log2 = two.box.appliance.services.log;
    expect(log1.siteId).not.toBe(log2.siteId);
    const id = (await one.awa.post(A, solar)).body.id;
    await one.awa.patch(`${A}/${id}`, { summary: 'Kits installés par la coopérative' });
    const rowids = () =>
      one.box.appliance.services.db
        .prepare<[string], { rowid: number }>("SELECT rowid FROM ops WHERE space = 'commons' AND author = ? ORDER BY rowid")
        .all(log1.siteId)
        .map((r) => r.rowid);
    const sent = new Set<number>();
    const carry = () => {
      for (const rowid of rowids().filter((r) => !sent.has(r))) {
        expect(log2.receive(log1.get(rowid)!)).toBe(true);
        sent.add(rowid);
      }
    };
    carry();
    expect(await find(two.awa, 'developpement')).toEqual([solar.title]);
    expect(await find(two.awa, 'cooperative')).toEqual([solar.title]);
    expect((await two.awa.get(`${A}/${id}`)).body.createdBy.name).toBe('awa');

    await one.awa.delete(`${A}/${id}`);
    carry();
    expect(await find(two.awa, 'developpement')).toEqual([]);
    expect((await two.awa.get(`${A}/${id}`)).status).toBe(404);
  });

  it('indexes only the commons', async () => {
    const { box, awa } = await setUp();
    box.appliance.services.log.commit('givors-gavinane', 'record.put', {
      coll: 'articles',
      id: 'prive',
      fields: { title: 'Compte rendu confidentiel', body: 'secret' },
      by: { id: 'x', name: 'X' },
    });
    expect(await find(awa, 'confidentiel')).toEqual([]);
  });

  it('answers hostile or empty queries with a 400 in French or no result, never a 500', async () => {
    const { awa } = await setUp();
    await awa.post(A, solar);
    for (const q of ['"', '*', 'AND OR (', 'NEAR(', 'title:x', '^école', '"école', 'école"*', '-', "l'", '\u0000', '🙂', 'a'.repeat(200)]) {
      const res = await awa.get(`${S}?q=${encodeURIComponent(q)}`);
      expect([200, 400], `${q}: ${res.text}`).toContain(res.status);
      if (res.status === 400) expect(res.body.error.message).toMatch(/[a-zé]/);
    }
    expect(await find(awa, '"école"')).toEqual([solar.title]);
    expect(await find(awa, 'AND OR (')).toEqual([]);
    const noWord = await awa.get(`${S}?q=${encodeURIComponent('" ( * ) :')}`);
    expect(noWord.status).toBe(400);
    expect(noWord.body.error.code).toBe('empty_search');
    expect(noWord.body.error.message).toMatch(/au moins un mot/);
    for (const path of [S, `${S}?q=`, `${S}?q=%20%20`, `${S}?q=${'a'.repeat(201)}`, `${S}?q=ecole&limit=51`, `${S}?q=ecole&limit=-1`]) {
      const res = await awa.get(path);
      expect(res.status, path).toBe(400);
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (q) => {
        const res = await awa.get(`${S}?q=${encodeURIComponent(q)}`);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 60, seed: 3 },
    );
  });
});
