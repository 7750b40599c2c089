/**
 * A release offered by the relay reaches the boxes like any blob (relay/src/releases.ts,
 * appliance/src/update/delivery.ts): a real relay and real appliances enrolled with it,
 * syncing over libp2p on loopback. A box whose neighbour on the LAN already holds the
 * release takes it from the neighbour, not over its metered Internet link; a release the
 * box's key does not verify is refused, and the relay learns of it; a box without the
 * key fetches nothing and says why; the relay offers nothing its own key does not verify.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Appliance, type ApplianceOptions } from '@solidaire/appliance';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { releaseKeyFile, scratch, solidaire, testRelease } from '@solidaire/appliance/testing';
import { performSetup } from '@solidaire/appliance/setup';
import { enroll, type EnrollmentFile } from '@solidaire/appliance/relay-link';
import { LAN_LINK } from '@solidaire/appliance/network';
import { generateReleaseKeys, STATE_FILE, type ReleaseKeys, type ReleaseOffer, type UpdateReport } from '@solidaire/appliance/update';
import { Relay } from './relay.js';

const s = scratch();
afterEach(() => s.clean());

const good = generateReleaseKeys();
const other = generateReleaseKeys();
/** Incompressible, so the release's bytes are easy to tell apart from the rest of the traffic. */
const PAYLOAD_BYTES = 400_000;

const releaseFile = (version: string, keys: ReleaseKeys) => testRelease(s, { dir: s.dir(), version, keys, payloadBytes: PAYLOAD_BYTES });
const keyFile = (keys: ReleaseKeys | null) => releaseKeyFile(s, keys);

