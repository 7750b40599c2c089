import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';

const SPACE = 'givors-gavinane';
const GG = `/api/v1/spaces/${SPACE}/documents`;
const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});

/** Hand every operation of the space from one box to the other, as sync or a USB stick would. */
function carry(from: TestBox, to: TestBox): number {
  const { db, log } = from.appliance.services;
  const rows = db.prepare<[string], { rowid: number }>('SELECT rowid FROM ops WHERE space = ? ORDER BY rowid').all(SPACE);
  let n = 0;
  for (const { rowid } of rows) if (to.appliance.services.log.receive(log.get(rowid)!)) n++;
  return n;
}

async function twoSites(): Promise<{ givors: TestBox; gavinane: TestBox; awa: TestClient; bakary: TestClient; id: string }> {
  const givors = await testBox({ seed: 1 });
  const gavinane = await testBox({ seed: 2 });
  boxes.push(givors, gavinane);
  const awa = await givors.user('awa', { [SPACE]: 'member' });
  const bakary = await gavinane.user('bakary', { [SPACE]: 'member' });
  const text = '# Salle informatique\n\nObjectif : trois postes recyclés.\n\n## Budget\n\nÀ compléter.\n';
  const id = (await awa.post(GG, { title: 'Projet 2027', text })).body.id as string;
  expect(carry(givors, gavinane)).toBe(2);
  return { givors, gavinane, awa, bakary, id };
}

describe('documents across sites', () => {
  it('merges offline edits of one document made at two sites', async () => {
    const { givors, gavinane, awa, bakary, id } = await twoSites();
    const atGavinane = await bakary.get(`${GG}/${id}`);
    expect(atGavinane.body.title).toBe('Projet 2027');
    const atGivors = await awa.get(`${GG}/${id}`);

    givors.clock.advance(3_600_000);
    gavinane.clock.advance(7_200_000);
    const a = await awa.put(`${GG}/${id}`, { text: atGivors.body.text.replace('trois postes', 'quatre postes'), baseVersion: atGivors.body.version });
    const b = await bakary.put(`${GG}/${id}`, { text: atGavinane.body.text.replace('À compléter.', 'Panneau : 450 euros.'), baseVersion: atGavinane.body.version });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);

    carry(givors, gavinane);
    carry(gavinane, givors);
    const g1 = (await awa.get(`${GG}/${id}`)).body;
    const g2 = (await bakary.get(`${GG}/${id}`)).body;
    expect(g1.text).toBe('# Salle informatique\n\nObjectif : quatre postes recyclés.\n\n## Budget\n\nPanneau : 450 euros.\n');
    expect(g2.text).toBe(g1.text);
    expect(g2.updatedBy).toBe('bakary');
    expect(g1.updatedBy).toBe('bakary');
  });

  it('gives the same text for each version at both sites, whatever the arrival order', async () => {
    const { givors, gavinane, awa, bakary, id } = await twoSites();
    for (let round = 0; round < 3; round++) {
      const mine = (await awa.get(`${GG}/${id}`)).body;
      const theirs = (await bakary.get(`${GG}/${id}`)).body;
      givors.clock.advance(1_000);
      await awa.put(`${GG}/${id}`, { text: `Givors ${round}\n` + mine.text, baseVersion: mine.version });
      await bakary.put(`${GG}/${id}`, { text: theirs.text + `Gavinané ${round}\n`, baseVersion: theirs.version });
      if (round !== 1) carry(givors, gavinane);
      if (round !== 1) carry(gavinane, givors);
    }
    const h1 = (await awa.get(`${GG}/${id}/history`)).body.versions as Array<{ version: number; author: string; at: number }>;
    const h2 = (await bakary.get(`${GG}/${id}/history`)).body.versions as typeof h1;
    expect(h1).toHaveLength(7);
    expect(h1.map((v) => [v.author, v.at])).toEqual(h2.map((v) => [v.author, v.at]));
    const texts: string[] = [];
    for (const [i, v] of h1.entries()) {
      const t1 = (await awa.get(`${GG}/${id}/history/${v.version}`)).body.text;
      const t2 = (await bakary.get(`${GG}/${id}/history/${h2[i]!.version}`)).body.text;
      expect(t2).toBe(t1);
      texts.push(t1);
    }
    expect(texts[0]).toBe((await awa.get(`${GG}/${id}`)).body.text);
    expect(texts[0]).toMatch(/^Givors 2\nGivors 1\nGivors 0\n# Salle/);
    expect(texts[0]).toMatch(/Gavinané 0\nGavinané 1\nGavinané 2\n$/);
    expect(new Set(texts).size).toBe(7);
  });
});
