import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey, type SiteKey } from '../identity/index.js';
import { GENESIS, OpLog, encodePayload, signOperation, stateDigest } from '../ops/index.js';
import { OpLogSyncStore, SyncSession, SyncRefusedError, memoryLinkPair } from '../sync/index.js';
import { Authority, Entitlements, FEDERATION_SPACE, RELEASES_SPACE } from './index.js';

const by = { id: 'u', name: 'Test' };
const dbs: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  dbs.splice(0).forEach((d) => d.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function box(clock: FakeClock, spaces: string[]) {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  for (const s of spaces) db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, 'association', 0, 0)").run(s, s);
  const key = generateSiteKey();
  const held = () => [FEDERATION_SPACE, ...spaces];
  const log = new OpLog({ db, key, clock, hosts: (s) => s === FEDERATION_SPACE || spaces.includes(s) });
  const ent = new Entitlements(db);
  const store = new OpLogSyncStore({ db, log, spaces: held, mayWrite: (op) => ent.mayWrite(op) });
  return { db, key, log, ent, store, held, id: key.siteId };
}
type Box = ReturnType<typeof box>;

async function sync(a: Box, b: Box) {
  const link = memoryLinkPair();
  return Promise.allSettled([
    new SyncSession({ store: a.store, link: link.a, peer: b.id, offer: (p) => a.ent.offerTo(a.id, p, a.held()) }).run(),
    new SyncSession({ store: b.store, link: link.b, peer: a.id, offer: (p) => b.ent.offerTo(b.id, p, b.held()) }).run(),
  ]);
}

function setup() {
  const clock = new FakeClock();
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-fed-'));
  dirs.push(dir);
  const authority = Authority.open(dir, clock);
  const boxes = [box(clock, ['commons', 'gg']), box(clock, ['commons', 'gg']), box(clock, ['commons', 'gg'])] as const;
  for (const b of boxes) b.ent.join(authority.federationId, 0);
  return { clock, authority, boxes, dir };
}

