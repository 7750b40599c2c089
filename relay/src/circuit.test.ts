/**
 * Circuit relay v2 (issue 4): sites behind NAT reach each other through the relay. Two
 * real appliances enrolled with a real relay, listening on no TCP address of their own
 * (all they can do is dial out), hold a reservation on the relay's hub and sync a message
 * with each other through its circuit — not through the hub's store. A revoked site can no
 * longer reserve nor be relayed; a site the relay never enrolled never could.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '@solidaire/appliance';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { performSetup } from '@solidaire/appliance/setup';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { createP2PNode } from '@solidaire/appliance/p2p';
import { enroll, type EnrollmentFile } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

const by = { id: 'u', name: 'Awa' };

async function startRelay(clock: FakeClock) {
  const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir: scratchpad.dir(), clock, random: seededRandom(5) });
  const addresses = await relay.start();
  scratchpad.defer(() => relay.stop());
  return { relay, addresses };
}

/** A box enrolled with the relay, started again with no libp2p listen address: it can only dial out. */
async function natBox(r: Awaited<ReturnType<typeof startRelay>>, clock: FakeClock, seed: number, name: string) {
  const dataDir = scratchpad.dir();
  const setup = new Appliance({ dataDir, clock, random: seededRandom(seed) });
  await performSetup(setup.services, { siteName: name, admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
  setup.services.spaces.create({ id: 'givors-gavinane', name: 'Comité' });
  const res = await fetch(`${r.addresses.http}/api/v1/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${r.relay.adminToken}` },
    body: JSON.stringify({ name, spaces: { 'givors-gavinane': 'host' } }),
  });
  const { site, enrollment } = (await res.json()) as { site: { id: string }; enrollment: EnrollmentFile };
  await enroll({ file: enrollment, key: setup.services.site.key, network: setup.services.network, dataDir, now: clock.now() });
  await setup.stop();
  // No p2pListen: the box's only way in is its reservation on the relay.
  const box = new Appliance({ dataDir, clock, random: seededRandom(seed + 100), port: 0, host: '127.0.0.1', syncEveryMs: 3_600_000, logError: () => {} });
  scratchpad.defer(() => box.stop());
  await box.start();
  return { box, siteId: box.services.site.id, registryId: site.id };
}

const messages = (box: Appliance) => box.services.db.prepare("SELECT body FROM messages WHERE space = 'givors-gavinane' ORDER BY body").all();

describe('relay: circuit relay v2', () => {
  it('two boxes that listen on no address of their own sync a message through the relay circuit', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const r = await startRelay(clock);
    const hubId = r.relay.hub.siteId;
    const grigny = await natBox(r, clock, 1, 'Grigny');
    const nioro = await natBox(r, clock, 2, 'Nioro');

    // Each holds a reservation: reachable at <relay>/p2p-circuit/p2p/<site>, and nowhere else.
    const reached = await nioro.box.services.network.reserveOnRelay();
    expect(reached.length).toBeGreaterThan(0);
    for (const a of reached) expect(a).toMatch(new RegExp(`/p2p/${hubId}/p2p-circuit/p2p/${nioro.siteId}$`));
    const grignyAt = await grigny.box.services.network.reserveOnRelay();
    expect(grigny.box.services.network.status().addresses).toEqual(grignyAt);
    expect(r.relay.hub.network.relayReservations().sort()).toEqual([grigny.siteId, nioro.siteId].sort());

    // Grigny knows Nioro by its site id only: the direct dial finds no address, the relay's circuit does.
    grigny.box.services.log.commit('givors-gavinane', 'message.post', { id: 'm1', thread: 'm1', subject: 'Puits', body: 'La pompe est réparée', from: null, by });
    // The first session tells each the other's grant (each enrolled knowing only those
    // issued before it), the second exchanges the space they share.
    const grants = await grigny.box.services.network.sync.syncWith(nioro.siteId);
    const there = await grigny.box.services.network.sync.syncWith(nioro.siteId);
    expect([grants.peer, there.peer]).toEqual([nioro.siteId, nioro.siteId]);
    expect(there.shared).toContain('givors-gavinane');
    expect(grants.sentOps + there.sentOps).toBeGreaterThan(0);
    expect(messages(nioro.box)).toEqual([{ body: 'La pompe est réparée' }]);
    const via = grigny.box.services.network.connectionsWith(nioro.siteId);
    expect(via.length).toBeGreaterThan(0);
    for (const a of via) expect(a).toContain(`/p2p/${hubId}/p2p-circuit/p2p/${nioro.siteId}`);
    // A relayed connection crosses the relay's link, never the LAN's (the relay is on loopback here).
    expect(grigny.box.services.network.linkOf(nioro.siteId)).toBe('internet');

    // Back the other way, to Grigny's circuit address (its only known address).
    nioro.box.services.log.commit('givors-gavinane', 'message.post', { id: 'm2', thread: 'm1', subject: null, body: 'Merci !', from: null, by });
    const back = await nioro.box.services.network.sync.syncWith(grignyAt[0]!);
    expect(back.peer).toBe(grigny.siteId);
    expect(messages(grigny.box)).toEqual([{ body: 'La pompe est réparée' }, { body: 'Merci !' }]);
  });

  it('a revoked site can no longer reserve nor be relayed; a site never enrolled never could', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const r = await startRelay(clock);
    const grigny = await natBox(r, clock, 1, 'Grigny');
    const nioro = await natBox(r, clock, 2, 'Nioro');
    await grigny.box.services.network.reserveOnRelay();
    await nioro.box.services.network.reserveOnRelay();
    const hub = r.addresses.hub[0]!;

    // A hub-less site the relay never enrolled: it may connect, never reserve nor be relayed.
    const stranger = createP2PNode({ siteKey: generateSiteKey(), listen: [], relay: { addresses: [hub], reserve: () => false } });
    scratchpad.defer(() => stranger.stop());
    await stranger.start();
    await expect(stranger.reserve()).rejects.toThrow(/PERMISSION_DENIED|status 2/);
    await expect(stranger.dialSync(grigny.siteId)).rejects.toThrow();
    expect(r.relay.hub.network.relayReservations()).not.toContain(stranger.siteId);

    const revoked = await fetch(`${r.addresses.http}/api/v1/sites/${nioro.registryId}`, { method: 'DELETE', headers: { authorization: `Bearer ${r.relay.adminToken}` } });
    expect(revoked.status).toBe(200);
    // At once: its reservation is gone and its connections closed; it is refused after.
    expect(r.relay.hub.network.relayReservations()).toEqual([grigny.siteId]);
    await expect(grigny.box.services.network.sync.syncWith(nioro.siteId)).rejects.toThrow();
    await expect(nioro.box.services.network.reserveOnRelay()).rejects.toThrow();
    await expect(nioro.box.services.network.sync.syncWith(grigny.siteId)).rejects.toThrow();
    expect(r.relay.hub.network.relayReservations()).toEqual([grigny.siteId]);
    expect(messages(grigny.box)).toEqual([]);
  });
});
