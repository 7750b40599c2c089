/**
 * A USB stick between two boxes that host the same association: what A made reaches B
 * (documents, messages, members, a file), B shows the same state, an export for a site
 * whose vectors we know carries only what it lacks, and importing twice changes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBox } from '../testing/index.js';
import { importBundle, PeerVectors, verifyBundle, writeBundleFile } from './index.js';
import { API, depsOf, digest, GG, makeWork, newBox, opCount } from './fixtures.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const siteOf = (b: TestBox) => b.appliance.services.log.siteId;

describe('export then import', () => {
  it('brings documents, messages, members and a file from A to B, with the same state', async () => {
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    const work = await makeWork(a);
    expect(digest(a)).not.toBe(digest(b));

    const out = join(a.dir, 'pour-b.bundle');
    const written = await writeBundleFile(depsOf(a), {}, out);
    expect(written).toMatchObject({ target: null, complete: true, blobs: 1, blobBytes: work.content.length });
    expect(written.ops).toBe(opCount(a));
    expect(written.bytes).toBe(readFileSync(out).length);
    // Written under a temporary name, renamed when whole: no ".partiel" left behind.
    expect(readdirSync(a.dir).filter((f) => f.includes('partiel'))).toEqual([]);

    const got = await importBundle(depsOf(b), out);
    expect(got).toMatchObject({ site: siteOf(a), target: null, forThisSite: true, ops: written.ops, applied: written.ops, blobs: 1, blobsNew: 1 });
    expect(got.spaces[GG]).toBeGreaterThanOrEqual(7);
    expect(digest(b)).toBe(digest(a));

    // B's people see it all, and the file downloads whole.
    const moussa = await b.user('moussa', { [GG]: 'member' });
    expect((await moussa.get(`${API}/documents/${work.doc.id}`)).body.text).toContain('Fatou');
    expect((await moussa.get(`${API}/members/${work.member.id}`)).body).toMatchObject({ firstName: 'Awa', lastName: 'Traoré' });
    const threads = (await moussa.get(`${API}/threads`)).text;
    expect(threads).toContain('Kits solaires');
    const res = await b.appliance.app.request(`${API}/files/${work.file.id}/content`, { headers: { cookie: moussa.cookie! } });
    expect(res.status).toBe(200);
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(work.content));

    // B now knows what A holds.
    expect(new PeerVectors(b.appliance.services).get(siteOf(a))?.[GG]).toEqual(a.appliance.services.log.versionVector(GG));
  });

  it('sends only what is new once the target’s vectors are known, and importing twice changes nothing', async () => {
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    await makeWork(a);
    const first = join(a.dir, 'premier.bundle');
    await writeBundleFile(depsOf(a), { target: siteOf(b) }, first);
    expect((await verifyBundle(first)).header.target).toBe(siteOf(b));
    await importBundle(depsOf(b), first);

    // Twice: nothing applied, nothing stored, same state.
    const [ops, state] = [opCount(b), digest(b)];
    const again = await importBundle(depsOf(b), first);
    expect(again).toMatchObject({ applied: 0, blobsNew: 0, blobBytes: 0 });
    expect([opCount(b), digest(b)]).toEqual([ops, state]);

    // B answers; its bundle for A carries only B's own operations (A has the rest).
    const moussa = await b.user('moussa', { [GG]: 'member' });
    const thread = (await moussa.get(`${API}/threads`)).body.threads[0];
    expect((await moussa.post(`${API}/threads/${thread.id}/messages`, { body: 'Reçu à Gavinané.' })).status).toBe(201);
    const back = join(b.dir, 'retour.bundle');
    const fromB = await writeBundleFile(depsOf(b), { target: siteOf(a) }, back);
    const authoredByB = (b.appliance.services.db.prepare('SELECT count(*) AS n FROM ops WHERE author = ?').get(siteOf(b)) as { n: number }).n;
    expect(fromB).toMatchObject({ complete: false, ops: authoredByB, blobs: 0 });
    const atA = await importBundle(depsOf(a), back);
    expect(atA.applied).toBe(authoredByB);
    expect(digest(a)).toBe(digest(b));

    // A learnt B's vectors from that bundle: its next bundle for B holds just the two new changes.
    const awa = await a.user('awa2', { [GG]: 'admin' });
    expect((await awa.post(`${API}/threads`, { subject: 'Réunion', body: 'Samedi à 10 h.' })).status).toBe(201);
    expect((await awa.post(`${API}/members`, { firstName: 'Fatou', lastName: 'Diarra', joinedOn: '2020-01-01' })).status).toBe(201);
    const second = join(a.dir, 'second.bundle');
    const next = await writeBundleFile(depsOf(a), { target: siteOf(b) }, second);
    expect(next).toMatchObject({ complete: false, ops: 2, blobs: 0 });
    expect(next.bytes).toBeLessThan(readFileSync(first).length / 10);
    expect((await importBundle(depsOf(b), second)).applied).toBe(2);
    expect(digest(b)).toBe(digest(a));
  });

  it('carries the content of live files only, and writes an empty but valid bundle when there is nothing', async () => {
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    const empty = join(a.dir, 'vide.bundle');
    const none = await writeBundleFile(depsOf(a), { target: siteOf(b) }, empty);
    expect(none).toMatchObject({ complete: true, blobs: 0 });
    expect((await importBundle(depsOf(b), empty)).ops).toBe(none.ops);

    const work = await makeWork(a);
    expect((await work.awa.delete(`${API}/files/${work.file.id}`)).status).toBe(200);
    const out = join(a.dir, 'sans-fichier.bundle');
    expect((await writeBundleFile(depsOf(a), {}, out)).blobs).toBe(0);
    await importBundle(depsOf(b), out);
    expect(digest(b)).toBe(digest(a));
  });

  it('refuses a bundle that skips operations the box lacks (a gap), applying nothing', async () => {
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    await makeWork(a);
    // A wrongly believes B already holds its first record of the space: the bundle's
    // messages and documents would apply, then its records start at 2 where B has none.
    new PeerVectors(a.appliance.services).replace(siteOf(b), { [GG]: { [siteOf(a)]: { 'record.put': 1 } } });
    const out = join(a.dir, 'trou.bundle');
    await writeBundleFile(depsOf(a), { target: siteOf(b) }, out);
    const [ops, state] = [opCount(b), digest(b)];
    await expect(importBundle(depsOf(b), out)).rejects.toMatchObject({ code: 'bundle_gap' });
    expect([opCount(b), digest(b)]).toEqual([ops, state]);
    expect(new PeerVectors(b.appliance.services).get(siteOf(a))).toBeNull();
    expect(existsSync(out)).toBe(true);
  });
});