describe('federation grants', () => {
  it('a peer receives only the spaces both sites are granted', async () => {
    const { authority, boxes: [a, b, c] } = setup();
    // Enrollment brings a box the grants issued so far; it learns later ones by syncing.
    authority.grant(a.id, 'Grigny', { commons: 'host', gg: 'host' });
    a.store.applyBatch(authority.history());
    authority.grant(b.id, 'Youri', { commons: 'host', gg: 'host' });
    authority.grant(c.id, 'Koupéla', { commons: 'host' });
    b.store.applyBatch(authority.history());
    a.log.commit('gg', 'message.post', { id: 'm1', thread: 'm1', subject: null, body: 'privé', from: null, by });
    a.log.commit('commons', 'message.post', { id: 'm2', thread: 'm2', subject: null, body: 'public', from: null, by });
    // a does not know b's grant yet: the first session exchanges grants only.
    await sync(a, b);
    expect(b.db.prepare("SELECT count(*) AS n FROM messages").get()).toEqual({ n: 0 });
    expect(a.ent.grantOf(b.id)?.name).toBe('Youri');
    await sync(a, b);
    expect(b.db.prepare("SELECT space FROM messages ORDER BY space").all()).toEqual([{ space: 'commons' }, { space: 'gg' }]);
    // c is granted the commons only: it gets the commons, never gg.
    c.store.applyBatch(authority.history());
    await sync(b, c);
    await sync(b, c);
    expect(c.db.prepare('SELECT space FROM messages').all()).toEqual([{ space: 'commons' }]);
    expect(c.db.prepare("SELECT count(*) AS n FROM ops WHERE space = 'gg'").get()).toEqual({ n: 0 });
  });

  it('refuses a batch whose author may not write the space, and applies none of it', async () => {
    const { authority, boxes: [a, b] } = setup();
    authority.grant(a.id, 'A', { gg: 'host' });
    authority.grant(b.id, 'B', { gg: 'carry' });
    for (const x of [a, b]) x.store.applyBatch(authority.history());
    // b only carries gg, but forges writes into it with its own key.
    b.log.commit('gg', 'message.post', { id: 'forged', thread: 'forged', subject: null, body: 'faux', from: null, by });
    const before = stateDigest(a.db);
    const [ra, rb] = await sync(a, b);
    expect(ra.status).toBe('rejected');
    expect(ra.status === 'rejected' && ra.reason).toBeInstanceOf(SyncRefusedError);
    expect(rb.status).toBe('rejected');
    expect(stateDigest(a.db)).toBe(before);
    expect(a.db.prepare("SELECT count(*) AS n FROM ops WHERE author = ?").get(b.id)).toEqual({ n: 0 });
  });

  it('only the federation key writes grants; a revoked site is offered nothing', async () => {
    const { authority, boxes: [a, b] } = setup();
    authority.grant(a.id, 'A', { gg: 'host' });
    authority.grant(b.id, 'B', { gg: 'host' });
    for (const x of [a, b]) x.store.applyBatch(authority.history());
    expect(a.ent.mayWrite({ author: b.id, space: FEDERATION_SPACE })).toBe(false);
    // Releases are blobs only: no one writes operations there, not even the federation.
    expect(a.ent.mayWrite({ author: authority.federationId, space: RELEASES_SPACE })).toBe(false);
    expect(a.ent.offerTo(a.id, b.id, a.held())).toEqual([FEDERATION_SPACE, RELEASES_SPACE, 'gg']);
    authority.revoke(b.id, 'B');
    a.store.applyBatch(authority.history());
    expect(a.ent.offerTo(a.id, b.id, a.held())).toEqual([FEDERATION_SPACE]);
    expect(a.ent.mayWrite({ author: b.id, space: 'gg' })).toBe(false);
    // A grant signed by any other key is not a grant.
    const rogue: SiteKey = generateSiteKey();
    const { op: forged } = signOperation(
      rogue,
      { space: FEDERATION_SPACE, seq: 1, hlc: '0001800000000000-0000', kind: 'record.put', body: encodePayload('record.put', { coll: 'grants', id: b.id, fields: { spaces: '{"gg":"host"}' }, by }) },
      GENESIS,
    );
    expect(a.ent.mayWrite(forged)).toBe(false);
  });

  it('keeps its history across restarts of the authority', () => {
    const { authority, dir, clock, boxes: [a] } = setup();
    authority.grant(a.id, 'A', { gg: 'host' });
    const again = Authority.open(dir, clock);
    expect(again.federationId).toBe(authority.federationId);
    again.grant(a.id, 'A', { gg: 'host', commons: 'host' });
    expect(again.history().map((o) => o.seq)).toEqual([1, 2]);
    a.store.applyBatch(again.history());
    expect(a.ent.grantOf(a.id)?.spaces).toEqual({ gg: 'host', commons: 'host' });
  });

  it('signs one stream when two holders share its folder (the relay and the demo): no fork', () => {
    const { authority, dir, clock, boxes: [a] } = setup();
    const other = Authority.open(dir, clock);
    authority.grant(a.id, 'A', { gg: 'host' });
    other.grant(a.id, 'A', { gg: 'host', commons: 'host' });
    authority.revoke(a.id, 'A');
    expect(other.history().map((o) => o.seq)).toEqual([1, 2, 3]);
    a.store.applyBatch(authority.history());
    expect(a.ent.grantOf(a.id)).toBeUndefined();
  });

  it('shares nothing before the box has joined a federation', () => {
    const clock = new FakeClock();
    const lone = box(clock, ['gg']);
    expect(lone.ent.offerTo(lone.id, 'someone', lone.held())).toEqual([]);
    expect(lone.ent.mayWrite({ author: lone.id, space: 'gg' })).toBe(false);
  });
});
