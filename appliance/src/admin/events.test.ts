import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox } from '../testing/index.js';

const GG = '/api/v1/spaces/givors-gavinane';
let box: TestBox;
afterEach(async () => box?.close());

const ag = { title: 'Assemblée générale', startsAt: '2026-12-05T14:00:00+01:00', endsAt: '2026-12-05T17:00:00+01:00', place: 'Salle Rosa Parks, Givors' };

describe('agenda', () => {
  it('lets members write, guests read, and keeps ends after starts', async () => {
    box = await testBox();
    const moussa = await box.user('moussa', { 'givors-gavinane': 'member' });
    const guest = await box.user('invite', { 'givors-gavinane': 'guest' });
    const created = await moussa.post(`${GG}/events`, ag);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...ag, id: created.body.id, description: '' });
    const id = created.body.id;

    expect((await guest.get(`${GG}/events/${id}`)).body.title).toBe('Assemblée générale');
    expect((await guest.get(`${GG}/events`)).body.items).toHaveLength(1);
    expect((await guest.post(`${GG}/events`, ag)).status).toBe(403);
    expect((await guest.patch(`${GG}/events/${id}`, { title: 'Piraté' })).status).toBe(403);

    const early = await moussa.patch(`${GG}/events/${id}`, { endsAt: '2026-12-05T13:00:00+01:00' });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/finit avant/);
    expect((await moussa.post(`${GG}/events`, { ...ag, endsAt: '2026-12-05T12:59:59Z' })).status).toBe(400);
    // 17:00 at Givors (UTC+1) is 16:00 at Nioro (UTC+0): same instant, so a zero-length event is fine.
    expect((await moussa.post(`${GG}/events`, { ...ag, startsAt: '2026-12-05T16:00:00Z', endsAt: '2026-12-05T17:00:00+01:00' })).status).toBe(201);
    for (const bad of ['2026-12-05', '2026-12-05T25:00:00Z', '2026-02-30T10:00:00Z', '2026-12-05T14:00:00']) {
      expect((await moussa.post(`${GG}/events`, { ...ag, startsAt: bad })).status, bad).toBe(400);
    }

    const moved = await moussa.patch(`${GG}/events/${id}`, { startsAt: '2026-12-06T09:00:00+01:00', endsAt: '2026-12-06T12:00:00+01:00' });
    expect(moved.status).toBe(200);
    expect((await moussa.delete(`${GG}/events/${id}`)).status).toBe(200);
    expect((await guest.get(`${GG}/events/${id}`)).status).toBe(404);
  });

  it('lists the events that touch a period, by start time across time zones', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'admin' });
    const add = (title: string, startsAt: string, endsAt: string) => awa.post(`${GG}/events`, { title, startsAt, endsAt });
    await add('Fin', '2026-12-20T09:00:00Z', '2026-12-20T10:00:00Z');
    await add('Nioro', '2026-12-12T09:30:00Z', '2026-12-12T10:00:00Z');
    await add('Givors', '2026-12-12T10:00:00+01:00', '2026-12-12T11:00:00+01:00'); // 09:00 UTC
    await add('Stage', '2026-11-28T09:00:00Z', '2026-12-02T17:00:00Z');
    const titles = async (q: string) => (await awa.get(`${GG}/events${q}`)).body.items.map((e: { title: string }) => e.title);
    expect(await titles('')).toEqual(['Stage', 'Givors', 'Nioro', 'Fin']);
    expect(await titles('?from=2026-12-01&to=2026-12-12')).toEqual(['Stage', 'Givors', 'Nioro']);
    expect(await titles('?from=2026-12-12T09:45:00Z')).toEqual(['Givors', 'Nioro', 'Fin']);
    expect(await titles('?to=2026-11-30')).toEqual(['Stage']);
    expect((await awa.get(`${GG}/events?from=hier`)).status).toBe(400);
  });
});
