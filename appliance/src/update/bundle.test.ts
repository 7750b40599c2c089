/**
 * What the box's own process reads of a release (readSignedVersion: signature and version
 * only) against what root's `update apply` reads (readSignedManifest: every entry).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { testRelease } from '../testing/releases.js';
import { generateReleaseKeys, readSignedManifest, readSignedVersion, ReleaseError } from './index.js';

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
