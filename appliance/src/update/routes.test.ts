/**
 * A release sent from the box admin's page (update/routes.ts): checked at once, put where
 * root installs it; refused in plain words when it is not signed with the box's key or is
 * the version in service; only the box admin may; a box without the key takes none.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { performSetup } from '../setup/index.js';
import { scratch, TestClient, TEST_PASSWORD } from '../testing/index.js';
import { buildRelease, generateReleaseKeys } from './index.js';

const s = scratch();
afterEach(() => s.clean());
const keys = generateReleaseKeys();

async function release(version: string, privateKeyPem = keys.privateKeyPem): Promise<Buffer> {
  const root = s.dir();
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin/solidaire.js'), '#!/usr/bin/env node\n');
  const out = join(s.dir(), 'r.release');
  await buildRelease({ root, out, version, privateKeyPem, include: ['bin'], now: 0 });
  return readFileSync(out);
}

async function box(withKey = true) {
  const root = s.dir();
  const keyFile = join(s.dir(), 'release-key.pub');
  if (withKey) writeFileSync(keyFile, keys.publicKeyPem);
  const appliance = new Appliance({ dataDir: join(root, 'data'), updatesRoot: root, releaseKeyFile: keyFile, clock: new FakeClock(), random: seededRandom(4), logError: () => {} });
  s.defer(() => appliance.stop());
  await performSetup(appliance.services, { siteName: 'Nioro', admin: { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD } });
  await appliance.services.accounts.create({ username: 'awa', displayName: 'Awa', password: TEST_PASSWORD });
  const admin = new TestClient(appliance);
  await admin.login('admin', TEST_PASSWORD);
  const awa = new TestClient(appliance);
  await awa.login('awa', TEST_PASSWORD);
  return { root, admin, awa };
}

const send = (c: TestClient, bytes: Uint8Array) => c.post('/api/v1/updates', bytes, { 'content-type': 'application/octet-stream' });

describe('updates from the admin page', () => {
  it('checks a release at once and queues it for root', async () => {
    const b = await box();
    const res = await send(b.admin, await release('0.2.0'));
    expect(res.status).toBe(202);
    expect(res.body.message).toMatch(/0\.2\.0 est reçue et vérifiée/);
    expect(readdirSync(join(b.root, 'updates'))).toEqual(['0.2.0.release']);
    const status = await b.admin.get('/api/v1/updates');
    expect(status.body).toMatchObject({ version: '0.1.0', waiting: ['0.2.0'], last: null, accepts: true });
    // Taken as any release is: kept to hand on, and said to the relay.
    expect((status.body as { delivery: unknown }).delivery).toMatchObject({ version: '0.2.0', state: 'queued', from: 'usb' });
  });

  it('refuses, in plain words and keeping nothing, what it must not install', async () => {
    const b = await box();
    const other = generateReleaseKeys();
    const cases: Array<[Uint8Array, number, RegExp]> = [
      [await release('0.2.0', other.privateKeyPem), 400, /La signature de cette version n’est pas celle des versions de Solidaire/],
      [Buffer.from('pas une version'), 400, /n’est pas une version de Solidaire/],
      [await release('0.1.0'), 409, /déjà celle en service/],
    ];
    for (const [bytes, status, message] of cases) {
      const res = await send(b.admin, bytes);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect(readdirSync(join(b.root, 'updates'))).toEqual([]);
    expect((await send(b.awa, await release('0.2.0'))).status).toBe(403);
    expect(existsSync(join(b.root, 'updates/0.2.0.release'))).toBe(false);
  });

  it('takes none on a box without the key of releases', async () => {
    const b = await box(false);
    const res = await send(b.admin, await release('0.2.0'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('updates_disabled');
    expect((await b.admin.get('/api/v1/updates')).body.accepts).toBe(false);
  });
});
