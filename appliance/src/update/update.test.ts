/**
 * Signed releases and updates that roll back by themselves (update/): a good release is
 * installed beside the running one and kept; one that does not come up is undone, its
 * database changes with it; a bundle signed by another key, or changed after signing, is
 * refused before anything changes. The "box" here is a real process started from the
 * release the `current` link names, as the launcher does under systemd.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, scratch } from '../testing/index.js';
import { applyUpdate, buildRelease, currentRelease, generateReleaseKeys, healthzAnswers, PENDING_FILE, readSignedManifest, readUpdateState, recoverInterruptedUpdate, ReleaseError, type ServiceControl, type UpdateLayout } from './index.js';

const s = scratch();
afterEach(() => s.clean());

const keys = generateReleaseKeys();
const SQLITE = createRequire(import.meta.url).resolve('better-sqlite3');

/** A release tree: a command that serves /healthz with its version, or (broken) changes the database and dies. */
function releaseTree(version: string, broken = false): string {
  const root = s.dir(`solidaire-release-${version}-`);
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'solidaire', version, type: 'module' }));
  const main = broken
    ? `import { createRequire } from 'node:module';
       const Database = createRequire(import.meta.url)(${JSON.stringify(SQLITE)});
       const db = new Database(process.env.DATA + '/solidaire.db');
       db.exec('CREATE TABLE IF NOT EXISTS migration_cassee (x)');
       db.close();
       process.exit(1);`
    : `import { createServer } from 'node:http';
       createServer((q, r) => r.end(JSON.stringify({ ok: true, version: ${JSON.stringify(version)} }))).listen(Number(process.env.PORT), '127.0.0.1');`;
  writeFileSync(join(root, 'bin/solidaire.js'), `#!/usr/bin/env node\n${main}\n`);
  chmodSync(join(root, 'bin/solidaire.js'), 0o755);
  mkdirSync(join(root, 'node_modules/outil'), { recursive: true });
  writeFileSync(join(root, 'node_modules/outil/index.js'), 'export default 1;\n');
  symlinkSync('../node_modules/outil', join(root, 'bin/outil'));
  return root;
}

async function bundle(version: string, opts: { broken?: boolean; privateKeyPem?: string } = {}): Promise<string> {
  const out = join(s.dir('solidaire-bundle-'), `solidaire-${version}.release`);
  await buildRelease({ root: releaseTree(version, opts.broken), out, version, privateKeyPem: opts.privateKeyPem ?? keys.privateKeyPem, include: ['package.json', 'bin', 'node_modules'], now: 0 });
  return out;
}

/** A box: its data partition, its factory release (0.1.0), its database, and a service that runs the current release. */
async function box() {
  const root = s.dir('solidaire-varlib-');
  const layout: UpdateLayout = { root, dataDir: join(root, 'data'), factoryDir: releaseTree('0.1.0') };
  mkdirSync(layout.dataDir);
  const db = new Database(join(layout.dataDir, 'solidaire.db'));
  db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE messages (body); INSERT INTO messages VALUES ('avant la mise à jour')");
  db.close();
  const port = await freePort();
  let child: ChildProcess | undefined;
  const events: string[] = [];
  const service: ServiceControl = {
    async start() {
      const { dir, name } = currentRelease(layout);
      events.push(`start ${name}`);
      child = spawn(process.execPath, [join(dir, 'bin/solidaire.js')], { env: { ...process.env, PORT: String(port), DATA: layout.dataDir }, stdio: 'ignore' });
    },
    async stop() {
      events.push('stop');
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await gone;
    },
  };
  s.defer(() => service.stop());
  await service.start();
  const healthy = healthzAnswers(port, 3000, 100);
  expect(await healthy('0.1.0')).toBe(true);
  const tables = () => {
    const h = new Database(join(layout.dataDir, 'solidaire.db'), { readonly: true });
    try {
      return h.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
    } finally {
      h.close();
    }
  };
  const apply = (file: string, publicKeyPem = keys.publicKeyPem) => applyUpdate({ ...layout, file, publicKeyPem, service, healthy, now: () => 1_000 });
  return { layout, service, events, healthy, tables, apply };
}

