import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox } from '../testing/index.js';
import type { Operation } from '../ops/index.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});
async function newBox(seed = 1): Promise<TestBox> {
  const b = await testBox({ seed });
  boxes.push(b);
  return b;
}

const GG = '/api/v1/spaces/givors-gavinane';

/** Every operation of a box, as another box would receive it. */
function opsOf(box: TestBox): Operation[] {
  return box.appliance.services.db
    .prepare<[], Operation & { body: Buffer; sig: Buffer }>('SELECT space, author, seq, hlc, kind, body, sig FROM ops ORDER BY rowid')
    .all()
    .map((r) => ({ ...r, body: new Uint8Array(r.body), sig: new Uint8Array(r.sig) }));
}

describe('threads', () => {
  it('lists threads most recent first and shows replies in order', async () => {
    const box = await newBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const moussa = await box.user('moussa', { 'givors-gavinane': 'admin' });

    const t1 = await awa.post(`${GG}/threads`, { subject: '  Rentrée scolaire  ', body: 'Les fournitures sont arrivées.' });
    expect(t1.status).toBe(201);
    expect(t1.body.thread).toMatchObject({ id: t1.body.message.id, subject: 'Rentrée scolaire', count: 1, lastBy: 'awa', fromSpace: null });
    expect(t1.body.message).toMatchObject({ thread: t1.body.message.id, body: 'Les fournitures sont arrivées.', byName: 'awa', at: box.clock.now() });
    box.clock.advance(60_000);
    const t2 = await moussa.post(`${GG}/threads`, { subject: 'Panneaux solaires', body: 'Devis reçu.' });
    box.clock.advance(60_000);
    const id1 = t1.body.thread.id as string;
    const r1 = await moussa.post(`${GG}/threads/${id1}/messages`, { body: 'Merci Awa !' });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ thread: id1, subject: null, byName: 'moussa', body: 'Merci Awa !' });
    box.clock.advance(60_000);
    await awa.post(`${GG}/threads/${id1}/messages`, { body: 'Avec plaisir.' });

    const list = await awa.get(`${GG}/threads`);
    expect(list.status).toBe(200);
    expect(list.body.threads.map((t: { id: string }) => t.id)).toEqual([id1, t2.body.thread.id]);
    expect(list.body.threads[0]).toEqual({
      id: id1,
      subject: 'Rentrée scolaire',
      lastAt: box.clock.now(),
      lastBy: 'awa',
      count: 3,
      fromSpace: null,
    });

    const thread = await moussa.get(`${GG}/threads/${id1}`);
    expect(thread.status).toBe(200);
    expect(thread.body.subject).toBe('Rentrée scolaire');
    expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual(['Les fournitures sont arrivées.', 'Merci Awa !', 'Avec plaisir.']);

    // Threads belong to their space.
    expect((await box.admin.get(`/api/v1/spaces/commons/threads`)).body.threads).toEqual([]);
  });

  it('keeps messages in clock order even when posted within the same millisecond', async () => {
    const box = await newBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const t = await awa.post(`${GG}/threads`, { subject: 'Vite', body: '1' });
    for (const body of ['2', '3', '4']) await awa.post(`${GG}/threads/${t.body.thread.id}/messages`, { body });
    const thread = await awa.get(`${GG}/threads/${t.body.thread.id}`);
    expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual(['1', '2', '3', '4']);
  });

  it('says in French when a thread is unknown, and writes nothing', async () => {
    const box = await newBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const get = await awa.get(`${GG}/threads/nope`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('not_found');
    expect(get.body.error.message).toMatch(/discussion « nope » est introuvable/);
    const reply = await awa.post(`${GG}/threads/nope/messages`, { body: 'Allô ?' });
    expect(reply.status).toBe(404);
    // A thread of another space is unknown here too.
    const other = await awa.post('/api/v1/spaces/commons/threads', { subject: 'Commun', body: 'Bonjour à tous' });
    expect(other.status).toBe(201);
    expect((await awa.post(`${GG}/threads/${other.body.thread.id}/messages`, { body: 'ici ?' })).status).toBe(404);
    expect((await awa.get(`${GG}/threads/${other.body.thread.id}`)).status).toBe(404);
    const n = box.appliance.services.db.prepare("SELECT count(*) AS n FROM ops WHERE space = 'givors-gavinane'").get();
    expect(n).toEqual({ n: 0 });
  });

  it('refuses empty, blank, oversize and malformed bodies with a 400', async () => {
    const box = await newBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const bad = [
      {},
      { subject: 'Objet' },
      { subject: '   ', body: 'x' },
      { subject: 'Objet', body: '  \n ' },
      { subject: 'x'.repeat(201), body: 'x' },
      { subject: 'Objet', body: 'x'.repeat(20_001) },
      { subject: 42, body: 'x' },
      { subject: 'Objet', body: ['x'] },
    ];
    for (const b of bad) {
      const res = await awa.post(`${GG}/threads`, b);
      expect(res.status, JSON.stringify(b).slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    const blank = await awa.post(`${GG}/threads`, { subject: 'Objet', body: ' ' });
    expect(blank.body.error.message).toMatch(/le message est vide/);
    expect((await awa.post(`${GG}/threads`, '{"subject":', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await awa.post(`${GG}/threads`, { subject: 'x'.repeat(200), body: 'é'.repeat(20_000) })).status).toBe(201);
    const t = (await awa.get(`${GG}/threads`)).body.threads;
    expect(t).toHaveLength(1);
    expect((await awa.post(`${GG}/threads/${t[0].id}/messages`, { body: '' })).status).toBe(400);
    expect((await awa.post(`${GG}/threads/${t[0].id}/messages`, { body: 'x'.repeat(20_001) })).status).toBe(400);
    expect((await awa.get(`${GG}/threads/${t[0].id}`)).body.messages).toHaveLength(1);
  });
});

describe('messages in the OpenAPI document', () => {
  it('describes every route of the room from its schemas', async () => {
    const box = await newBox();
    const doc = (await box.admin.get('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/v1/spaces/{space}/threads'])).toEqual(['get', 'post']);
    expect(doc.paths['/api/v1/spaces/{space}/threads/{id}'].get).toBeDefined();
    expect(doc.paths['/api/v1/spaces/{space}/threads/{id}/messages'].post).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/spaces/{space}/outbox'])).toEqual(['get', 'post']);
    expect(doc.components.schemas.NewThread.properties.body.maxLength).toBe(20_000);
  });
});

describe('threads between two boxes', () => {
  it('shows a message carried from box A to box B exactly once, even if received twice', async () => {
    const a = await newBox(1);
    const b = await newBox(2);
    expect(a.appliance.services.log.siteId).not.toBe(b.appliance.services.log.siteId);
    const awa = await a.user('awa', { 'givors-gavinane': 'member' });
    const fanta = await b.user('fanta', { 'givors-gavinane': 'member' });

    const t = await awa.post(`${GG}/threads`, { subject: 'Depuis Givors', body: 'Bonjour Gavinané' });
    const thread = t.body.thread.id as string;
    const [op] = opsOf(a);
    expect(b.appliance.services.log.receive(op!)).toBe(true);
    expect(b.appliance.services.log.receive(op!)).toBe(false);

    const seen = await fanta.get(`${GG}/threads`);
    expect(seen.body.threads).toEqual([{ id: thread, subject: 'Depuis Givors', lastAt: a.clock.now(), lastBy: 'awa', count: 1, fromSpace: null }]);

    // B answers later; carried back, both boxes show the same thread in the same order.
    b.clock.advance(5_000);
    expect((await fanta.post(`${GG}/threads/${thread}/messages`, { body: 'Bien reçu, merci' })).status).toBe(201);
    for (const op of opsOf(b)) a.appliance.services.log.receive(op);
    for (const op of opsOf(b)) a.appliance.services.log.receive(op);
    const onA = await awa.get(`${GG}/threads/${thread}`);
    const onB = await fanta.get(`${GG}/threads/${thread}`);
    expect(onA.body.messages.map((m: { body: string }) => m.body)).toEqual(['Bonjour Gavinané', 'Bien reçu, merci']);
    expect(onA.body).toEqual(onB.body);
    expect(onA.body.messages[0].site).toBe(a.appliance.services.log.siteId);
    expect(onA.body.messages[1].site).toBe(b.appliance.services.log.siteId);
  });

  it('lists a reply that arrived before its first message, without a subject yet', async () => {
    const a = await newBox(1);
    const b = await newBox(2);
    const awa = await a.user('awa', { 'givors-gavinane': 'member' });
    const fanta = await b.user('fanta', { 'givors-gavinane': 'member' });
    const t = await awa.post(`${GG}/threads`, { subject: 'Ordre', body: 'premier' });
    const thread = t.body.thread.id as string;
    const c = await newBox(3);
    // B gets the first message, answers; C gets only the answer, then the first message.
    b.appliance.services.log.receive(opsOf(a)[0]!);
    b.clock.advance(1_000);
    await fanta.post(`${GG}/threads/${thread}/messages`, { body: 'second' });
    const answer = opsOf(b).find((o) => o.author === b.appliance.services.log.siteId)!;
    c.appliance.services.log.receive(answer);
    const zoe = await c.user('zoe', { 'givors-gavinane': 'guest' });
    expect((await zoe.get(`${GG}/threads`)).body.threads).toMatchObject([{ id: thread, subject: null, count: 1 }]);
    c.appliance.services.log.receive(opsOf(a)[0]!);
    expect((await zoe.get(`${GG}/threads`)).body.threads).toMatchObject([{ id: thread, subject: 'Ordre', count: 2, lastBy: 'fanta' }]);
    expect((await zoe.get(`${GG}/threads/${thread}`)).body.messages.map((m: { body: string }) => m.body)).toEqual(['premier', 'second']);
  });
});
