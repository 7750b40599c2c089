/**
 * Spaces and roles are held in memory (db/memo.ts): a role given, changed or taken away,
 * a space created or renamed, must count on the very next request.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';
import { REVALIDATE_MS } from '../http/app.js';

let box: TestBox;
afterEach(async () => box?.close());

const DOCS = '/api/v1/spaces/givors-gavinane/documents';
const idOf = async (c: TestClient): Promise<string> => (await c.get('/api/v1/session')).body.account.id;

describe('spaces memo', () => {
  it('a role taken away or lowered counts at once', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const id = await idOf(awa);
    expect((await awa.post(DOCS, { title: 'Compte rendu' })).status).toBe(201);
    expect((await box.admin.put(`/api/v1/spaces/givors-gavinane/roles/${id}`, { role: 'guest' })).status).toBe(200);
    expect((await awa.post(DOCS, { title: 'Encore' })).status).toBe(403);
    expect((await awa.get(DOCS)).status).toBe(200);
    expect((await box.admin.put(`/api/v1/spaces/givors-gavinane/roles/${id}`, { role: null })).status).toBe(200);
    expect((await awa.get(DOCS)).status).toBe(403);
  });

  it('a role given counts at once, and so does membership somewhere for writing the commons', async () => {
    box = await testBox();
    const awa = await box.user('awa');
    const id = await idOf(awa);
    expect((await awa.get(DOCS)).status).toBe(403);
    expect((await awa.post('/api/v1/commons/articles', { title: 'Puits', body: 'Entretien' })).status).toBe(403);
    expect((await box.admin.put(`/api/v1/spaces/givors-gavinane/roles/${id}`, { role: 'member' })).status).toBe(200);
    expect((await awa.get(DOCS)).status).toBe(200);
    expect((await awa.post('/api/v1/commons/articles', { title: 'Puits', body: 'Entretien' })).status).toBe(201);
  });

  it('a space created after a request for it was refused is found', async () => {
    box = await testBox();
    expect((await box.admin.get('/api/v1/spaces/koupela/documents')).status).toBe(404);
    expect((await box.admin.post('/api/v1/spaces', { id: 'koupela', name: 'Koupéla' })).status).toBe(201);
    const me = await idOf(box.admin);
    expect((await box.admin.put(`/api/v1/spaces/koupela/roles/${me}`, { role: 'admin' })).status).toBe(200);
    expect((await box.admin.get('/api/v1/spaces/koupela/documents')).status).toBe(200);
  });

  it('a renamed space is named anew in refusals', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'guest' });
    expect((await awa.post(DOCS, { title: 'x' })).body.error.message).toMatch(/Givors–Gavinané/);
    expect((await box.admin.patch('/api/v1/spaces/givors-gavinane', { name: 'Jumelage' })).status).toBe(200);
    expect((await awa.post(DOCS, { title: 'x' })).body.error.message).toMatch(/« Jumelage »/);
  });

  it('sees a role taken away by another process', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    expect((await awa.get(DOCS)).status).toBe(200);
    const other = new Database(join(box.dir, 'solidaire.db'));
    try {
      other.prepare("DELETE FROM space_roles WHERE space_id = 'givors-gavinane'").run();
    } finally {
      other.close();
    }
    // Seen within REVALIDATE_MS of the box's clock (under load the file is not looked at on every request).
    box.clock.advance(REVALIDATE_MS);
    expect((await awa.get(DOCS)).status).toBe(403);
  });

  it('a role set inside a transaction that rolls back is not kept', async () => {
    box = await testBox();
    const awa = await box.user('awa');
    const id = await idOf(awa);
    const { db, spaces } = box.appliance.services;
    expect(() =>
      db.transaction(() => {
        spaces.setRole(id, 'givors-gavinane', 'admin');
        // Read inside the transaction: the memo must not keep what is not committed.
        expect(spaces.roleOf(id, 'givors-gavinane')).toBe('admin');
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(spaces.roleOf(id, 'givors-gavinane')).toBeUndefined();
    expect((await awa.get(DOCS)).status).toBe(403);
  });
});
