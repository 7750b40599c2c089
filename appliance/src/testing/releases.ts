/**
 * For tests of releases and of the command: a small signed release, a release key file,
 * and `solidaire …` run as the compiled command (build first: npx tsc -b).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildRelease, type ReleaseKeys } from '../update/index.js';
import type { Scratch } from './scratch.js';

/** The repository's root, and its command. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const SOLIDAIRE_BIN = join(REPO_ROOT, 'bin', 'solidaire.js');
const run = promisify(execFile);

/** Run `solidaire …` from the repository's root; never throws. */
export async function solidaire(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SOLIDAIRE_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, TZ: 'UTC' } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** A signed release `solidaire-<version>.release` in `dir`: a command, and `payloadBytes` of random bytes. */
export async function testRelease(s: Scratch, o: { dir: string; version: string; keys: ReleaseKeys; payloadBytes?: number }): Promise<string> {
  const root = s.dir();
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin/solidaire.js'), '#!/usr/bin/env node\n');
  if (o.payloadBytes) writeFileSync(join(root, 'bin/donnees'), randomBytes(o.payloadBytes));
  const out = join(o.dir, `solidaire-${o.version}.release`);
  await buildRelease({ root, out, version: o.version, privateKeyPem: o.keys.privateKeyPem, include: ['bin'], now: 0 });
  return out;
}

/** A file holding the releases' public key, or (null) a path where there is none. */
export function releaseKeyFile(s: Scratch, keys: ReleaseKeys | null): string {
  const path = join(s.dir(), 'release-key.pub');
  if (keys) writeFileSync(path, keys.publicKeyPem);
  return path;
}
