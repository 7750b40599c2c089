import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane';
let box: TestBox;
afterEach(async () => box?.close());

async function setUp(): Promise<{ awa: TestClient; ids: { traore: string; keita: string } }> {
  box = await testBox();
  const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
  const traore = (await awa.post(`${GG}/members`, { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12' })).body.id;
  const keita = (await awa.post(`${GG}/members`, { firstName: 'Moussa', lastName: 'Keïta', joinedOn: '2013-09-01' })).body.id;
  return { awa, ids: { traore, keita } };
}

const counts = () =>
  box.appliance.services.db.prepare("SELECT (SELECT count(*) FROM ops) AS ops, (SELECT count(*) FROM records WHERE coll = 'dues') AS dues").get();

describe('dues', () => {
  it('records, reads, corrects and cancels a payment', async () => {
    const { awa, ids } = await setUp();
    const due = { memberId: ids.traore, year: 2026, amountCents: 2000, paidOn: '2026-01-15', method: 'mobile money' };
    const created = await awa.post(`${GG}/dues`, due);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...due, id: created.body.id });
    const id = created.body.id;
    expect((await awa.get(`${GG}/dues/${id}`)).body.amountCents).toBe(2000);
    expect((await awa.patch(`${GG}/dues/${id}`, { amountCents: 2500, method: 'chèque' })).body).toMatchObject({ amountCents: 2500, method: 'chèque', paidOn: '2026-01-15' });
    expect((await awa.delete(`${GG}/dues/${id}`)).status).toBe(200);
    expect((await awa.get(`${GG}/dues/${id}`)).status).toBe(404);
  });

  it('filters by year and by member', async () => {
    const { awa, ids } = await setUp();
    const pay = (memberId: string, year: number, paidOn: string) => awa.post(`${GG}/dues`, { memberId, year, amountCents: 1500, paidOn, method: 'espèces' });
    await pay(ids.traore, 2025, '2025-02-01');
    await pay(ids.traore, 2026, '2026-02-01');
    await pay(ids.keita, 2026, '2026-01-10');
    const y2026 = (await awa.get(`${GG}/dues?year=2026`)).body.items;
    expect(y2026.map((d: { paidOn: string }) => d.paidOn)).toEqual(['2026-01-10', '2026-02-01']);
    expect((await awa.get(`${GG}/dues?memberId=${ids.traore}`)).body.items).toHaveLength(2);
    expect((await awa.get(`${GG}/dues?year=2026&memberId=${ids.keita}`)).body.items).toHaveLength(1);
    expect((await awa.get(`${GG}/dues?year=deux-mille`)).status).toBe(400);
  });

  it('says who has paid for a year', async () => {
    const { awa, ids } = await setUp();
    await awa.post(`${GG}/dues`, { memberId: ids.traore, year: 2026, amountCents: 1000, paidOn: '2026-01-15', method: 'espèces' });
    await awa.post(`${GG}/dues`, { memberId: ids.traore, year: 2026, amountCents: 1000, paidOn: '2026-06-15', method: 'virement' });
    await awa.post(`${GG}/dues`, { memberId: ids.keita, year: 2025, amountCents: 2000, paidOn: '2025-03-01', method: 'autre' });
    const res = await awa.get(`${GG}/dues-summary?year=2026`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: 2026,
      paidCount: 1,
      unpaidCount: 1,
      members: [
        { memberId: ids.keita, firstName: 'Moussa', lastName: 'Keïta', paid: false, totalCents: 0, payments: 0 },
        { memberId: ids.traore, firstName: 'Awa', lastName: 'Traoré', paid: true, totalCents: 2000, payments: 2 },
      ],
    });
    expect((await awa.get(`${GG}/dues-summary`)).status).toBe(400);
  });

  it('refuses a payment for an unknown or deleted member, writing nothing', async () => {
    const { awa, ids } = await setUp();
    await awa.delete(`${GG}/members/${ids.keita}`);
    const before = counts();
    const unknown = await awa.post(`${GG}/dues`, { memberId: 'personne', year: 2026, amountCents: 2000, paidOn: '2026-01-15', method: 'espèces' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/introuvable/);
    const deleted = await awa.post(`${GG}/dues`, { memberId: ids.keita, year: 2026, amountCents: 2000, paidOn: '2026-01-15', method: 'espèces' });
    expect(deleted.status).toBe(400);
    expect(deleted.body.error.code).toBe('member_deleted');
    expect(counts()).toEqual(before);

    // Moving an existing payment onto a deleted member is refused the same way.
    const id = (await awa.post(`${GG}/dues`, { memberId: ids.traore, year: 2026, amountCents: 2000, paidOn: '2026-01-15', method: 'espèces' })).body.id;
    const after = counts();
    expect((await awa.patch(`${GG}/dues/${id}`, { memberId: ids.keita })).status).toBe(400);
    expect(counts()).toEqual(after);
    expect((await awa.get(`${GG}/dues/${id}`)).body.memberId).toBe(ids.traore);
  });

  it('takes money only as whole cents, and only known methods', async () => {
    const { awa, ids } = await setUp();
    const base = { memberId: ids.traore, year: 2026, amountCents: 2000, paidOn: '2026-01-15', method: 'espèces' };
    for (const bad of [{ amountCents: 20.5 }, { amountCents: -1 }, { amountCents: '2000' }, { method: 'bitcoin' }, { paidOn: '2026-04-31' }, { year: 26 }]) {
      expect((await awa.post(`${GG}/dues`, { ...base, ...bad })).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await awa.post(`${GG}/dues`, { ...base, amountCents: 0 })).status).toBe(201);
  });
});
