/**
 * The bundle's format: what a release leaves out, and an unpack that takes nothing from the
 * payload but bytes (paths, links and sizes come from the signed manifest alone).
 * What the box's own process reads of a release (readSignedVersion: signature and version
 * only) against what root's `update apply` reads (readSignedManifest: every entry).
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { testRelease } from '../testing/releases.js';
import { buildRelease, generateReleaseKeys, leftOut, readSignedManifest, readSignedVersion, ReleaseError, unpackRelease } from './index.js';
import { signManifest } from './manifest.js';

const s = scratch();
afterEach(() => s.clean());
const keys = generateReleaseKeys();

describe('readSignedVersion', () => {
  it('gives the version a release signed with the key names, as the full read does', async () => {
    const file = await testRelease(s, { dir: s.dir(), version: '0.4.2-rc.1', keys });
    expect(readSignedVersion(file, keys.publicKeyPem)).toBe('0.4.2-rc.1');
    expect(readSignedManifest(file, keys.publicKeyPem).manifest.version).toBe('0.4.2-rc.1');
  });

  it('refuses a release signed with another key, and a file that is not one, in plain words', async () => {
    const file = await testRelease(s, { dir: s.dir(), version: '0.4.2', keys });
    expect(() => readSignedVersion(file, generateReleaseKeys().publicKeyPem)).toThrow(/signature/);
    const junk = join(s.dir(), 'junk.release');
    writeFileSync(junk, 'ceci n’est pas une version');
    expect(() => readSignedVersion(junk, keys.publicKeyPem)).toThrow(ReleaseError);
  });

  it('refuses a changed byte in the manifest (the signature covers it)', async () => {
    const file = await testRelease(s, { dir: s.dir(), version: '0.4.2', keys });
    const bytes = readFileSync(file);
    const at = bytes.indexOf('0.4.2');
    bytes[at] = '9'.charCodeAt(0);
    writeFileSync(file, bytes);
    expect(() => readSignedVersion(file, keys.publicKeyPem)).toThrow(/signature/);
  });
});

describe('a release leaves out what a box never runs', () => {
  it('type declarations, source maps, compiled tests, and the dependencies’ sources, documents and addons for other platforms', () => {
    for (const path of [
      'appliance/dist/index.d.ts',
      'appliance/dist/index.js.map',
      'appliance/dist/db/db.test.js',
      'node_modules/libp2p/dist/src/index.d.ts',
      'node_modules/libp2p/src/index.ts',
      'node_modules/zod/README.md',
      'node_modules/@types/node/index.d.ts',
      'node_modules/@types/node/package.json',
      'node_modules/classic-level/prebuilds/linux-x64/classic-level.node',
      'node_modules/classic-level/prebuilds/darwin-x64+arm64/classic-level.node',
    ]) expect(leftOut(path), path).toBe(true);
    for (const path of [
      'bin/solidaire.js',
      'appliance/dist/index.js',
      'appliance/migrations/001-init.sql',
      'node_modules/libp2p/dist/src/index.js',
      'node_modules/zod/LICENSE.md',
      'node_modules/zod/package.json',
      'node_modules/tests-of-nothing/dist/thing.test.js',
      'node_modules/classic-level/prebuilds/linux-arm64/classic-level.armv8.node',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    ]) expect(leftOut(path), path).toBe(false);
  });

  it('is built without them, and unpacks to exactly the rest, links included', async () => {
    const root = s.dir();
    const put = (path: string, text = path) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put('bin/solidaire.js', '#!/usr/bin/env node\n');
    chmodSync(join(root, 'bin/solidaire.js'), 0o755);
    for (const p of ['node_modules/dep/index.js', 'node_modules/dep/index.d.ts', 'node_modules/dep/index.js.map', 'node_modules/dep/src/index.ts', 'node_modules/dep/README.md', 'node_modules/dep/LICENSE.md', 'node_modules/dep/empty.js']) put(p, p.endsWith('empty.js') ? '' : undefined);
    mkdirSync(join(root, 'node_modules/.bin'));
    symlinkSync('../dep/index.js', join(root, 'node_modules/.bin/dep'));
    const out = join(s.dir(), 'lean.release');
    const manifest = await buildRelease({ root, out, version: '0.5.0', privateKeyPem: keys.privateKeyPem, include: ['bin', 'node_modules'], now: 0 });
    expect(manifest.entries.map((e) => e.path)).toEqual(['bin/solidaire.js', 'node_modules/.bin/dep', 'node_modules/dep/LICENSE.md', 'node_modules/dep/empty.js', 'node_modules/dep/index.js']);

    const dir = join(s.dir(), 'unpacked');
    await unpackRelease(out, keys.publicKeyPem, dir);
    expect(readFileSync(join(dir, 'node_modules/.bin/dep'), 'utf8')).toBe('node_modules/dep/index.js');
    expect(readFileSync(join(dir, 'node_modules/dep/empty.js'), 'utf8')).toBe('');
    expect(statSync(join(dir, 'bin/solidaire.js')).mode & 0o777).toBe(0o755);
    expect(existsSync(join(dir, 'node_modules/dep/README.md'))).toBe(false);
  });
});

describe('unpackRelease trusts nothing but the signed manifest', () => {
  /** A bundle signed with the key, with this manifest and these payload bytes (as a faulty or hostile builder would make). */
  function handMade(entries: Array<{ path: string; text?: string; link?: string }>, payload: string): string {
    const list = entries.map((e) => (e.link !== undefined ? { path: e.path, link: e.link } : { path: e.path, size: Buffer.byteLength(e.text!), sha256: createHash('sha256').update(e.text!).digest('hex'), mode: 0o644 }));
    const manifest = Buffer.from(JSON.stringify({ solidaire: 'release', version: '0.6.0', createdAt: 0, entries: list }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(manifest.length);
    const file = join(s.dir(), 'hand-made.release');
    writeFileSync(file, Buffer.concat([Buffer.from('SOLREL02'), length, manifest, signManifest(manifest, keys.privateKeyPem), brotliCompressSync(payload)]));
    return file;
  }

  it.each([
    ['more bytes than the manifest announces', [{ path: 'bin/solidaire.js', text: 'abc' }], 'abcdef', /plus que ce que son manifeste annonce/],
    ['fewer', [{ path: 'bin/solidaire.js', text: 'abc' }, { path: 'bin/z', text: 'xyz' }], 'abcx', /tronquée/],
    ['other bytes', [{ path: 'bin/solidaire.js', text: 'abc' }], 'abd', /ne correspond pas au manifeste/],
    ['a file where a folder must be', [{ path: 'bin/solidaire.js', text: 'abc' }, { path: 'bin/solidaire.js/x', text: 'd' }], 'abcd', /à sa place/],
    ['a link where a folder is', [{ path: 'bin/solidaire.js', text: 'abc' }, { path: 'lib', link: 'bin' }, { path: 'lib/x', text: 'd' }], 'abcd', /à sa place/],
  ] as const)('refuses %s, and leaves nothing', async (_what, entries, payload, message) => {
    const file = handMade([...entries], payload);
    const dir = join(s.dir(), 'unpacked');
    await expect(unpackRelease(file, keys.publicKeyPem, dir)).rejects.toThrow(message);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a payload that is not brotli, in plain words', async () => {
    const file = handMade([{ path: 'bin/solidaire.js', text: 'abc' }], 'abc');
    const bytes = readFileSync(file);
    writeFileSync(file, Buffer.concat([bytes.subarray(0, bytes.length - 7), Buffer.from('pas du brotli')]));
    await expect(unpackRelease(file, keys.publicKeyPem, join(s.dir(), 'u'))).rejects.toThrow(/illisible|ne correspond pas/);
  });
});
