/** The site's name and setup state are held in memory (db/memo.ts): never stale. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { LocalClient } from '../http/local-client.js';
import { REVALIDATE_MS } from '../http/app.js';
import { performSetup } from './setup.js';

const dirs: string[] = [];
const boxes: Appliance[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.stop()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function fresh(): Appliance {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-site-'));
  dirs.push(dir);
  const a = new Appliance({ dataDir: dir, clock: new FakeClock(), random: seededRandom(3), logError: () => {} });
  boxes.push(a);
  return a;
}

const admin = { username: 'admin', displayName: 'Admin', password: 'un-mot-de-passe' };

describe('site memo', () => {
  it('is set up, and named, from the moment setup commits', async () => {
    const a = fresh();
    const web = new LocalClient(a);
    expect((await web.get('/healthz')).body).toMatchObject({ setUp: false, siteName: null });
    expect((await web.post('/api/v1/setup', { siteName: 'Nioro du Sahel', admin })).status).toBe(201);
    expect((await web.get('/healthz')).body).toMatchObject({ setUp: true, siteName: 'Nioro du Sahel' });
    expect((await web.post('/api/v1/setup', { siteName: 'Encore', admin })).status).toBe(409);
  });

  it('keeps nothing from a setup transaction that rolled back', () => {
    const a = fresh();
    const { db, site } = a.services;
    expect(site.isSetUp).toBe(false);
    expect(() =>
      db.transaction(() => {
        site.markSetUp('Youri');
        expect(site.isSetUp).toBe(true);
        throw new Error('coupure');
      })(),
    ).toThrow('coupure');
    expect(site.isSetUp).toBe(false);
    expect(site.name).toBeNull();
    site.rename('Youri');
    expect(site.name).toBe('Youri');
  });

  it('sees setup done by another process (`solidaire setup` while the box runs)', async () => {
    const a = fresh();
    const web = new LocalClient(a);
    expect((await web.get('/healthz')).body.setUp).toBe(false);
    const other = new Appliance({ dataDir: dirs.at(-1)!, clock: new FakeClock(), random: seededRandom(4) });
    try {
      await performSetup(other.services, { siteName: 'Kayes', admin });
    } finally {
      await other.stop();
    }
    // Seen within REVALIDATE_MS of the box's clock (under load the file is not looked at on every request).
    (a.services.clock as FakeClock).advance(REVALIDATE_MS);
    expect((await web.get('/healthz')).body).toMatchObject({ setUp: true, siteName: 'Kayes' });
    // And the box's own setup route refuses a second setup.
    expect((await web.post('/api/v1/setup', { siteName: 'Encore', admin })).status).toBe(409);
  });
});
