import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane/documents';
let box: TestBox;
afterEach(async () => box?.close());

type Call = [method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown];

/** Every documents route, on a real document and version, and on an id that does not exist. */
function routes(id: string, version: number): { reads: Call[]; writes: Call[] } {
  return {
    reads: [
      ['get', GG],
      ['get', `${GG}/${id}`],
      ['get', `${GG}/${id}/history`],
      ['get', `${GG}/${id}/history/${version}`],
      ['get', `${GG}/inconnu/history`],
    ],
    writes: [
      ['post', GG, { title: 'Intrus', text: 'x' }],
      ['put', `${GG}/${id}`, { title: 'Intrus', text: 'x', baseVersion: version }],
      ['post', `${GG}/${id}/history/${version}/restore`],
      ['delete', `${GG}/${id}`],
      ['put', `${GG}/inconnu`, { text: 'x', baseVersion: 0 }],
    ],
  };
}

async function call(client: TestClient, [method, path, body]: Call) {
  return method === 'get' ? client.get(path) : client[method](path, body);
}

async function setUp() {
  box = await testBox();
  const awa = await box.user('awa', { 'givors-gavinane': 'member' });
  let doc = (await awa.post(GG, { title: 'Budget', text: 'Recettes : 1 500 €\n' })).body;
  const first = doc.version as number;
  doc = (await awa.put(`${GG}/${doc.id}`, { text: 'Recettes : 1 600 €\n', baseVersion: doc.version })).body;
  return { awa, id: doc.id as string, first, before: doc };
}

describe('documents access', () => {
  it('forbids every route to a member of another association, and leaks nothing', async () => {
    const { awa, id, first, before } = await setUp();
    const claire = await box.user('claire', { 'secours-populaire': 'admin' });
    const { reads, writes } = routes(id, first);
    for (const c of [...reads, ...writes]) {
      const res = await call(claire, c);
      expect(res.status, `${c[0]} ${c[1]}`).toBe(403);
      expect(res.text).not.toContain('Recettes');
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await awa.get(`${GG}/${id}`)).body).toEqual(before);
    expect((await awa.get(GG)).body.documents).toHaveLength(1);
  });

  it('forbids everything to someone not logged in, and the box admin reads no association work', async () => {
    const { id, first } = await setUp();
    const { reads, writes } = routes(id, first);
    const boxAdminReads = await call(box.admin, reads[1]!);
    expect(boxAdminReads.status).toBe(403);
    await box.admin.delete('/api/v1/session');
    for (const c of [...reads, ...writes]) expect((await call(box.admin, c)).status, `${c[0]} ${c[1]}`).toBe(401);
  });

  it('lets a guest read every version but change nothing', async () => {
    const { awa, id, first, before } = await setUp();
    const guest = await box.user('invite', { 'givors-gavinane': 'guest' });
    const { reads, writes } = routes(id, first);
    for (const c of reads.slice(0, 4)) expect((await call(guest, c)).status, `${c[0]} ${c[1]}`).toBe(200);
    expect((await guest.get(`${GG}/${id}/history/${first}`)).body.text).toBe('Recettes : 1 500 €\n');
    for (const c of writes) {
      const res = await call(guest, c);
      expect(res.status, `${c[0]} ${c[1]}`).toBe(403);
      expect(res.body.error.message).toMatch(/lecture/);
    }
    expect((await awa.get(`${GG}/${id}`)).body).toEqual(before);
    expect((await awa.get(`${GG}/${id}/history`)).body.versions).toHaveLength(2);
  });
});
