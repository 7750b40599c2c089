import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog, stateDigest } from '../ops/index.js';
import { Spaces } from '../spaces/index.js';
import { Authority, hostsWithGrants } from '../federation/index.js';
import { Network } from './index.js';

const by = { id: 'u', name: 'Test' };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function box(clock: FakeClock, peers: string[] = [], pollMs = 60_000) {
  const db: Db = openDatabase({ path: ':memory:' });
  const spaces = new Spaces({ db, clock });
  spaces.create({ id: 'commons', name: 'Base commune', kind: 'commons' });
  spaces.create({ id: 'gg', name: 'Comité' });
  const key = generateSiteKey();
  const log = new OpLog({ db, key, clock, hosts: hostsWithGrants((s) => spaces.hosts(s)) });
  const network = new Network({ db, log, clock, key, spaces, listen: ['/ip4/127.0.0.1/tcp/0'], peers, pollMs });
  cleanup.push(() => void db.close(), () => network.stop());
  return { db, log, key, network };
}

/** An authority, and Grigny listening with a second box configured to dial it. */
async function pair(clock: FakeClock) {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-net-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const authority = Authority.open(dir, clock);
  const grigny = box(clock);
  await grigny.network.start();
  const other = box(clock, grigny.network.status().addresses.filter((a) => a.includes('127.0.0.1')));
  await other.network.start();
  return { authority, grigny, other };
}

describe('network', () => {
  it('two boxes of one federation sync over libp2p on loopback, and say so in their status', async () => {
    const { authority, grigny, other: youri } = await pair(new FakeClock());
    authority.grant(grigny.key.siteId, 'Grigny', { commons: 'host', gg: 'host' });
    authority.grant(youri.key.siteId, 'Youri', { commons: 'host', gg: 'host' });
    for (const b of [grigny, youri]) b.network.enroll(authority.federationId, authority.history());
    grigny.log.commit('gg', 'message.post', { id: 'g1', thread: 'g1', subject: 'Bonjour', body: 'De Grigny', from: null, by });
    youri.log.commit('gg', 'message.post', { id: 'y1', thread: 'y1', subject: 'Salut', body: 'De Youri', from: null, by });

    const results = await youri.network.syncNow();
    expect(results).toHaveLength(1);
    expect(results[0]).not.toBeInstanceOf(Error);
    expect(stateDigest(grigny.db, ['gg', 'commons'])).toBe(stateDigest(youri.db, ['gg', 'commons']));
    expect(grigny.db.prepare("SELECT body FROM messages ORDER BY body").all()).toEqual([{ body: 'De Grigny' }, { body: 'De Youri' }]);

    const status = youri.network.status();
    expect(status.federationId).toBe(authority.federationId);
    expect(status.peers[0]).toMatchObject({ peer: grigny.key.siteId, name: 'Grigny', running: false, lastError: null, sentOps: 1, receivedOps: 1 });
    expect(status.peers[0]!.bytesOut).toBeGreaterThan(0);

    // Each now knows what the other holds: a USB bundle for it would carry nothing.
    const { PeerVectors } = await import('../bundle/index.js');
    const known = new PeerVectors({ db: youri.db, clock: new FakeClock() }).get(grigny.key.siteId);
    expect(known?.gg).toEqual(grigny.log.versionVector('gg'));
    expect(youri.network.status().peers[0]).toMatchObject({ pendingOps: 0, pendingBytes: 0 });
    youri.log.commit('gg', 'message.post', { id: 'y2', thread: 'y1', subject: null, body: 'Encore un mot', from: null, by });
    expect(youri.network.status().peers[0]!.pendingOps).toBe(1);
    expect(youri.network.status().peers[0]!.pendingBytes).toBeGreaterThan(64);
  });

  it('"sync now" during a round waits for it, then syncs, instead of answering busy', async () => {
    const { authority, grigny, other: youri } = await pair(new FakeClock());
    authority.grant(grigny.key.siteId, 'Grigny', { commons: 'host', gg: 'host' });
    authority.grant(youri.key.siteId, 'Youri', { commons: 'host', gg: 'host' });
    for (const b of [grigny, youri]) b.network.enroll(authority.federationId, authority.history());
    youri.log.commit('gg', 'message.post', { id: 'y1', thread: 'y1', subject: 'Salut', body: 'De Youri', from: null, by });
    const [first, second] = await Promise.all([youri.network.syncNow(), youri.network.syncNow()]);
    for (const r of [...first, ...second]) expect(r).not.toBeInstanceOf(Error);
    expect(second.length).toBeGreaterThan(0);
  });

  it('a box outside the federation receives nothing but the grants', async () => {
    const { authority, grigny, other: stranger } = await pair(new FakeClock());
    authority.grant(grigny.key.siteId, 'Grigny', { gg: 'host' });
    grigny.network.enroll(authority.federationId, authority.history());
    stranger.network.entitlements.join(authority.federationId, 0);
    grigny.log.commit('gg', 'message.post', { id: 'g1', thread: 'g1', subject: null, body: 'privé', from: null, by });
    await stranger.network.syncNow();
    await stranger.network.syncNow();
    expect(stranger.db.prepare("SELECT count(*) AS n FROM ops WHERE space = 'gg'").get()).toEqual({ n: 0 });
  });
});

