import { readFileSync } from 'node:fs';

/**
 * The release's version: the root package.json's (a release bundle is built with it, and
 * the box answers /healthz with it: update/apply.ts keeps a new release only when it does).
 *
 * Found from import.meta.url: this module, like every one that looks for a file that way,
 * sits two folders under appliance/ once compiled (dist/update/version.js), where the box's
 * bundle (dist/box/cli.js) sits too; appliance/rolldown.config.mjs refuses any other depth.
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
