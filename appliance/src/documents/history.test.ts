import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane/documents';
let box: TestBox;
afterEach(async () => box?.close());

describe('document history', () => {
  it('lists versions newest first, shows the text of each, and restores one', async () => {
    box = await testBox();
    const awa = await box.user('Awa', { 'givors-gavinane': 'member' });
    const moussa = await box.user('Moussa', { 'givors-gavinane': 'member' });
    const texts = ['Ordre du jour :\n- budget\n', 'Ordre du jour :\n- budget\n- kits solaires\n', 'Ordre du jour :\n- kits solaires 😀\n'];
    const start = box.clock.now();
    let doc = (await awa.post(GG, { title: 'Ordre du jour', text: texts[0] })).body;
    box.clock.advance(60_000);
    doc = (await moussa.put(`${GG}/${doc.id}`, { text: texts[1], baseVersion: doc.version })).body;
    box.clock.advance(60_000);
    doc = (await awa.put(`${GG}/${doc.id}`, { text: texts[2], baseVersion: doc.version })).body;

    const history = await moussa.get(`${GG}/${doc.id}/history`);
    expect(history.status).toBe(200);
    const versions = history.body.versions as Array<{ version: number; at: number; byName: string; author: string }>;
    expect(versions.map((v) => [v.byName, v.at])).toEqual([
      ['Awa', start + 120_000],
      ['Moussa', start + 60_000],
      ['Awa', start],
    ]);
    expect(new Set(versions.map((v) => v.author))).toEqual(new Set([box.appliance.services.site.id]));
    expect(versions[0]!.version).toBe(doc.version);
    for (const [i, v] of [...versions].reverse().entries()) {
      const at = await moussa.get(`${GG}/${doc.id}/history/${v.version}`);
      expect(at.status).toBe(200);
      expect(at.body).toMatchObject({ version: v.version, byName: v.byName, text: texts[i] });
    }

    box.clock.advance(60_000);
    const restored = await moussa.post(`${GG}/${doc.id}/history/${versions[1]!.version}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ text: texts[1], updatedBy: 'Moussa', updatedAt: start + 180_000 });
    expect((await awa.get(`${GG}/${doc.id}`)).body.text).toBe(texts[1]);
    const after = (await awa.get(`${GG}/${doc.id}/history`)).body.versions;
    expect(after).toHaveLength(4);
    expect(after[0]).toMatchObject({ byName: 'Moussa', version: restored.body.version });
    // The versions before the restore still read as they did.
    expect((await awa.get(`${GG}/${doc.id}/history/${versions[0]!.version}`)).body.text).toBe(texts[2]);
  });

  it('restores on top of edits made since, and an edit from an old version still merges', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const v1 = (await awa.post(GG, { title: 'Liste', text: 'a\nb\n' })).body;
    const v2 = (await awa.put(`${GG}/${v1.id}`, { text: 'a\nb\nc\n', baseVersion: v1.version })).body;
    // An edit made from v1 by someone who had not seen v2.
    const v3 = (await awa.put(`${GG}/${v1.id}`, { text: 'z\na\nb\n', baseVersion: v1.version })).body;
    expect(v3.text).toBe('z\na\nb\nc\n');
    const back = await awa.post(`${GG}/${v1.id}/history/${v1.version}/restore`);
    expect(back.body.text).toBe('a\nb\n');
    expect(back.body.version).toBeGreaterThan(v3.version);
    // Restoring to what the text already is adds no version.
    const again = await awa.post(`${GG}/${v1.id}/history/${v1.version}/restore`);
    expect(again.body.version).toBe(back.body.version);
    expect((await awa.post(`${GG}/${v1.id}/history/${v2.version + 1000}/restore`)).status).toBe(404);
  });
});
