/**
 * A release brought on a USB stick (update/delivery.ts, `solidaire bundle export|import`):
 * taken like one the relay offers — checked against the box's key, queued for root,
 * refused in plain words otherwise — and passed on beside the bundle a box exports. The
 * relay's side (offer, fetch from a LAN neighbour, the outcome reaching the relay) is in
 * relay/src/releases.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { performSetup } from '../setup/index.js';
import { releaseKeyFile, REPO_ROOT, scratch, solidaire, TestClient, testRelease, TEST_PASSWORD } from '../testing/index.js';
import { generateReleaseKeys, ReleaseDelivery, STATE_FILE, type ReleaseKeys } from './index.js';

const releaseFile = (dir: string, version: string, keys: ReleaseKeys) => testRelease(s, { dir, version, keys });

const s = scratch();
afterEach(() => s.clean());
const good = generateReleaseKeys();
const other = generateReleaseKeys();

/** A set-up box (data folder and updates root), started in this process. */
async function box(name: string, keys: ReleaseKeys | null) {
  const dataDir = s.dir();
  const updatesRoot = s.dir();
  const key = releaseKeyFile(s, keys);
  const appliance = new Appliance({ dataDir, updatesRoot, releaseKeyFile: key, clock: new FakeClock(), random: seededRandom(name.length), logError: () => {} });
  s.defer(() => appliance.stop());
  await performSetup(appliance.services, { siteName: name, admin: { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD } });
  return { appliance, dataDir, updatesRoot, key, queued: (v: string) => existsSync(join(updatesRoot, 'updates', `${v}.release`)) };
}

/** What a box's own ReleaseDelivery is made of, for a second one over the same folders. */
function deliveryDeps(b: Awaited<ReturnType<typeof box>>) {
  const { db, blobs, clock, updates } = b.appliance.services;
  return { db, blobs, clock, updates, dataDir: b.dataDir };
}

describe('releases from a USB stick', () => {
  it('a release is checked with the box’s key and queued for root; another key’s is refused; root’s refusal is told; a box without the key takes none', async () => {
    const stick = s.dir();
    const nioro = await box('Nioro', good);
    const d = await nioro.appliance.releases.take(await releaseFile(stick, '0.9.0', good));
    expect(d).toMatchObject({ version: '0.9.0', state: 'queued', from: 'usb' });
    expect(nioro.queued('0.9.0')).toBe(true);
    // Kept as a blob of "$releases": a neighbour on the LAN may fetch it from here.
    expect(await nioro.appliance.services.blobs.has(d.sha256!)).toBe(true);
    expect(nioro.appliance.releases.report()).toMatchObject({ delivery: { version: '0.9.0', state: 'queued' }, last: null });
    // The box admin's page says it too.
    const admin = new TestClient(nioro.appliance);
    await admin.login('admin', TEST_PASSWORD);
    expect((await admin.get('/api/v1/updates')).body).toMatchObject({ waiting: ['0.9.0'], delivery: { version: '0.9.0', state: 'queued', from: 'usb' } });

    // A later release replaces it: the earlier one's bytes are not kept.
    const later = await nioro.appliance.releases.take(await releaseFile(s.dir(), '0.9.3', good));
    expect(later).toMatchObject({ version: '0.9.3', state: 'queued' });
    expect(await nioro.appliance.services.blobs.has(d.sha256!)).toBe(false);
    expect(await nioro.appliance.services.blobs.has(later.sha256!)).toBe(true);

    const bad = await nioro.appliance.releases.take(await releaseFile(s.dir(), '0.9.1', other));
    expect(bad).toMatchObject({ state: 'refused', version: 'solidaire-0.9.1.release', sha256: null });
    expect(bad.reason).toMatch(/signature/);
    expect(nioro.queued('0.9.1')).toBe(false);

    // Root's `update apply` refused it (a changed tarball, say): the box was not restarted,
    // and tells it at its next check (after its next sync session).
    const refusal = { result: 'refused', version: '0.9.0.release', previous: 'factory', at: 5, reason: 'Cette version ne contient pas ce que son manifeste annonce' };
    writeFileSync(join(nioro.updatesRoot, STATE_FILE), JSON.stringify(refusal));
    const told: unknown[] = [];
    const watched = new ReleaseDelivery({ ...deliveryDeps(nioro), onChange: (r) => told.push(r.last) });
    writeFileSync(join(nioro.updatesRoot, STATE_FILE), JSON.stringify({ ...refusal, at: 6 }));
    await watched.check();
    expect(told).toEqual([{ ...refusal, at: 6 }]);

    const youri = await box('Youri', null);
    const none = await youri.appliance.releases.take(await releaseFile(s.dir(), '0.9.0', good));
    expect(none).toMatchObject({ state: 'refused' });
    expect(none.reason).toMatch(/n’a pas la clé/);
    expect(youri.queued('0.9.0')).toBe(false);
  });

  it('`bundle export` puts the release the box holds beside the bundle; `bundle import` takes it (and refuses a badly signed one)', async () => {
    expect(existsSync(join(REPO_ROOT, 'appliance/dist/box/cli.js')), 'build first: npm run build').toBe(true);
    const nioro = await box('Nioro', good);
    await nioro.appliance.releases.take(await releaseFile(s.dir(), '0.9.0', good));
    const gavinane = await box('Gavinané', good);
    await nioro.appliance.stop();
    await gavinane.appliance.stop();

    const stick = s.dir();
    const bundleFile = join(stick, 'pour-gavinane.bundle');
    const out = await solidaire('bundle', 'export', '--data', nioro.dataDir, '--out', bundleFile);
    expect(out.err).toBe('');
    expect(out.out).toContain('Version 0.9.0 copiée à côté');
    const beside = join(stick, 'solidaire-0.9.0.release');
    expect(existsSync(beside)).toBe(true);

    const imported = await solidaire('bundle', 'import', '--data', gavinane.dataDir, '--updates', gavinane.updatesRoot, '--release-key', gavinane.key, bundleFile);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('Version 0.9.0 vérifiée et mise en attente');
    expect(readFileSync(join(gavinane.updatesRoot, 'updates', '0.9.0.release')).equals(readFileSync(beside))).toBe(true);

    // A stick carrying a release signed by another key: refused, said plainly, exit code 2.
    const badStick = s.dir();
    const forged = await releaseFile(badStick, '0.9.2', other);
    const refused = await solidaire('bundle', 'import', '--data', gavinane.dataDir, '--updates', gavinane.updatesRoot, '--release-key', gavinane.key, forged);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/Version « solidaire-0\.9\.2\.release » refusée : La signature/);
    expect(existsSync(join(gavinane.updatesRoot, 'updates', '0.9.2.release'))).toBe(false);
  });
});
