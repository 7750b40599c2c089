/**
 * `solidaire bundle export` and `solidaire bundle import`, run as the compiled command on
 * the data folders of two stopped boxes (build first: npx tsc -b).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { stateDigest } from '../ops/index.js';
import { REPO_ROOT as ROOT, solidaire, type TestBox } from '../testing/index.js';
import { GG, makeWork, newBox } from './fixtures.js';

/** The state of GG and the op count in a stopped box's folder. */
async function stateOf(dir: string): Promise<{ digest: string; ops: number }> {
  const box = new Appliance({ dataDir: dir });
  try {
    const db = box.services.db;
    return { digest: stateDigest(db, [GG]), ops: (db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n };
  } finally {
    await box.stop();
  }
}

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
});

describe('solidaire bundle', () => {
  it('exports from one data folder and imports into another, in French', async () => {
    expect(existsSync(join(ROOT, 'appliance/dist/box/cli.js')), 'build first: npm run build').toBe(true);
    const a = await newBox(boxes, 1);
    const b = await newBox(boxes, 2);
    await makeWork(a);
    const bSite = b.appliance.services.log.siteId;
    await a.appliance.stop();
    await b.appliance.stop();
    const stick = join(a.dir, 'cle');
    const file = join(stick, 'pour-b.bundle');
    mkdirSync(stick);

    const out = await solidaire('bundle', 'export', '--data', a.dir, '--out', file, '--for', bSite);
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    expect(out.out).toContain(`Paquet écrit : ${file}`);
    expect(out.out).toMatch(/\d+ opérations de \d+ espaces? \(givors-gavinane : \d+/);
    expect(out.out).toContain('1 fichier');
    expect(out.out).toContain("elle n'a encore reçu aucun paquet de ce site");
    expect(readdirSync(stick)).toEqual(['pour-b.bundle']);

    // A damaged copy is refused in plain words, exit code 1, nothing applied.
    const before = await stateOf(b.dir);
    const damaged = join(stick, 'abime.bundle');
    const bytes = readFileSync(file);
    writeFileSync(damaged, bytes.subarray(0, bytes.length - 100));
    const bad = await solidaire('bundle', 'import', '--data', b.dir, damaged);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('solidaire : Ce paquet est incomplet');
    expect(await stateOf(b.dir)).toEqual(before);

    const imported = await solidaire('bundle', 'import', '--data', b.dir, file);
    expect(imported.err).toBe('');
    expect(imported.out).toContain(`Paquet importé : fait par le site ${a.appliance.services.log.siteId}`);
    expect(imported.out).toContain('pour ce site');
    expect(imported.out).toContain('1 fichier, dont 1 nouveau');
    const after = await stateOf(b.dir);
    expect(after).toEqual(await stateOf(a.dir));

    const twice = await solidaire('bundle', 'import', '--data', b.dir, file);
    expect(twice.out).toContain('dont 0 nouvelle');
    expect(twice.out).toContain('Rien de nouveau');
    expect(await stateOf(b.dir)).toEqual(after);
  });

  it('says what is wrong with its arguments', async () => {
    const a = await newBox(boxes, 1);
    await a.appliance.stop();
    const noBox = await solidaire('bundle', 'import', '--data', join(a.dir, 'nulle-part'), join(a.dir, 'x.bundle'));
    expect(noBox.code).toBe(1);
    expect(noBox.err).toContain('aucune boîte dans');
    const badSite = await solidaire('bundle', 'export', '--data', a.dir, '--out', join(a.dir, 'x.bundle'), '--for', 'pas/un/site');
    expect(badSite.code).not.toBe(0);
    expect(badSite.err).toContain('identifiant de site');
    const missing = await solidaire('bundle', 'import', '--data', a.dir, join(a.dir, 'absent.bundle'));
    expect(missing.err).toContain('introuvable');
  });
});
