import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';
import type { Operation } from '../ops/index.js';

const GG = '/api/v1/spaces/givors-gavinane';
const boxes: TestBox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.close()));
});

async function committee(seed = 1): Promise<{ box: TestBox; awa: TestClient }> {
  const box = await testBox({ seed });
  boxes.push(box);
  return { box, awa: await box.user('awa', { 'givors-gavinane': 'admin' }) };
}

/** Hand every operation of one box to another, as sync or a USB bundle would. */
function ship(from: TestBox, to: TestBox): void {
  const rows = from.appliance.services.db
    .prepare<[], Operation & { body: Buffer; sig: Buffer }>('SELECT space, author, seq, hlc, kind, body, sig FROM ops ORDER BY rowid')
    .all();
  for (const r of rows) to.appliance.services.log.receive({ ...r, body: new Uint8Array(r.body), sig: new Uint8Array(r.sig) });
}

const awaTraore = { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12', role: 'présidente', email: 'awa@example.org' };

describe('members', () => {
  it('creates, reads, patches and deletes a member', async () => {
    const { awa } = await committee();
    const created = await awa.post(`${GG}/members`, awaTraore);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...awaTraore, id: created.body.id, phone: null, town: null, notes: '' });
    const id = created.body.id as string;

    expect((await awa.get(`${GG}/members/${id}`)).body.lastName).toBe('Traoré');
    const patched = await awa.patch(`${GG}/members/${id}`, { town: 'Givors', email: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ town: 'Givors', email: null, firstName: 'Awa' });

    expect((await awa.delete(`${GG}/members/${id}`)).status).toBe(200);
    expect((await awa.get(`${GG}/members/${id}`)).status).toBe(404);
    expect((await awa.patch(`${GG}/members/${id}`, { town: 'Youri' })).status).toBe(404);
    expect((await awa.delete(`${GG}/members/${id}`)).status).toBe(404);
    expect((await awa.get(`${GG}/members`)).body.items).toEqual([]);
  });

  it('lists by last name in French order', async () => {
    const { awa } = await committee();
    for (const lastName of ['Zongo', 'Écho', 'diarra', 'Eboué', 'Keïta', 'Dubois']) {
      expect((await awa.post(`${GG}/members`, { firstName: 'X', lastName, joinedOn: '2020-01-01' })).status).toBe(201);
    }
    const names = (await awa.get(`${GG}/members`)).body.items.map((m: { lastName: string }) => m.lastName);
    expect(names).toEqual(['diarra', 'Dubois', 'Eboué', 'Écho', 'Keïta', 'Zongo']);
  });

  it('refuses bad input with a 400 in words and writes nothing', async () => {
    const { box, awa } = await committee();
    const ops = () => box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get();
    const before = ops();
    for (const bad of [
      { ...awaTraore, joinedOn: '2026-02-29' },
      { ...awaTraore, joinedOn: '12/03/2011' },
      { ...awaTraore, lastName: '   ' },
      { ...awaTraore, email: 'pas-une-adresse' },
      { ...awaTraore, firstName: 'a'.repeat(101) },
      { ...awaTraore, extra: 1 },
    ]) {
      const res = await awa.post(`${GG}/members`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.message.length).toBeGreaterThan(5);
    }
    const id = (await awa.post(`${GG}/members`, awaTraore)).body.id;
    expect((await awa.patch(`${GG}/members/${id}`, {})).status).toBe(400);
    expect((await awa.patch(`${GG}/members/${id}`, { joinedOn: '2011-13-01' })).status).toBe(400);
    expect(ops()).toEqual({ n: (before as { n: number }).n + 1 });
  });

  it('writes only the fields sent, so a whole form does not undo a concurrent change', async () => {
    const { box, awa } = await committee();
    const id = (await awa.post(`${GG}/members`, awaTraore)).body.id;
    const before = box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number };
    const same = await awa.patch(`${GG}/members/${id}`, { firstName: 'Awa', lastName: 'Traoré' });
    expect(same.status).toBe(200);
    expect(box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get()).toEqual(before);
  });
});

describe('members: last writer wins per field', () => {
  it('keeps two concurrent edits of different fields made on two boxes', async () => {
    const a = await committee(1);
    const b = await committee(2);
    const id = (await a.awa.post(`${GG}/members`, awaTraore)).body.id;
    ship(a.box, b.box);
    expect((await b.awa.patch(`${GG}/members/${id}`, { phone: '+223 76 00 00 00' })).status).toBe(200);
    expect((await a.awa.patch(`${GG}/members/${id}`, { town: 'Nioro du Sahel' })).status).toBe(200);
    ship(a.box, b.box);
    ship(b.box, a.box);
    for (const { awa } of [a, b]) {
      expect((await awa.get(`${GG}/members/${id}`)).body).toMatchObject({ phone: '+223 76 00 00 00', town: 'Nioro du Sahel', role: 'présidente' });
    }
  });

  it('gives one field to the later writer, whatever order the edits arrive in', async () => {
    const a = await committee(1);
    const b = await committee(2);
    const id = (await a.awa.post(`${GG}/members`, awaTraore)).body.id;
    ship(a.box, b.box);
    a.box.clock.advance(60_000);
    expect((await a.awa.patch(`${GG}/members/${id}`, { town: 'Youri' })).status).toBe(200);
    // Box b writes later; its edit reaches a after a's own, and still wins there.
    b.box.clock.advance(120_000);
    expect((await b.awa.patch(`${GG}/members/${id}`, { town: 'Koupéla' })).status).toBe(200);
    ship(b.box, a.box);
    ship(a.box, b.box);
    for (const { awa } of [a, b]) expect((await awa.get(`${GG}/members/${id}`)).body.town).toBe('Koupéla');

    // Now the earlier edit is the one that arrives last: it loses.
    a.box.clock.advance(300_000);
    b.box.clock.advance(100_000);
    expect((await a.awa.patch(`${GG}/members/${id}`, { role: 'trésorière' })).status).toBe(200);
    expect((await b.awa.patch(`${GG}/members/${id}`, { role: 'secrétaire' })).status).toBe(200);
    ship(b.box, a.box);
    ship(a.box, b.box);
    for (const { awa } of [a, b]) expect((await awa.get(`${GG}/members/${id}`)).body.role).toBe('trésorière');
  });
});
