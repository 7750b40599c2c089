/**
 * The mesh, over real libp2p on loopback: Gavinané (A) has no link and reaches only its
 * neighbour Nioro (B) on the LAN; Nioro has the 3G key to the relay's hub; Grigny (C)
 * reaches the hub. A and C never meet, yet a message and a file written at A reach C and
 * the answer comes back. B and the hub carry the association's space without ever
 * materialising it or showing it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog, stateDigest } from '../ops/index.js';
import { Spaces } from '../spaces/index.js';
import { BlobStore } from '../blobs/index.js';
import { Authority, hostsWithGrants } from '../federation/index.js';
import { Hub } from '../hub/index.js';
import { Network } from './index.js';
import { scratch } from '../testing/index.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());
const tmp = () => scratchpad.dir('solidaire-mesh-');

interface Box {
  db: Db;
  log: OpLog;
  network: Network;
  blobs: BlobStore;
  siteId: string;
  addr(): string;
}

async function box(clock: FakeClock, hosted: string[], peers: Array<{ address: string; link?: string }>, carryQuotaBytes?: number, frugal?: () => boolean): Promise<Box> {
  const db = openDatabase({ path: ':memory:' });
  const spaces = new Spaces({ db, clock });
  for (const id of hosted) spaces.create({ id, name: id });
  const key = generateSiteKey();
  const log = new OpLog({ db, key, clock, hosts: hostsWithGrants((s) => spaces.hosts(s)) });
  const blobs = new BlobStore({ dir: tmp(), db, clock, random: seededRandom(hosted.length) });
  const network = new Network({
    db, log, clock, key, spaces, blobs, peers, pollMs: 600_000,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    ...(carryQuotaBytes !== undefined ? { carryQuotaBytes } : {}),
    ...(frugal ? { frugal } : {}),
  });
  await network.start();
  scratchpad.defer(() => db.close());
  scratchpad.defer(() => network.stop());
  return { db, log, network, blobs, siteId: key.siteId, addr: () => network.status().addresses[0]! };
}

const by = { id: 'u', name: 'Awa' };
const messages = (b: { db: Db }) => b.db.prepare("SELECT body FROM messages WHERE space = 'gg' ORDER BY body").all().map((r) => (r as { body: string }).body);

describe('carrying for neighbours', () => {
  it('A —LAN— B —3G— hub — C: a message and a file go from A to C and the answer back; B and the hub never show them', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const authority = Authority.open(tmp(), clock);
    const hub = new Hub({ dataDir: tmp(), listen: ['/ip4/127.0.0.1/tcp/0'], clock, random: seededRandom(9) });
    await hub.start();
    scratchpad.defer(() => hub.stop());
    const hubAddr = hub.network.status().addresses[0]!;

    const c = await box(clock, ['gg'], [{ address: hubAddr }]);
    const b = await box(clock, ['nioro'], [{ address: hubAddr }]);
    const a = await box(clock, ['gg'], [{ address: b.addr(), link: 'lan' }]);
    // Nioro's 3G key is metered; the LAN is not.
    b.network.policy.configure({ link: 'internet', metered: true, budgetBytes: 50_000_000, resetDay: 1 });

    authority.grant(a.siteId, 'Gavinané', { gg: 'host' });
    authority.grant(b.siteId, 'Nioro', { nioro: 'host', gg: 'carry' });
    authority.grant(hub.siteId, 'Relais', { gg: 'carry', nioro: 'carry' });
    authority.grant(c.siteId, 'Grigny', { gg: 'host' });
    for (const n of [a.network, b.network, hub.network, c.network]) n.enroll(authority.federationId, authority.history());

    // A writes a message and attaches a file, with no link but the LAN.
    a.log.commit('gg', 'message.post', { id: 'q', thread: 'q', subject: 'Puits', body: 'La pompe du puits est en panne', from: null, by });
    const photo = seededRandom(3).bytes(200_000);
    const { sha256, size } = await a.blobs.put(Readable.from([photo]));
    a.log.commit('gg', 'record.put', { coll: 'files', id: 'photo', fields: { name: 'pompe.jpg', sha256, size }, by });

    const ok = async (n: Network) => {
      for (const r of await n.syncNow()) if (r instanceof Error) throw r;
    };
    await ok(a.network); // A → B over the LAN
    await ok(b.network); // B → hub over the 3G key
    await ok(c.network); // hub → C
    expect(messages(c)).toEqual(['La pompe du puits est en panne']);
    expect(readFileSync(c.blobs.pathOf(sha256)).equals(photo)).toBe(true);

    // C answers; the answer takes the way back.
    c.log.commit('gg', 'message.post', { id: 'r', thread: 'q', subject: null, body: 'Une pièce part lundi', from: null, by: { id: 'v', name: 'Claire' } });
    await ok(c.network);
    await ok(b.network);
    await ok(a.network);
    expect(messages(a)).toEqual(['La pompe du puits est en panne', 'Une pièce part lundi']);
    expect(stateDigest(a.db, ['gg'])).toBe(stateDigest(c.db, ['gg']));

    // A and C never met.
    expect(a.network.status().peers.map((p) => p.peer)).toEqual([b.siteId]);
    expect(c.network.status().peers.map((p) => p.peer)).toEqual([hub.siteId]);

    // B and the hub hold the operations and the blob, opaque: nothing materialised, no space to show.
    for (const carrier of [b.db, hub.db]) {
      expect(carrier.prepare("SELECT count(*) AS n FROM ops WHERE space = 'gg'").get()).toEqual({ n: 3 });
      expect(carrier.prepare("SELECT count(*) AS n FROM messages WHERE space = 'gg'").get()).toEqual({ n: 0 });
      expect(carrier.prepare("SELECT count(*) AS n FROM records WHERE space = 'gg'").get()).toEqual({ n: 0 });
      expect(carrier.prepare("SELECT count(*) AS n FROM spaces WHERE id = 'gg'").get()).toEqual({ n: 0 });
    }
    expect(b.network.status().carrying).toMatchObject({ spaces: ['gg'] });
    expect(b.network.status().carrying.bytes).toBeGreaterThan(200_000);

    // Nioro's bytes to the hub were counted against its 3G budget; the LAN is free and uncounted against it.
    const internet = b.network.policy.usage('internet');
    expect(internet.bytesOut).toBeGreaterThan(200_000);
    expect(b.network.status().peers.find((p) => p.peer === a.siteId)?.link).toBe('lan');
    expect(b.network.policy.usage('lan').metered).toBe(false);
  });

  it('a carrier refuses, whole, what would pass its carrying quota', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const authority = Authority.open(tmp(), clock);
    const b = await box(clock, ['nioro'], [], 2_000);
    const a = await box(clock, ['gg'], [{ address: b.addr(), link: 'lan' }]);
    authority.grant(a.siteId, 'Gavinané', { gg: 'host' });
    authority.grant(b.siteId, 'Nioro', { nioro: 'host', gg: 'carry' });
    for (const n of [a.network, b.network]) n.enroll(authority.federationId, authority.history());
    for (let i = 0; i < 40; i++) {
      a.log.commit('gg', 'message.post', { id: `m${i}`, thread: 't', subject: null, body: `message ${i} `.repeat(10), from: null, by });
    }
    const results = await a.network.syncNow();
    expect(results[0]).toBeInstanceOf(Error);
    expect((results[0] as Error & { code?: string }).code).toBe('carry_quota');
    expect(b.db.prepare("SELECT count(*) AS n FROM ops WHERE space = 'gg'").get()).toEqual({ n: 0 });
  });

  it('a frugal box (low battery) takes the operations now and the blobs later', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const authority = Authority.open(tmp(), clock);
    const a = await box(clock, ['gg'], []);
    let low = true;
    const c = await box(clock, ['gg'], [{ address: a.addr(), link: 'lan' }], undefined, () => low);
    authority.grant(a.siteId, 'Grigny', { gg: 'host' });
    authority.grant(c.siteId, 'Koupéla', { gg: 'host' });
    for (const n of [a.network, c.network]) n.enroll(authority.federationId, authority.history());
    const content = seededRandom(4).bytes(50_000);
    const { sha256, size } = await a.blobs.put(Readable.from([content]));
    a.log.commit('gg', 'record.put', { coll: 'files', id: 'f', fields: { name: 'plan.pdf', sha256, size }, by });

    for (const r of await c.network.syncNow()) if (r instanceof Error) throw r;
    expect(c.db.prepare("SELECT count(*) AS n FROM records WHERE coll = 'files'").get()).toEqual({ n: 1 });
    expect(await c.blobs.has(sha256)).toBe(false);
    expect(c.network.status().pendingBlobs).toEqual({ count: 1, bytes: 50_000 });

    low = false;
    for (const r of await c.network.syncNow()) if (r instanceof Error) throw r;
    expect(await c.blobs.has(sha256)).toBe(true);
  });
});
