/**
 * Who reaches the admin routes: another association's admin gets 403 on every one of
 * them (walked from the app's own route table), a member reads the member list but not
 * the accounts, a guest reads the agenda only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiRoutes, fillPath, testBox, type TestBox } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane';
let box: TestBox;
afterEach(async () => box?.close());

/** A patch that changes one field. */
const firstField = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).slice(0, 1));

const ADMIN_PATH = /^\/api\/v1\/spaces\/:space\/(members|dues|ledger|events)(\.csv|-summary|\/|$)/;

describe('admin access', () => {
  it("refuses another association's admin on every admin route, and leaks nothing", async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    const claire = await box.user('claire', { 'secours-populaire': 'admin' });
    const member = (await awa.post(`${GG}/members`, { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12', notes: 'secret-du-comite' })).body.id;
    const ids: Record<string, string> = {
      members: member,
      dues: (await awa.post(`${GG}/dues`, { memberId: member, year: 2026, amountCents: 2000, paidOn: '2026-01-15', method: 'espèces' })).body.id,
      ledger: (await awa.post(`${GG}/ledger`, { date: '2026-01-15', label: 'secret-du-comite', amountCents: 4000, direction: 'receipt' })).body.id,
      events: (await awa.post(`${GG}/events`, { title: 'secret-du-comite', startsAt: '2026-12-05T14:00:00Z', endsAt: '2026-12-05T15:00:00Z' })).body.id,
    };
    // Valid bodies, so a refusal can only come from the access check.
    const bodies: Record<string, Record<string, unknown>> = {
      members: { firstName: 'Intrus', lastName: 'Intrus', joinedOn: '2026-01-01' },
      dues: { memberId: member, year: 2026, amountCents: 1, paidOn: '2026-01-15', method: 'autre' },
      ledger: { date: '2026-01-15', label: 'Intrus', amountCents: 1, direction: 'expense' },
      events: { title: 'Intrus', startsAt: '2026-12-05T14:00:00Z', endsAt: '2026-12-05T15:00:00Z' },
    };
    const ops = () => box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get();
    const before = ops();
    const routes = apiRoutes(box.appliance).filter((r) => ADMIN_PATH.test(r.path));
    expect(routes.length).toBe(4 * 5 + 3); // five per collection, dues summary, two CSVs
    for (const route of routes) {
      const coll = ADMIN_PATH.exec(route.path)![1]!;
      const path = fillPath(route, { space: 'givors-gavinane', id: ids[coll]! }) + (route.path.endsWith('-summary') ? '?year=2026' : '');
      const body = route.method === 'PATCH' ? firstField(bodies[coll]!) : bodies[coll];
      const res = await claire.request(route.method, path, route.method === 'POST' || route.method === 'PATCH' ? body : undefined);
      expect(res.status, `${route.method} ${path}`).toBe(403);
      expect(res.text).not.toContain('secret-du-comite');
      expect(res.text).not.toContain('Traoré');
    }
    expect(ops()).toEqual(before);
  });

  it('lets a member read the member list but not the dues or the ledger', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    const moussa = await box.user('moussa', { 'givors-gavinane': 'member' });
    const guest = await box.user('invite', { 'givors-gavinane': 'guest' });
    const id = (await awa.post(`${GG}/members`, { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12' })).body.id;

    expect((await moussa.get(`${GG}/members`)).body.items).toHaveLength(1);
    expect((await moussa.get(`${GG}/members/${id}`)).status).toBe(200);
    expect((await moussa.get(`${GG}/members.csv`)).status).toBe(200);
    expect((await moussa.post(`${GG}/members`, { firstName: 'M', lastName: 'K', joinedOn: '2020-01-01' })).status).toBe(403);
    expect((await moussa.patch(`${GG}/members/${id}`, { town: 'Youri' })).status).toBe(403);
    expect((await moussa.delete(`${GG}/members/${id}`)).status).toBe(403);
    for (const path of ['/ledger', '/ledger.csv', '/dues', '/dues-summary?year=2026']) {
      const res = await moussa.get(`${GG}${path}`);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await moussa.post(`${GG}/ledger`, { date: '2026-01-15', label: 'x', amountCents: 1, direction: 'expense' })).status).toBe(403);

    expect((await guest.get(`${GG}/members`)).status).toBe(403);
    expect((await guest.get(`${GG}/members.csv`)).status).toBe(403);
    expect((await guest.get(`${GG}/events`)).status).toBe(200);
    // The box admin manages spaces but reads no association's members without a role.
    expect((await box.admin.get(`${GG}/members`)).status).toBe(403);
  });
});
