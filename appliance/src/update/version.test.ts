/**
 * The version a box answers /healthz with is the release's (the root package.json's), also
 * when it runs from its bundle (appliance/dist/box/, build first: npm run build): apply.ts
 * keeps a new release only if the box answers with the new version. The bundle once read
 * appliance/package.json instead, and every box refused every update.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/index.js';

const run = promisify(execFile);
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A release's layout with its own versions: the root's and the appliance package's differ. */
function release(): string {
  dir = mkdtempSync(join(tmpdir(), 'solidaire-version-'));
  mkdirSync(join(dir, 'appliance/dist'), { recursive: true });
  cpSync(join(REPO_ROOT, 'appliance/dist/box'), join(dir, 'appliance/dist/box'), { recursive: true });
  cpSync(join(REPO_ROOT, 'appliance/dist/update'), join(dir, 'appliance/dist/update'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'solidaire', version: '9.8.7-racine', type: 'module' }));
  writeFileSync(join(dir, 'appliance/package.json'), JSON.stringify({ name: '@solidaire/appliance', version: '0.0.1-paquet', type: 'module' }));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('the release version', () => {
  it('is the root package.json’s, from the box’s bundle and from the compiled module', async () => {
    expect(existsSync(join(REPO_ROOT, 'appliance/dist/box/cli.js')), 'build first: npm run build').toBe(true);
    const root = release();
    // As bin/solidaire.js runs it: `solidaire --version`.
    const cli = join(root, 'appliance/dist/box/cli.js');
    const bundled = await run(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(cli)}); await main(['node', 'solidaire', '--version']);`]);
    expect(bundled.stdout.trim()).toBe('9.8.7-racine');
    const compiled = await run(process.execPath, ['--input-type=module', '-e', `import { VERSION } from ${JSON.stringify(join(root, 'appliance/dist/update/version.js'))}; console.log(VERSION);`]);
    expect(compiled.stdout.trim()).toBe('9.8.7-racine');
  });
});
