import { afterEach, describe, expect, it } from 'vitest';
import { testBox, TestClient, type TestBox } from '../testing/index.js';

let box: TestBox;
afterEach(async () => box?.close());

const GG = '/api/v1/spaces/givors-gavinane/files';
const octets = { 'content-type': 'application/octet-stream' };

describe('path tricks', () => {
  const names = ['', '.', '..', '../../etc/passwd', 'a/b', '/etc/passwd', '..\\..\\boot.ini', 'x\u0000y', 'x\ny', 'x\ry', 'facture\u202Efdp.exe', 'CON', 'nul.txt', 'x'.repeat(256), 'é'.repeat(128), 'point.'];
  const folders = ['/', '/etc', '..', '../x', 'a/../b', 'a/./b', 'a//b', 'a/', 'a\\b', 'a/\u0001', 'a/AUX'];

  it('refuses every trick in a name or folder, on upload and on rename, in French, storing nothing', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const ok = await awa.post(`${GG}?name=ok.txt`, new Uint8Array([1]), octets);
    expect(ok.status).toBe(201);
    const tries: Array<() => Promise<{ status: number; body: any }>> = [
      ...names.map((n) => () => awa.post(`${GG}?name=${encodeURIComponent(n)}`, new Uint8Array([1]), octets)),
      ...folders.map((f) => () => awa.post(`${GG}?name=ok.txt&folder=${encodeURIComponent(f)}`, new Uint8Array([1]), octets)),
      ...names.map((n) => () => awa.patch(`${GG}/${ok.body.id}`, { name: n })),
      ...folders.map((f) => () => awa.patch(`${GG}/${ok.body.id}`, { folder: f })),
      ...folders.map((f) => () => awa.get(`${GG}?folder=${encodeURIComponent(f)}`)),
    ];
    for (const attempt of tries) {
      const res = await attempt();
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/^invalid_(file_name|folder|input)$/);
      expect(res.body.error.message).toMatch(/nom|dossier|Donnée/);
    }
    // A query without a name at all is refused by the schema.
    expect((await awa.post(GG, new Uint8Array([1]), octets)).status).toBe(400);
    const list = await awa.get(GG);
    expect(list.body.files).toHaveLength(1);
    expect(list.body.files[0]).toMatchObject({ name: 'ok.txt', folder: '' });
    const ops = box.appliance.services.db.prepare("SELECT count(*) AS n FROM ops WHERE space = 'givors-gavinane'").get() as { n: number };
    expect(ops.n).toBe(1);
  });

  it('stores names in NFC', async () => {
    box = await testBox();
    const res = await box.admin.post(`/api/v1/spaces/commons/files?name=${encodeURIComponent('e\u0301te\u0301.txt')}&folder=${encodeURIComponent('Re\u0301unions')}`, new Uint8Array([1]), octets);
    expect(res.status).toBe(201);
    expect([res.body.name, res.body.folder]).toEqual(['été.txt', 'Réunions']);
  });
});

describe('access', () => {
  async function setUp() {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const file = await awa.post(`${GG}?name=budget.ods`, new Uint8Array([1, 2, 3]), octets);
    expect(file.status).toBe(201);
    const id = file.body.id as string;
    const every = (c: TestClient) => [
      () => c.get(GG),
      () => c.post(`${GG}?name=intrus.txt`, new Uint8Array([4]), octets),
      () => c.get(`${GG}/${id}`),
      () => c.patch(`${GG}/${id}`, { name: 'vole.ods' }),
      () => c.delete(`${GG}/${id}`),
      () => c.get(`${GG}/${id}/content`),
      () => c.get(`${GG}/${id}/content`, { range: 'bytes=0-0' }),
    ];
    return { awa, id, every };
  }

  it('a member of another association gets 403 on every route, and changes nothing', async () => {
    const { awa, id, every } = await setUp();
    const bob = await box.user('bob', { 'secours-populaire': 'admin' });
    for (const call of every(bob)) {
      const res = await call();
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.text).not.toContain('budget');
    }
    // Nor does the box admin, who has no role in the association.
    for (const call of every(box.admin)) expect((await call()).status).toBe(403);
    const after = await awa.get(`${GG}/${id}`);
    expect(after.body.name).toBe('budget.ods');
    expect((await awa.get(GG)).body.files).toHaveLength(1);
  });

  it('a guest reads and downloads but cannot upload, rename or delete', async () => {
    const { id, every } = await setUp();
    const guest = await box.user('invite', { 'givors-gavinane': 'guest' });
    const statuses = [];
    for (const call of every(guest)) statuses.push((await call()).status);
    expect(statuses).toEqual([200, 403, 200, 403, 403, 200, 206]);
    expect((await guest.get(`${GG}/${id}`)).body.name).toBe('budget.ods');
  });

  it('without a session: 401 everywhere', async () => {
    const { every } = await setUp();
    const nobody = new TestClient(box.appliance);
    for (const call of every(nobody)) expect((await call()).status).toBe(401);
  });

  it('describes the routes in the OpenAPI document', async () => {
    box = await testBox();
    const doc = await box.admin.get('/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/spaces/{space}/files', '/api/v1/spaces/{space}/files/{id}', '/api/v1/spaces/{space}/files/{id}/content']));
    expect(doc.body.paths['/api/v1/spaces/{space}/files'].post.requestBody.content).toHaveProperty('application/octet-stream');
  });
});