async function startRelay(releaseKey: ReleaseKeys) {
  const clock = new FakeClock(Date.UTC(2026, 11, 1));
  const relay = new Relay({
    dataDir: s.dir(),
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    hubListen: ['/ip4/127.0.0.1/tcp/0'],
    authorityDir: s.dir(),
    releaseKeyFile: keyFile(releaseKey),
    clock,
    random: seededRandom(5),
  });
  const addresses = await relay.start();
  s.defer(() => relay.stop());
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${addresses.http}${path}`, { ...init, headers: { authorization: `Bearer ${relay.adminToken}`, ...(init.headers ?? {}) } });
  return { relay, clock, api };
}

type Env = Awaited<ReturnType<typeof startRelay>>;

/** A box enrolled with the relay, then started as `solidaire appliance` would (its own updates folder and key). */
async function startBox(env: Env, name: string, seed: number, o: { key: ReleaseKeys | null; meteredBudget?: number; extra?: Partial<ApplianceOptions> }) {
  const dataDir = s.dir();
  const setup = new Appliance({ dataDir, clock: env.clock, random: seededRandom(seed) });
  await performSetup(setup.services, { siteName: name, admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
  const res = await env.api('/api/v1/sites', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, spaces: {} }) });
  const { enrollment, site } = (await res.json()) as { enrollment: EnrollmentFile; site: { id: string } };
  await enroll({ file: enrollment, key: setup.services.site.key, network: setup.services.network, dataDir, now: env.clock.now() });
  // The 3G key: metered, with room for bulk content, so only the choice of peer keeps the release off it.
  if (o.meteredBudget !== undefined) setup.services.network.policy.configure({ link: 'internet', metered: true, budgetBytes: o.meteredBudget, resetDay: 1 });
  await setup.stop();
  const opts: ApplianceOptions = {
    dataDir,
    clock: env.clock,
    random: seededRandom(seed + 100),
    port: 0,
    host: '127.0.0.1',
    p2pListen: ['/ip4/127.0.0.1/tcp/0'],
    syncEveryMs: 3_600_000,
    updatesRoot: s.dir(),
    releaseKeyFile: keyFile(o.key),
    logError: () => {},
    ...o.extra,
  };
  const box = new Appliance(opts);
  s.defer(() => box.stop());
  await box.start();
  return { box, site: site.id, opts };
}

const report = async (env: Env, site: string) => ((await (await env.api(`/api/v1/sites/${site}`)).json()) as { update: UpdateReport | null }).update;

describe('relay: releases reach the boxes as blobs', () => {
  it('a box takes an offered release from its LAN neighbour, not over its metered link; what happened reaches the relay', async () => {
    const env = await startRelay(good);
    const file = await releaseFile('0.9.0', good);
    const published = await env.api('/api/v1/releases', { method: 'POST', body: readFileSync(file), headers: { 'content-type': 'application/octet-stream' } });
    expect(published.status).toBe(201);
    const offer = (await published.json()) as { version: string; sha256: string; size: number };
    expect(offer.version).toBe('0.9.0');

    // Grigny, in France, fetches it from the hub.
    const grigny = await startBox(env, 'Grigny', 10, { key: good });
    const queued = (b: Appliance) => existsSync(join(b.services.updates.dir, '0.9.0.release'));
    await vi.waitFor(() => expect(queued(grigny.box)).toBe(true), { timeout: 20_000 });
    expect(readFileSync(join(grigny.box.services.updates.dir, '0.9.0.release')).equals(readFileSync(file))).toBe(true);

    // Nioro, on a 3G key, has Grigny as its neighbour on the LAN.
    const grignyAddress = grigny.box.services.network.status().addresses[0]!;
    const nioro = await startBox(env, 'Nioro', 20, { key: good, meteredBudget: 100_000_000, extra: { peers: [{ address: grignyAddress, link: LAN_LINK }] } });
    await vi.waitFor(() => expect(queued(nioro.box)).toBe(true), { timeout: 20_000 });
    const policy = nioro.box.services.network.policy;
    // The release's bytes came over the LAN; the 3G key carried the MQTT visit and sessions only.
    expect(policy.usage(LAN_LINK).bytesIn).toBeGreaterThan(PAYLOAD_BYTES);
    expect(policy.usage('internet').bytesIn).toBeLessThan(PAYLOAD_BYTES / 4);

    // The relay hears it was queued.
    await vi.waitFor(async () => expect((await report(env, nioro.site))?.delivery).toMatchObject({ version: '0.9.0', state: 'queued', from: 'relay' }), { timeout: 10_000 });

    // Root installs it (update/apply.ts, proven in update.test.ts) and restarts the box,
    // which tells the relay at its next connection what the update did.
    await nioro.box.stop();
    const applied = { result: 'applied', version: '0.9.0', previous: 'factory', at: env.clock.now() };
    writeFileSync(join(nioro.opts.updatesRoot!, STATE_FILE), JSON.stringify(applied));
    const again = new Appliance(nioro.opts);
    s.defer(() => again.stop());
    await again.start();
    await vi.waitFor(async () => expect((await report(env, nioro.site))?.last).toEqual(applied), { timeout: 10_000 });
  });

  it('a release crosses the metered link only when its budget lets bulk content through', async () => {
    const env = await startRelay(good);
    expect((await env.api('/api/v1/releases', { method: 'POST', body: readFileSync(await releaseFile('0.9.0', good)) })).status).toBe(201);
    // A month nearly spent: the relay's visit alone passes the bulk class's share (half).
    const gavinane = await startBox(env, 'Gavinané', 50, { key: good, meteredBudget: 2_000 });
    await vi.waitFor(async () => expect((await report(env, gavinane.site))?.delivery).toMatchObject({ version: '0.9.0', state: 'fetching' }), { timeout: 20_000 });
    const network = gavinane.box.services.network;
    for (const r of await network.syncNow()) if (r instanceof Error) throw r;
    expect(await gavinane.box.services.blobs.has(gavinane.box.releases.report().delivery!.sha256!)).toBe(false);
    expect(network.policy.usage('internet').bytesIn).toBeLessThan(PAYLOAD_BYTES / 4);
    expect(gavinane.box.releases.report().delivery?.state).toBe('fetching');

    // A new month's plan (the box admin, or the relay's set-config command): it comes.
    network.policy.configure({ link: 'internet', metered: true, budgetBytes: 100_000_000, resetDay: 1 });
    for (const r of await network.syncNow()) if (r instanceof Error) throw r;
    await vi.waitFor(() => expect(gavinane.box.releases.report().delivery?.state).toBe('queued'), { timeout: 10_000 });
    expect(network.policy.usage('internet').bytesIn).toBeGreaterThan(PAYLOAD_BYTES);
  });

  it('a release the box’s key does not verify is refused and the relay learns why; a box without the key fetches nothing', async () => {
    // The relay was given the wrong key (or the release key changed): it offers a release the boxes' key refuses.
    const env = await startRelay(other);
    // Through the command, as the relay's admin would (the token from a file).
    const tokenFile = join(s.dir(), 'admin-token');
    writeFileSync(tokenFile, env.relay.adminToken);
    const publish = (file: string) => solidaire('release', 'publish', file, '--relay', env.relay.addresses().http, '--token-file', tokenFile);
    const refusedHere = await publish(await releaseFile('0.9.1', good));
    expect(refusedHere.code).toBe(1);
    expect(refusedHere.err).toMatch(/le relais refuse la version \(400\) : La signature de cette version n’est pas celle des versions de Solidaire/);
    const offered = await publish(await releaseFile('0.9.0', other));
    expect(offered.err).toBe('');
    expect(offered.out).toMatch(/^Version 0\.9\.0 proposée aux boîtes/);
    expect(((await (await env.api('/api/v1/releases')).json()) as { releases: Array<{ version: string }> }).releases.map((r) => r.version)).toEqual(['0.9.0']);

    const youri = await startBox(env, 'Youri', 30, { key: good });
    const koupela = await startBox(env, 'Koupéla', 40, { key: null });
    await vi.waitFor(async () => {
      const r = await report(env, youri.site);
      expect(r?.delivery).toMatchObject({ version: '0.9.0', state: 'refused' });
      expect(r?.delivery?.reason).toMatch(/signature/);
    }, { timeout: 20_000 });
    await vi.waitFor(async () => {
      const r = await report(env, koupela.site);
      expect(r?.delivery).toMatchObject({ version: '0.9.0', state: 'refused' });
      expect(r?.delivery?.reason).toMatch(/n’a pas la clé/);
    }, { timeout: 20_000 });
    // Nothing queued for root on either; the box without the key did not fetch the bytes,
    // and the one that refused them keeps none (it would hand them on to its neighbours).
    for (const b of [youri.box, koupela.box]) expect(existsSync(join(b.services.updates.dir, '0.9.0.release'))).toBe(false);
    const sha = youri.box.releases.report().delivery!.sha256!;
    expect(await koupela.box.services.blobs.has(sha)).toBe(false);
    expect(await youri.box.services.blobs.has(sha)).toBe(false);

    // Koupéla is given the key (a new image): the same offer, seen again, is fetched now.
    writeFileSync(koupela.opts.releaseKeyFile!, other.publicKeyPem);
    const { releases } = (await (await env.api('/api/v1/releases')).json()) as { releases: ReleaseOffer[] };
    await koupela.box.releases.offer(releases[0]!);
    for (const r of await koupela.box.services.network.syncNow()) if (r instanceof Error) throw r;
    await vi.waitFor(() => expect(koupela.box.releases.report().delivery?.state).toBe('queued'), { timeout: 10_000 });
  });
});