describe('updates', () => {
  it('installs a good release beside the running one, and keeps it', async () => {
    const b = await box();
    const state = await b.apply(await bundle('0.2.0'));
    expect(state).toEqual({ result: 'applied', version: '0.2.0', previous: 'factory', at: 1_000 });
    expect(readUpdateState(b.layout.root)).toEqual(state);
    expect(await b.healthy('0.2.0')).toBe(true);
    expect(readlinkSync(join(b.layout.root, 'current'))).toBe(join(b.layout.root, 'releases/0.2.0'));
    expect(readlinkSync(join(b.layout.root, 'releases/0.2.0/bin/outil'))).toBe('../node_modules/outil');
    expect(b.events).toEqual(['start factory', 'stop', 'start 0.2.0']);
    // The next one keeps the one before it (to go back to), and no older.
    await b.apply(await bundle('0.3.0'));
    await b.apply(await bundle('0.4.0'));
    expect(existsSync(join(b.layout.root, 'releases/0.2.0'))).toBe(false);
    expect(existsSync(join(b.layout.root, 'releases/0.3.0'))).toBe(true);
    expect(currentRelease(b.layout).name).toBe('0.4.0');
  });

  it('undoes a release that does not come up, its database changes with it', async () => {
    const b = await box();
    await b.apply(await bundle('0.2.0'));
    const state = await b.apply(await bundle('0.3.0', { broken: true }));
    expect(state.result).toBe('rolled-back');
    expect(state.reason).toMatch(/0\.3\.0 n’a pas répondu.*retour à la version 0\.2\.0, base de données restaurée/);
    expect(readUpdateState(b.layout.root)).toEqual(state);
    // The broken release did change the database before dying: that change is gone.
    expect(b.tables()).toEqual(['messages']);
    expect(currentRelease(b.layout).name).toBe('0.2.0');
    expect(await b.healthy('0.2.0')).toBe(true);
    expect(existsSync(join(b.layout.root, 'releases/0.3.0'))).toBe(false);
  });

  it('undoes a release whose start fails (it exits before it is ready, as systemd tells), its database too', async () => {
    const b = await box();
    await b.apply(await bundle('0.2.0'));
    const service: ServiceControl = {
      stop: () => b.service.stop(),
      async start() {
        await b.service.start();
        if (currentRelease(b.layout).name === '0.3.0') throw new Error('Job for solidaire.service failed');
      },
    };
    const state = await applyUpdate({ ...b.layout, file: await bundle('0.3.0', { broken: true }), publicKeyPem: keys.publicKeyPem, service, healthy: b.healthy, now: () => 2_000 });
    expect(state).toMatchObject({ result: 'rolled-back', version: '0.3.0', previous: '0.2.0' });
    expect(state.reason).toMatch(/0\.3\.0 n’a pas démarré ; retour à la version 0\.2\.0, base de données restaurée/);
    expect(b.tables()).toEqual(['messages']);
    expect(currentRelease(b.layout).name).toBe('0.2.0');
    expect(await b.healthy('0.2.0')).toBe(true);
  });

  it('undoes an update cut between its switch and its verdict (power cut, apply killed) at the next start', async () => {
    const b = await box();
    await b.apply(await bundle('0.2.0'));
    // The apply dies while it waits for the new release's answer; the broken release has
    // changed the database by then.
    const cut = new Error('coupure de courant');
    const changed = () => b.tables().includes('migration_cassee');
    const dying = applyUpdate({
      ...b.layout,
      file: await bundle('0.3.0', { broken: true }),
      publicKeyPem: keys.publicKeyPem,
      service: b.service,
      healthy: async () => {
        while (!changed()) await new Promise((r) => setTimeout(r, 50));
        throw cut;
      },
      now: () => 2_000,
    });
    await expect(dying).rejects.toBe(cut);
    expect(currentRelease(b.layout).name).toBe('0.3.0');
    expect(existsSync(join(b.layout.root, PENDING_FILE))).toBe(true);
    await b.service.stop();
    expect(b.tables()).toEqual(['messages', 'migration_cassee']);

    // At boot, before the box starts (the factory release runs this).
    const state = recoverInterruptedUpdate(b.layout, () => 3_000);
    expect(state).toMatchObject({ result: 'rolled-back', version: '0.3.0', previous: '0.2.0', at: 3_000 });
    expect(state?.reason).toMatch(/0\.3\.0 a été interrompue.*retour à la version 0\.2\.0, base de données restaurée/);
    expect(readUpdateState(b.layout.root)).toEqual(state);
    expect(b.tables()).toEqual(['messages']);
    expect(currentRelease(b.layout).name).toBe('0.2.0');
    expect(existsSync(join(b.layout.root, 'releases/0.3.0'))).toBe(false);
    expect(existsSync(join(b.layout.root, PENDING_FILE))).toBe(false);
    await b.service.start();
    expect(await b.healthy('0.2.0')).toBe(true);
    // Nothing more to undo.
    expect(recoverInterruptedUpdate(b.layout, () => 4_000)).toBeNull();
    expect(readUpdateState(b.layout.root)).toEqual(state);
  });

  it('undoes an interrupted update before applying the next one', async () => {
    const b = await box();
    const dying = applyUpdate({ ...b.layout, file: await bundle('0.2.0'), publicKeyPem: keys.publicKeyPem, service: b.service, healthy: () => Promise.reject(new Error('tué')), now: () => 2_000 });
    await expect(dying).rejects.toThrow('tué');
    expect(currentRelease(b.layout).name).toBe('0.2.0');
    // The same bundle comes again (the apply was killed before removing it): undone, then installed.
    const state = await b.apply(await bundle('0.2.0'));
    expect(state).toEqual({ result: 'applied', version: '0.2.0', previous: 'factory', at: 1_000 });
    expect(existsSync(join(b.layout.root, PENDING_FILE))).toBe(false);
    expect(await b.healthy('0.2.0')).toBe(true);
  });

  it('goes back to the factory release when the first update fails', async () => {
    const b = await box();
    const state = await b.apply(await bundle('0.2.0', { broken: true }));
    expect(state).toMatchObject({ result: 'rolled-back', previous: 'factory' });
    expect(existsSync(join(b.layout.root, 'current'))).toBe(false);
    expect(await b.healthy('0.1.0')).toBe(true);
  });

  it('refuses a release signed by another key, or changed after signing, before changing anything', async () => {
    const b = await box();
    const stranger = generateReleaseKeys();
    await expect(b.apply(await bundle('0.2.0', { privateKeyPem: stranger.privateKeyPem }))).rejects.toThrow(/La signature de cette version n’est pas celle des versions de Solidaire/);

    const good = await bundle('0.2.0');
    const bytes = readFileSync(good);
    const { payloadAt } = readSignedManifest(good, keys.publicKeyPem);
    for (const [what, changed] of [
      ['a byte of the payload', Buffer.concat([bytes.subarray(0, payloadAt + 40), Buffer.from([bytes[payloadAt + 40]! ^ 0xff]), bytes.subarray(payloadAt + 41)])],
      ['a byte of the manifest', Buffer.concat([bytes.subarray(0, 30), Buffer.from([bytes[30]! ^ 0x01]), bytes.subarray(31)])],
      ['the end cut off', bytes.subarray(0, bytes.length - 100)],
      ['not a release at all', Buffer.from('bonjour')],
    ] as const) {
      const file = join(s.dir(), 'changed.release');
      writeFileSync(file, changed);
      await expect(b.apply(file), what).rejects.toThrow(ReleaseError);
    }
    expect(b.events).toEqual(['start factory']);
    expect(existsSync(join(b.layout.root, 'current'))).toBe(false);
    expect(existsSync(join(b.layout.root, 'releases/0.2.0'))).toBe(false);
    // Only the outcome is written, for the relay: the last refusal and why.
    expect(readUpdateState(b.layout.root)).toMatchObject({ result: 'refused', version: 'changed.release', previous: 'factory', reason: expect.stringMatching(/pas une version de Solidaire/) });
    expect(await b.healthy('0.1.0')).toBe(true);
  });

  it('refuses to build a release with a link that leads outside it', async () => {
    const root = releaseTree('0.2.0');
    symlinkSync('/etc/passwd', join(root, 'bin/mots-de-passe'));
    await expect(buildRelease({ root, out: join(s.dir(), 'x.release'), version: '0.2.0', privateKeyPem: keys.privateKeyPem, include: ['bin'], now: 0 })).rejects.toThrow(/pointe hors de la version/);
  });
});
