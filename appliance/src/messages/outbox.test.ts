import { afterEach, describe, expect, it } from 'vitest';
import { apiRoutes, fillPath, testBox, TestClient, type TestBox } from '../testing/index.js';
import type { Operation } from '../ops/index.js';
import { messagingOf } from './index.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});
async function newBox(opts: Parameters<typeof testBox>[0] = {}): Promise<TestBox> {
  const b = await testBox(opts);
  boxes.push(b);
  return b;
}

const SP = '/api/v1/spaces/secours-populaire';
const GG = '/api/v1/spaces/givors-gavinane';
const KP = '/api/v1/spaces/comite-koupela';

function opsIn(box: TestBox, space: string): Operation[] {
  return box.appliance.services.db
    .prepare<[string], Operation & { body: Buffer; sig: Buffer }>('SELECT space, author, seq, hlc, kind, body, sig FROM ops WHERE space = ? ORDER BY rowid')
    .all(space)
    .map((r) => ({ ...r, body: new Uint8Array(r.body), sig: new Uint8Array(r.sig) }));
}

describe('outbox', () => {
  it('holds a message to a space hosted elsewhere, unreadable here, until sync carries it', async () => {
    const a = await newBox({ seed: 1 });
    const lucie = await a.user('lucie', { 'secours-populaire': 'member' });
    const sent = await lucie.post(`${SP}/outbox`, { to: 'comite-koupela', subject: 'Colis scolaire', body: 'Le colis part lundi.' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ to: 'comite-koupela', subject: 'Colis scolaire', body: 'Le colis part lundi.', byName: 'lucie', at: a.clock.now(), status: 'pending' });

    // Stored in the op log of the target space, materialised nowhere.
    expect(opsIn(a, 'comite-koupela')).toHaveLength(1);
    expect(a.appliance.services.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    // No route of this box shows it, not even to the box admin.
    const admin = a.admin;
    for (const [method, path] of [
      ['GET', `${KP}/threads`],
      ['GET', `${KP}/threads/${sent.body.id}`],
      ['GET', `${KP}/outbox`],
      ['POST', `${KP}/threads/${sent.body.id}/messages`],
    ] as const) {
      for (const who of [lucie, admin]) {
        const res = await who.request(method, path, method === 'POST' ? { body: 'x' } : undefined);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.text).not.toContain('Le colis part');
      }
    }
    for (const path of [`${SP}/threads`, `${GG}/threads`, '/api/v1/spaces/commons/threads']) {
      expect((await admin.get(path)).text).not.toContain('Colis scolaire');
    }
    const pending = await lucie.get(`${SP}/outbox`);
    expect(pending.body.messages).toMatchObject([{ id: sent.body.id, to: 'comite-koupela', status: 'pending' }]);

    // Carried to Koupéla's box, it shows up there once, as coming from Secours populaire.
    const k = await newBox({ seed: 2, spaces: [{ id: 'comite-koupela', name: 'Comité de Koupéla' }] });
    const issa = await k.user('issa', { 'comite-koupela': 'member' });
    for (const op of opsIn(a, 'comite-koupela')) {
      expect(k.appliance.services.log.receive(op)).toBe(true);
      expect(k.appliance.services.log.receive(op)).toBe(false);
    }
    const there = await issa.get(`${KP}/threads`);
    expect(there.body.threads).toEqual([
      { id: sent.body.id, subject: 'Colis scolaire', lastAt: a.clock.now(), lastBy: 'lucie', count: 1, fromSpace: 'secours-populaire' },
    ]);
    expect((await issa.post(`${KP}/threads/${sent.body.id}/messages`, { body: 'Merci !' })).status).toBe(201);

    // The sync layer, learning that a Koupéla host holds the op, marks it delivered.
    const outbox = messagingOf(a.appliance.services).outbox;
    outbox.markDelivered('comite-koupela', 1);
    outbox.markDelivered('comite-koupela', 0); // a stale report never moves it back
    expect((await lucie.get(`${SP}/outbox`)).body.messages).toMatchObject([{ id: sent.body.id, status: 'delivered' }]);
    a.clock.advance(1_000);
    await lucie.post(`${SP}/outbox`, { to: 'comite-koupela', subject: 'Deuxième', body: 'Et un autre.' });
    expect((await lucie.get(`${SP}/outbox`)).body.messages.map((m: { subject: string; status: string }) => [m.subject, m.status])).toEqual([
      ['Deuxième', 'pending'],
      ['Colis scolaire', 'delivered'],
    ]);
  });

  it('delivers at once to a space this box hosts, where it shows with fromSpace', async () => {
    const box = await newBox();
    const lucie = await box.user('lucie', { 'secours-populaire': 'member' });
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const first = await lucie.post(`${SP}/outbox`, { to: 'givors-gavinane', subject: 'Collecte', body: 'Nous avons 40 cahiers pour Gavinané.' });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('delivered');
    box.clock.advance(1_000);
    const second = await lucie.post(`${SP}/outbox`, { to: 'commons', subject: 'Annonce', body: 'Permanence samedi.' });
    expect(second.body.status).toBe('delivered');

    const threads = await awa.get(`${GG}/threads`);
    expect(threads.body.threads).toEqual([
      { id: first.body.id, subject: 'Collecte', lastAt: first.body.at, lastBy: 'lucie', count: 1, fromSpace: 'secours-populaire' },
    ]);
    const thread = await awa.get(`${GG}/threads/${first.body.id}`);
    expect(thread.body).toMatchObject({ subject: 'Collecte', fromSpace: 'secours-populaire', messages: [{ fromSpace: 'secours-populaire', body: 'Nous avons 40 cahiers pour Gavinané.' }] });
    expect((await awa.post(`${GG}/threads/${first.body.id}/messages`, { body: 'Merci beaucoup !' })).status).toBe(201);

    // The sender's space lists what it sent, newest first; the target's outbox does not.
    const sentList = await lucie.get(`${SP}/outbox`);
    expect(sentList.body.messages.map((m: { to: string; status: string }) => [m.to, m.status])).toEqual([
      ['commons', 'delivered'],
      ['givors-gavinane', 'delivered'],
    ]);
    expect((await awa.get(`${GG}/outbox`)).body.messages).toEqual([]);
    // The sender reads nothing of the target space's threads.
    expect((await lucie.get(`${GG}/threads`)).status).toBe(403);
    expect((await lucie.get(`${SP}/threads`)).body.threads).toEqual([]);
  });

  it('refuses a message to its own space or to a malformed address, and writes nothing', async () => {
    const box = await newBox();
    const lucie = await box.user('lucie', { 'secours-populaire': 'member' });
    for (const body of [
      { to: 'secours-populaire', subject: 'Moi', body: 'Moi-même' },
      { to: '../etc', subject: 'x', body: 'y' },
      { to: 'Koupéla', subject: 'x', body: 'y' },
      { to: 'comite-koupela', subject: '', body: 'y' },
      { to: 'comite-koupela', subject: 'x', body: 'y'.repeat(20_001) },
      { subject: 'x', body: 'y' },
    ]) {
      const res = await lucie.post(`${SP}/outbox`, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect(box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get()).toEqual({ n: 0 });
  });
});

describe('access to messages', () => {
  async function setUp() {
    const box = await newBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const t = await awa.post(`${GG}/threads`, { subject: 'Privé', body: 'Réunion du bureau' });
    await awa.post(`${GG}/outbox`, { to: 'comite-koupela', subject: 'Secret', body: 'Pour Koupéla' });
    const thread = t.body.thread.id as string;
    // Walk the app's own route table, so a route added to the room later is walked too.
    const mine = apiRoutes(box.appliance).filter((r) => /\/spaces\/:space\/(threads|outbox)/.test(r.path));
    expect(mine).toHaveLength(6);
    const bodies: Record<string, unknown> = {
      '/api/v1/spaces/:space/threads': { subject: 'Intrus', body: 'Bonjour' },
      '/api/v1/spaces/:space/threads/:id/messages': { body: 'Bonjour' },
      '/api/v1/spaces/:space/outbox': { to: 'secours-populaire', subject: 'Intrus', body: 'Bonjour' },
    };
    const reads: string[] = [];
    const writes: Array<[string, unknown]> = [];
    for (const r of mine) {
      for (const id of [thread, 'nope']) {
        const path = fillPath(r, { space: 'givors-gavinane', id });
        if (r.method === 'GET') reads.push(path);
        else writes.push([path, bodies[r.path]]);
        if (!r.params.includes('id')) break;
      }
    }
    expect(writes.every(([, b]) => b !== undefined)).toBe(true);
    const opCount = () => box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get();
    return { box, reads, writes, opCount };
  }

  it("gives another association's member a 403 on every route, and no content", async () => {
    const { box, reads, writes, opCount } = await setUp();
    const before = opCount();
    for (const who of [await box.user('lucie', { 'secours-populaire': 'admin' }), box.admin]) {
      for (const path of reads) {
        const res = await who.get(path);
        expect(res.status, path).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
        expect(res.text).not.toMatch(/Réunion|Secret|Privé/);
      }
      for (const [path, body] of writes) expect((await who.post(path, body)).status, path).toBe(403);
    }
    const anonymous = new TestClient(box.appliance);
    for (const path of reads) expect((await anonymous.get(path)).status).toBe(401);
    expect(opCount()).toEqual(before);
  });

  it('lets a guest read but not post', async () => {
    const { box, reads, writes, opCount } = await setUp();
    const guest = await box.user('invite', { 'givors-gavinane': 'guest' });
    const before = opCount();
    for (const path of reads) expect((await guest.get(path)).status, path).toBe(path.endsWith('/nope') ? 404 : 200);
    expect((await guest.get(`${GG}/outbox`)).body.messages).toMatchObject([{ subject: 'Secret', status: 'pending' }]);
    for (const [path, body] of writes) {
      const res = await guest.post(path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error.message).toMatch(/ne permet que la lecture/);
    }
    expect(opCount()).toEqual(before);
  });
});
