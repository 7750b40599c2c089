/**
 * Content packs end to end, with real appliances syncing over libp2p on loopback: a pack
 * pinned to a site reaches it (within its budget, from a LAN neighbour first), one that
 * is not pinned does not, and unpinned content is evicted least recently used first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { performSetup } from '../setup/index.js';
import { Authority } from '../federation/index.js';
import { TestClient, TEST_PASSWORD, testBox, type TestBox, scratch } from '../testing/index.js';
import { evictContent } from './index.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());
const tmp = () => scratchpad.dir('solidaire-content-');

async function site(clock: FakeClock, name: string, seed: number, peers: Array<string | { address: string; link: string }> = []) {
  const appliance = new Appliance({ dataDir: tmp(), clock, random: seededRandom(seed), p2pListen: ['/ip4/127.0.0.1/tcp/0'], peers, logError: () => {} });
  await performSetup(appliance.services, { siteName: name, admin: { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD } });
  await appliance.services.network.start();
  scratchpad.defer(() => appliance.stop());
  const client = new TestClient(appliance);
  await client.login('admin', TEST_PASSWORD);
  return { appliance, client, id: appliance.services.site.id, addr: () => appliance.services.network.status().addresses[0]! };
}

const bytes = (n: number, seed: number) => seededRandom(seed).bytes(n);

async function upload(client: TestClient, path: string, data: Uint8Array, type = 'video/mp4') {
  const res = await client.post(path, data, { 'content-type': type });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; sha256: string };
}

async function syncAll(a: Appliance) {
  for (const r of await a.services.network.syncNow()) if (r instanceof Error) throw r;
}

describe('content packs', () => {
  it('reach the sites they are pinned to, in the bulk class of the budget, from a LAN neighbour first', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 2));
    const authority = Authority.open(tmp(), clock);
    const grigny = await site(clock, 'Grigny', 1);
    const nioro = await site(clock, 'Nioro', 2, [grigny.addr()]);
    // Youri reaches Nioro on the LAN and Grigny over its metered 3G key.
    const youri = await site(clock, 'Youri', 3, [{ address: nioro.addr(), link: 'lan' }, { address: grigny.addr(), link: 'internet' }]);
    for (const s of [grigny, nioro, youri]) authority.grant(s.id, s.appliance.services.site.name!, { commons: 'host' });
    for (const s of [grigny, nioro, youri]) s.appliance.services.network.enroll(authority.federationId, authority.history());

    // At Grigny: a file of the commons, a pack pinned to Youri and Nioro, a pack pinned to nobody.
    const doc = bytes(30_000, 1);
    const file = await upload(grigny.client, '/api/v1/spaces/commons/files?name=statuts.pdf', doc, 'application/pdf');
    const pinned = (await grigny.client.post('/api/v1/spaces/commons/packs', { title: 'Formation comptabilité', description: 'Vidéos' })).body as { id: string };
    const v1 = await upload(grigny.client, `/api/v1/spaces/commons/packs/${pinned.id}/items?name=video1.mp4`, bytes(120_000, 2));
    const v2 = await upload(grigny.client, `/api/v1/spaces/commons/packs/${pinned.id}/items?name=video2.mp4`, bytes(80_000, 3));
    const other = (await grigny.client.post('/api/v1/spaces/commons/packs', { title: 'Santé' })).body as { id: string };
    const v3 = await upload(grigny.client, `/api/v1/spaces/commons/packs/${other.id}/items?name=sante.mp4`, bytes(50_000, 4));
    for (const s of [youri, nioro]) {
      expect((await grigny.client.put(`/api/v1/spaces/commons/packs/${pinned.id}/pins/${s.id}`)).status).toBe(200);
    }

    // Youri's 3G budget is 60 % used: files (blobs, 70 %) still go, packs (bulk, 50 %) wait.
    const policy = youri.appliance.services.network.policy;
    policy.configure({ link: 'internet', metered: true, budgetBytes: 10_000_000, resetDay: 1 });
    policy.record('internet', 6_000_000, 0);
    await syncAll(youri.appliance); // Nioro (LAN) has nothing yet; Grigny over 3G
    const has = (s: { appliance: Appliance }, sha: string) => s.appliance.services.blobs.has(sha);
    expect(await has(youri, file.sha256)).toBe(true);
    expect(await has(youri, v1.sha256)).toBe(false);
    let pack = (await youri.client.get(`/api/v1/spaces/commons/packs/${pinned.id}`)).body as { pinnedHere: boolean; presentBytes: number; items: Array<{ present: boolean }> };
    expect(pack).toMatchObject({ pinnedHere: true, presentBytes: 0 });
    expect(youri.appliance.services.network.status().pendingBlobs).toEqual({ count: 2, bytes: 200_000 });

    // Nioro, on an unmetered link, fetches the pack; then Youri gets it from Nioro, not over 3G.
    await syncAll(nioro.appliance);
    expect(await has(nioro, v1.sha256)).toBe(true);
    expect(await has(nioro, v3.sha256)).toBe(false); // not pinned to Nioro
    const before = policy.usage('internet');
    await syncAll(youri.appliance);
    expect(await has(youri, v1.sha256)).toBe(true);
    expect(await has(youri, v2.sha256)).toBe(true);
    expect(await has(youri, v3.sha256)).toBe(false);
    const after = policy.usage('internet');
    expect(after.bytesIn + after.bytesOut - (before.bytesIn + before.bytesOut)).toBeLessThan(20_000);
    pack = (await youri.client.get(`/api/v1/spaces/commons/packs/${pinned.id}`)).body as typeof pack;
    expect(pack.presentBytes).toBe(200_000);

    // Served locally, with Range.
    const part = await youri.client.get(`/api/v1/spaces/commons/files/${v1.id}/content`, { range: 'bytes=1000-1999' });
    expect([part.status, part.headers.get('content-range')]).toEqual([206, 'bytes 1000-1999/120000']);
    // An item not here says so plainly.
    const missing = await youri.client.get(`/api/v1/spaces/commons/files/${v3.id}/content`);
    expect(missing.status).toBe(404);
    expect((missing.body as { error: { message: string } }).error.message).toMatch(/pas encore arrivé/);
  });
});

describe('content cache', () => {
  let box: TestBox;
  afterEach(async () => box?.close());

  it('evicts unpinned pack content least recently used first, never pinned content nor a file in use', async () => {
    box = await testBox();
    const { db, blobs, site } = box.appliance.services;
    const pack = (await box.admin.post('/api/v1/spaces/commons/packs', { title: 'Vidéos' })).body as { id: string };
    const items = [];
    for (let i = 0; i < 3; i++) {
      items.push(await upload(box.admin, `/api/v1/spaces/commons/packs/${pack.id}/items?name=v${i}.mp4`, bytes(10_000, 10 + i)));
      box.clock.advance(1000);
    }
    // Item 1 is also an ordinary file of the commons: never evicted.
    await upload(box.admin, '/api/v1/spaces/commons/files?name=copie.mp4', bytes(10_000, 11));
    const kept = await box.admin.post('/api/v1/spaces/commons/packs', { title: 'Gardé ici' });
    const pinnedItem = await upload(box.admin, `/api/v1/spaces/commons/packs/${(kept.body as { id: string }).id}/items?name=k.mp4`, bytes(10_000, 20));
    await box.admin.put(`/api/v1/spaces/commons/packs/${(kept.body as { id: string }).id}/pins/${site.id}`);
    // Item 0 was watched recently: item 2 is the least recently used.
    box.clock.advance(1000);
    await box.admin.get(`/api/v1/spaces/commons/files/${items[0]!.id}/content`);

    expect(evictContent(db, blobs, 20_000)).toEqual([items[2]!.sha256]);
    expect(evictContent(db, blobs, 0)).toEqual([items[0]!.sha256]);
    for (const sha of [items[1]!.sha256, pinnedItem.sha256]) expect(await blobs.has(sha)).toBe(true);
    const listed = (await box.admin.get(`/api/v1/spaces/commons/packs/${pack.id}`)).body as { presentBytes: number };
    expect(listed.presentBytes).toBe(10_000);
  });

  it('is for the commons only, and only its admins make packs', async () => {
    box = await testBox();
    const member = await box.user('awa', { commons: 'member', 'givors-gavinane': 'admin' });
    const refused = await member.post('/api/v1/spaces/commons/packs', { title: 'x' });
    expect(refused.status).toBe(403);
    const elsewhere = await member.get('/api/v1/spaces/givors-gavinane/packs');
    expect(elsewhere.status).toBe(404);
    expect((elsewhere.body as { error: { message: string } }).error.message).toMatch(/base commune/);
    const blank = await box.admin.post('/api/v1/spaces/commons/packs', { title: '  ' });
    expect(blank.status).toBe(400);
    expect((await member.get('/api/v1/spaces/commons/packs')).status).toBe(200);
  });
});