describe('resync on a timer', () => {
  it('a free link every minute, a metered one every few hours, both at once after a local change', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const dir = mkdtempSync(join(tmpdir(), 'solidaire-net-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const authority = Authority.open(dir, clock);
    const grigny = box(clock);
    await grigny.network.start();
    const youri = box(clock, grigny.network.status().addresses.filter((a) => a.includes('127.0.0.1')), 30);
    for (const b of [grigny, youri]) authority.grant(b.key.siteId, 'site', { gg: 'host' });
    for (const b of [grigny, youri]) b.network.enroll(authority.federationId, authority.history());
    youri.network.policy.configure({ link: 'internet', metered: true, budgetBytes: 10_000_000, resetDay: 1 });
    const rounds = vi.spyOn(youri.network.sync, 'syncWith');
    await youri.network.start();
    await vi.waitFor(() => expect(rounds).toHaveBeenCalled());
    const settle = async () => {
      const n = rounds.mock.calls.length;
      await new Promise((r) => setTimeout(r, 300));
      return rounds.mock.calls.length - n;
    };
    await vi.waitFor(async () => expect(await settle()).toBe(0));

    clock.advance(2 * 60_000);
    expect(await settle()).toBe(0); // metered: not after two minutes
    clock.advance(6 * 3600_000);
    await vi.waitFor(() => expect(rounds.mock.calls.length).toBeGreaterThan(0));
    await vi.waitFor(async () => expect(await settle()).toBe(0));

    // A change here goes at once, metered or not.
    const before = rounds.mock.calls.length;
    youri.log.commit('gg', 'message.post', { id: 'x', thread: 'x', subject: null, body: 'urgent', from: null, by });
    await vi.waitFor(() => expect(rounds.mock.calls.length).toBeGreaterThan(before));

    // On a free link, a minute is enough.
    youri.network.policy.configure({ link: 'internet', metered: false, budgetBytes: 0, resetDay: 1 });
    await vi.waitFor(async () => expect(await settle()).toBe(0));
    const quiet = rounds.mock.calls.length;
    clock.advance(61_000);
    await vi.waitFor(() => expect(rounds.mock.calls.length).toBeGreaterThan(quiet));
  });
});

describe('isLocalAddress', () => {
  it('tells the LAN and this machine from the Internet and the operator’s NAT', async () => {
    const { isLocalAddress } = await import('./index.js');
    for (const a of ['/ip4/127.0.0.1/tcp/1', '/ip4/192.168.1.20/tcp/4001', '/ip4/10.0.0.7/tcp/1', '/ip4/172.20.1.1/tcp/1', '/ip4/169.254.3.3/tcp/1', '/ip6/::1/tcp/1', '/ip6/fd00::1/tcp/1', '/ip6/fe80::1/tcp/1']) {
      expect(isLocalAddress(a), a).toBe(true);
    }
    for (const a of ['/ip4/100.64.0.1/tcp/1', '/ip4/172.32.0.1/tcp/1', '/ip4/51.15.2.3/tcp/4001', '/ip6/2001:db8::1/tcp/1', '/dns4/relais.example/tcp/1']) {
      expect(isLocalAddress(a), a).toBe(false);
    }
  });
});
