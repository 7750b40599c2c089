/**
 * Bundles between boxes of a federation follow its grants, as sync sessions do: a bundle
 * for a site carries only the spaces both may hold; an import keeps aside the spaces this
 * box may not hold and refuses a bundle with an operation whose author may not write.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBox } from '../testing/index.js';
import { Authority, Entitlements, FEDERATION_SPACE } from '../federation/index.js';
import { OpLogSyncStore } from '../sync/index.js';
import { importBundle, verifyBundle, writeBundleFile } from './index.js';
import { API, depsOf, digest, GG, makeWork, newBox } from './fixtures.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});

const SP = 'secours-populaire';
const siteOf = (b: TestBox) => b.appliance.services.log.siteId;
const opsIn = (b: TestBox, space: string) =>
  (b.appliance.services.db.prepare('SELECT count(*) AS n FROM ops WHERE space = ?').get(space) as { n: number }).n;

/** Boxes that joined one federation and hold its grants (the appliance does not wire this yet). */
async function federation(grants: Array<Record<string, 'host' | 'carry'> | null>) {
  const list: TestBox[] = [];
  for (let i = 0; i < grants.length; i++) list.push(await newBox(boxes, i + 1));
  const authority = Authority.open(join(list[0]!.dir, 'federation'), list[0]!.clock);
  list.forEach((b, i) => {
    if (grants[i]) authority.grant(siteOf(b), `site ${i}`, grants[i]!);
  });
  for (const b of list) {
    const { db, log } = b.appliance.services;
    // Materialise the grants, so that the box can read them.
    db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, 'Fédération', 'association', 0, 0)").run(FEDERATION_SPACE);
    new Entitlements(db).join(authority.federationId, 0);
    new OpLogSyncStore({ db, log, spaces: () => [] }).applyBatch(authority.history());
  }
  return list;
}

describe('bundles in a federation', () => {
  it('carries to a site only the spaces both may hold, and an import keeps aside the others', async () => {
    const [a, b] = await federation([{ [GG]: 'host', [SP]: 'host' }, { [GG]: 'host' }]);
    await makeWork(a!);
    const claire = await a!.user('claire', { [SP]: 'member' });
    expect((await claire.post(`/api/v1/spaces/${SP}/threads`, { subject: 'Privé', body: 'Colis' })).status).toBe(201);

    const forB = join(a!.dir, 'pour-b.bundle');
    await writeBundleFile(depsOf(a!), { target: siteOf(b!) }, forB);
    expect(Object.keys((await verifyBundle(forB)).header.spaces).sort()).toEqual([FEDERATION_SPACE, GG]);
    await importBundle(depsOf(b!), forB);
    expect(digest(b!)).toBe(digest(a!));

    // A bundle of everything still reaches B; B leaves aside what it may not hold.
    const all = join(a!.dir, 'tout.bundle');
    await writeBundleFile(depsOf(a!), {}, all);
    const got = await importBundle(depsOf(b!), all);
    expect(got.ignored).toBe(opsIn(a!, SP));
    expect(got.ignored).toBeGreaterThan(0);
    expect(opsIn(b!, SP)).toBe(0);
  });

  it('refuses a bundle with an operation from a site that may not write the space', async () => {
    const [a, b] = await federation([null, { [GG]: 'host' }]);
    const moussa = await a!.user('moussa', { [GG]: 'admin' });
    expect((await moussa.post(`${API}/threads`, { subject: 'Intrus', body: 'Je ne suis pas du réseau.' })).status).toBe(201);
    const out = join(a!.dir, 'intrus.bundle');
    await writeBundleFile(depsOf(a!), {}, out);
    const before = digest(b!);
    await expect(importBundle(depsOf(b!), out)).rejects.toMatchObject({ code: 'bundle_refused', message: expect.stringContaining("n'a pas le droit d'écrire") });
    expect(digest(b!)).toBe(before);
    expect(opsIn(b!, GG)).toBe(0);
  });
});
