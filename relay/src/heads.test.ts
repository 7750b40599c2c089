/**
 * Head notices: the relay's hub publishes, retained, what it holds of each space; a box
 * that follows the head of its space syncs when the hub has something it lacks, and only
 * then. Two real appliances enrolled with a real relay, syncing through its hub.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Appliance } from '@solidaire/appliance';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { performSetup } from '@solidaire/appliance/setup';
import { enroll, type EnrollmentFile } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

const by = { id: 'u', name: 'Awa' };

describe('relay: head notices', () => {
  it('a box learns from the head that the hub holds something new, and syncs then', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir: scratchpad.dir(), clock, random: seededRandom(5) });
    const addresses = await relay.start();
    scratchpad.defer(() => relay.stop());

    const boxes: Appliance[] = [];
    for (const [i, name] of ['Grigny', 'Nioro'].entries()) {
      const dataDir = scratchpad.dir();
      const setup = new Appliance({ dataDir, clock, random: seededRandom(10 + i) });
      await performSetup(setup.services, { siteName: name, admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
      setup.services.spaces.create({ id: 'givors-gavinane', name: 'Comité' });
      const res = await fetch(`${addresses.http}/api/v1/sites`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${relay.adminToken}` },
        body: JSON.stringify({ name, spaces: { 'givors-gavinane': 'host' } }),
      });
      const { enrollment } = (await res.json()) as { enrollment: EnrollmentFile };
      await enroll({ file: enrollment, key: setup.services.site.key, network: setup.services.network, dataDir, now: clock.now() });
      await setup.stop();
      // Started again: it now dials the hub, and follows the heads of its spaces.
      const box = new Appliance({ dataDir, clock, random: seededRandom(20 + i), port: 0, host: '127.0.0.1', p2pListen: ['/ip4/127.0.0.1/tcp/0'], syncEveryMs: 3_600_000, logError: () => {} });
      scratchpad.defer(() => box.stop());
      await box.start();
      boxes.push(box);
    }
    const [grigny, nioro] = boxes as [Appliance, Appliance];
    const hubId = relay.hub.siteId;
    // Each box's first round (its timer's) has run; the clock stands still, so no other
    // round comes from the timer: only a head notice can make Nioro sync again.
    await vi.waitFor(() => expect(nioro.services.network.status().peers.find((p) => p.peer === hubId)?.lastSyncAt).toEqual(expect.any(Number)), { timeout: 20_000 });
    await vi.waitFor(() => expect(grigny.services.network.status().peers.find((p) => p.peer === hubId)?.lastSyncAt).toEqual(expect.any(Number)), { timeout: 20_000 });
    const roundsBefore = nioro.services.network.status().peers.find((p) => p.peer === hubId)!.receivedOps;

    const headsBefore = nioro.relay!.status().heads;
    grigny.services.log.commit('givors-gavinane', 'message.post', { id: 'm1', thread: 'm1', subject: 'Puits', body: 'La pompe est réparée', from: null, by });
    for (const r of await grigny.services.network.syncNow()) if (r instanceof Error) throw r;

    const messages = () => nioro.services.db.prepare("SELECT body FROM messages WHERE space = 'givors-gavinane'").all();
    // The message is applied during the session; the peer's counts are written when it ends.
    await vi.waitFor(
      () => {
        expect(messages()).toEqual([{ body: 'La pompe est réparée' }]);
        expect(nioro.services.network.status().peers.find((p) => p.peer === hubId)!.receivedOps).toBeGreaterThan(roundsBefore);
      },
      { timeout: 10_000 },
    );
    // The hub's new head reached Nioro (retained, so a box that connects later gets it too).
    expect(nioro.relay!.status().heads).toBeGreaterThan(headsBefore);
    // Grigny and Nioro never met: everything went through the hub.
    expect(nioro.services.network.status().peers.map((p) => p.peer)).toEqual([hubId]);
  });
});
