/**
 * The list's text length is stored with the text (migration 004) instead of counted on
 * every list: it must say what length(text) said, for new texts, edited texts, texts
 * received from elsewhere, and texts written before the migration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testBox, type TestBox } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane';
let box: TestBox;
afterEach(async () => box?.close());

// Accents, a narrow no-break space and an emoji outside the BMP: SQLite's length()
// counts characters (code points), not UTF-16 units nor bytes.
const TEXT = 'Compte rendu : récolte du mil à Gavinané\u202f— très bonne 🌾';
const chars = (s: string) => [...s].length;

describe('document list length', () => {
  it('is the text length in characters, after creating and editing', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const doc = (await awa.post(`${GG}/documents`, { title: 'Récolte', text: TEXT })).body;
    expect(doc.text).toBe(TEXT);
    expect((await awa.get(`${GG}/documents`)).body.documents[0].length).toBe(chars(TEXT));
    const more = `${TEXT}\n\nSuite : 12 sacs.`;
    expect((await awa.put(`${GG}/documents/${doc.id}`, { text: more, baseVersion: doc.version })).status).toBe(200);
    expect((await awa.get(`${GG}/documents`)).body.documents[0].length).toBe(chars(more));
    expect(chars(TEXT)).not.toBe(TEXT.length);
  });

  it('is filled in for documents written before migration 004', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    await awa.post(`${GG}/documents`, { title: 'Récolte', text: TEXT });
    const { db } = box.appliance.services;
    // The table as version 003 left it (no text_length column), then migration 004.
    db.exec('ALTER TABLE doc_states DROP COLUMN text_length');
    db.exec(readFileSync(fileURLToPath(new URL('../../migrations/004_doc_text_length.sql', import.meta.url)), 'utf8'));
    const row = db.prepare('SELECT text_length AS n, length(text) AS m FROM doc_states').get() as { n: number; m: number };
    expect(row.n).toBe(row.m);
    expect(row.n).toBe(chars(TEXT));
  });
});
